package dev.canopy.training;

import dev.canopy.data.TableReader;
import dev.canopy.error.InvalidInputException;
import dev.canopy.pool.Backoff;
import dev.canopy.testing.InMemoryObjectStore;
import dev.canopy.testing.TestData;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 24, item 8: a data error every trainer would hit was reported by each of them (table rows, WARN lines,
 * "every trainer failed"). It is found once, before any trainer is invoked, and leaves no run folder.
 */
class SupervisorDataPreflightTest {
    final InMemoryObjectStore store = new InMemoryObjectStore();
    final AtomicInteger trainerCalls = new AtomicInteger();

    private SupervisorService supervisor() {
        return new SupervisorService(store, (function, payload) -> {
            trainerCalls.incrementAndGet();
            throw new IllegalStateException("no trainer should run");
        }, Clock.systemUTC(), "mem://out", SupervisorService.Limits.DEFAULT, Backoff.NONE);
    }

    private InvalidInputException refusal(String csv, String delimiter) {
        store.put("mem://d/data.csv", csv.getBytes(StandardCharsets.UTF_8));
        SuperviseRequest req = new SuperviseRequest("r1", "mem://d/data.csv", null, null,
                List.of("random_forest", "decision_tree", "gradient_boosting"), null, null, null, null, "mem://out", null,
                delimiter, null, null, null);
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> supervisor().supervise(req));
        assertEquals(0, trainerCalls.get(), "no trainer was invoked");
        assertEquals(List.of(), store.list("mem://out/"), "no run folder");
        return e;
    }

    @Test
    void gapsTheDefaultPolicyRefusesAreOneErrorBeforeAnyTrainer() {
        String gaps = TestData.housingCsv(200, 8).replaceFirst("\n[^,\n]*,", "\nNA,");
        InvalidInputException e = refusal(gaps, null);
        assertEquals("features", e.field());
        assertTrue(e.getMessage().contains("has 1 of 200 rows without a value"), e.getMessage());
    }

    @Test
    void whenEveryTrainerFailsTheHeaderStillCountsTheRows() {
        // "(0 rows: 0 train / 0 test)" for a 5,000-row file whose trainers all failed
        store.put("mem://d/data.csv", TestData.housingCsvBytes(400, 2));
        SuperviseResult r = supervisor().supervise(new SuperviseRequest("r2", "mem://d/data.csv", null, null,
                List.of("decision_tree", "random_forest"), null, null, null, null, "mem://out"));
        assertEquals(2, trainerCalls.get());
        assertEquals(null, r.best());
        assertEquals(400, r.dataset().rows());
        assertEquals(400, r.dataset().trainRows() + r.dataset().testRows());
    }

    @Test
    void aWrongDelimiterIsNamedAsTheProblem() {
        String semicolons = TestData.housingCsv(100, 8).replace(',', ';');
        InvalidInputException e = refusal(semicolons, ",");
        assertTrue(e.getMessage().contains("the delimiter looks wrong: the header holds ';', give delimiter ;"),
                e.getMessage());
        // the table alone says the same
        var table = TableReader.read("data", "x.csv", semicolons.getBytes(StandardCharsets.UTF_8), ',');
        assertTrue(assertThrows(InvalidInputException.class, () -> table.column("target", "MedHouseVal")).getMessage()
                .contains("delimiter looks wrong"));
    }
}
