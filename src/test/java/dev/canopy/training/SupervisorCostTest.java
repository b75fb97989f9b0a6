package dev.canopy.training;

import dev.canopy.cost.CostReport;
import dev.canopy.cost.PriceTable;
import dev.canopy.invoke.local.LocalFunctionInvoker;
import dev.canopy.invoke.local.LocalFunctionInvoker.LocalFunction;
import dev.canopy.json.Json;
import dev.canopy.pool.Backoff;
import dev.canopy.testing.InMemoryObjectStore;
import dev.canopy.testing.TestData;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A training run's cost report agrees with its invocations, and is stored with its result. */
class SupervisorCostTest {
    static final String DATA = "mem://data/housing.csv";
    static final String OUT = "mem://out";

    @Test
    void everyTrainCallIsCountedAndBilledAtTheTrainersMemory() {
        InMemoryObjectStore store = new InMemoryObjectStore();
        store.put(DATA, TestData.housingCsvBytes(400, 3));
        TrainService trainer = new TrainService(store, Clock.systemUTC(), OUT);
        LocalFunctionInvoker local = new LocalFunctionInvoker(Map.of("train", new LocalFunction<>(TrainRequest.class, req -> {
            if (req.algorithm().equals("decision_tree")) {
                throw new IllegalStateException("trainer crashed");
            }
            return trainer.train(req);
        })));
        PriceTable prices = new PriceTable("x86_64", 0.0000166667, 0.0000133334, 0.20,
                Map.of("train", 2048, "supervise", 1024));
        SupervisorService s = new SupervisorService(store, local, Clock.systemUTC(), OUT, SupervisorService.Limits.DEFAULT,
                Backoff.NONE, prices);
        SearchSpace space = new SearchSpace(Map.of("random_forest", Map.of("max_depth", List.of(3, 6))), null, null, 2, 4);
        SuperviseResult r = s.supervise(new SuperviseRequest("c1", DATA, null, null, List.of("random_forest", "decision_tree"),
                0.25, 5L, null, Map.of("random_forest", Map.of("trees", 8)), OUT, space, null, null, null, null));

        // (2 forest configurations + 1 tree) × 2 folds, the tree's crashing, then 1 refit of the best forest
        assertEquals(7, r.invocations().size());
        CostReport c = r.cost();
        assertNotNull(c);
        assertEquals(r.invocations().stream().mapToInt(TrainInvocation::attempts).sum(), c.invocations(),
                "every attempt ran once (a crash is not retried), failed ones included");
        assertEquals(CostReport.MEASURED, c.source());
        assertEquals(List.of("train"), c.functions().stream().map(CostReport.FunctionCost::function).toList());
        assertEquals(2048, c.functions().getFirst().memoryMb());
        long sum = 0;
        for (TrainInvocation inv : r.invocations()) {
            assertNotNull(inv.billedMillis(), inv.toString());
            assertTrue(inv.billedMillis() >= 1, inv.toString());
            sum += inv.billedMillis();
        }
        assertEquals(c.billedMillis(), sum, "the invocations' billed ms sum to the total");
        assertEquals(PriceTable.gbSeconds(sum, 2048), c.gbSeconds(), 1e-12);
        assertEquals(prices.usd(7, c.gbSeconds()), c.usd(), 1e-15);
        assertEquals("supervise", c.orchestrator().function());
        assertEquals(1024, c.orchestrator().memoryMb());
        // at most 4 calls at once, each rounded up by less than 1 ms: the wall time covers a quarter of their time
        assertTrue(c.orchestrator().billedMillis() >= (c.billedMillis() - c.invocations()) / 4,
                "the orchestrator waits for its trainers (4 at once): " + c);

        SuperviseResult stored = Json.read(store.read(RunLayout.result(OUT, "c1")), SuperviseResult.class, "result");
        assertEquals(c, stored.cost(), "the run's stored result carries its cost");
    }
}
