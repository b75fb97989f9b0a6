package dev.canopy.training;

import dev.canopy.error.ConflictException;
import dev.canopy.invoke.local.LocalFunctionInvoker;
import dev.canopy.invoke.local.LocalFunctionInvoker.LocalFunction;
import dev.canopy.storage.ObjectInfo;
import dev.canopy.testing.InMemoryObjectStore;
import dev.canopy.testing.TestData;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A run id names one request: the same again is idempotent, another is refused unless overwrite. */
class SupervisorRunIdTest {
    static final String DATA = "mem://data/housing.csv";
    static final String OUT = "mem://out";

    InMemoryObjectStore store;
    final AtomicInteger trainCalls = new AtomicInteger();
    SupervisorService supervisor;

    @BeforeEach
    void setUp() {
        store = new InMemoryObjectStore();
        store.put(DATA, TestData.housingCsvBytes(400, 5));
        TrainService trainer = new TrainService(store, Clock.systemUTC(), OUT);
        supervisor = new SupervisorService(store, new LocalFunctionInvoker(Map.of("train",
                new LocalFunction<>(TrainRequest.class, (TrainRequest r) -> {
                    trainCalls.incrementAndGet();
                    return trainer.train(r);
                }))), Clock.systemUTC(), OUT);
    }

    static SuperviseRequest request(List<String> algorithms, Long seed, Boolean overwrite) {
        return new SuperviseRequest("r1", DATA, null, null, algorithms, 0.2, seed, null,
                algorithms.contains("random_forest") ? Map.of("random_forest", Map.of("trees", 5)) : null, null, null, null, null, null, null, overwrite);
    }

    List<String> objects() {
        return store.list(OUT + "/r1/").stream().map(ObjectInfo::uri).toList();
    }

    @Test
    void theSameRequestAgainRunsAgainOverTheSameObjects() {
        supervisor.supervise(request(List.of("decision_tree", "random_forest"), null, null));
        List<String> first = objects();
        assertTrue(first.contains(OUT + "/r1/request.json"), first.toString());
        // an explicit default (seed 42) is the same request as an omitted one
        SuperviseResult again = supervisor.supervise(request(List.of("decision_tree", "random_forest"), 42L, null));
        assertEquals(2, again.results().size());
        assertEquals(first, objects());
        assertEquals(4, trainCalls.get(), "the run was trained again");
    }

    @Test
    void aDifferentRequestWithATakenRunIdIsRefusedNamingWhatDiffers() {
        supervisor.supervise(request(List.of("decision_tree"), 7L, null));
        trainCalls.set(0);
        List<String> before = objects();
        ConflictException e = assertThrows(ConflictException.class,
                () -> supervisor.supervise(request(List.of("decision_tree"), 8L, null)));
        assertTrue(e.getMessage().startsWith("runId=\"r1\" is taken at " + OUT + "/r1 by a run with a different request"),
                e.getMessage());
        assertTrue(e.getMessage().contains("seed: 7 → 8"), e.getMessage());
        assertTrue(e.getMessage().contains("use a new --run-id, or --overwrite"), e.getMessage());

        // new data under the same URI: its version differs
        store.put(DATA, TestData.housingCsvBytes(300, 6));
        ConflictException data = assertThrows(ConflictException.class,
                () -> supervisor.supervise(request(List.of("decision_tree"), 7L, null)));
        assertTrue(data.getMessage().contains("dataVersion: "), data.getMessage());
        assertTrue(data.getMessage().contains("dataSize: "), data.getMessage());
        assertFalse(data.getMessage().contains("seed"), data.getMessage());
        assertEquals(0, trainCalls.get(), "no trainer ran");
        assertEquals(before, objects(), "a refusal changes nothing");
    }

    @Test
    void aSampleIsAnotherRunOfTheSameData() {
        supervisor.supervise(request(List.of("decision_tree"), 7L, null));
        SuperviseRequest r = request(List.of("decision_tree"), 7L, null);
        SuperviseRequest sampled = new SuperviseRequest(r.runId(), r.data(), r.target(), r.features(), r.algorithms(),
                r.testFraction(), r.seed(), r.testData(), r.params(), r.out(), r.search(), r.delimiter(), r.missing(),
                r.categorical(), r.maxCategories(), r.overwrite(), r.exclude(), 200L, null);
        ConflictException e = assertThrows(ConflictException.class, () -> supervisor.supervise(sampled));
        assertTrue(e.getMessage().contains("sampleRows: (none) → 200"), e.getMessage());
        SuperviseRequest fit = new SuperviseRequest(r.runId(), r.data(), r.target(), r.features(), r.algorithms(),
                r.testFraction(), r.seed(), r.testData(), r.params(), r.out(), r.search(), r.delimiter(), r.missing(),
                r.categorical(), r.maxCategories(), r.overwrite(), r.exclude(), null, true);
        e = assertThrows(ConflictException.class, () -> supervisor.supervise(fit));
        assertTrue(e.getMessage().contains("fitToBudget: (none) → true"), e.getMessage());
        // fitToBudget false is the default: the same run
        SuperviseRequest off = new SuperviseRequest(r.runId(), r.data(), r.target(), r.features(), r.algorithms(),
                r.testFraction(), r.seed(), r.testData(), r.params(), r.out(), r.search(), r.delimiter(), r.missing(),
                r.categorical(), r.maxCategories(), r.overwrite(), r.exclude(), null, false);
        assertEquals(1, supervisor.supervise(off).results().size());
    }

    @Test
    void overwriteDeletesOnlyThePreviousRunsObjects() {
        supervisor.supervise(request(List.of("decision_tree", "random_forest"), null, null));
        store.put(OUT + "/r1/notes.txt", "mine".getBytes(StandardCharsets.UTF_8));
        store.put(OUT + "/r1-other/models/random_forest.model", "x".getBytes(StandardCharsets.UTF_8));
        assertTrue(store.exists(OUT + "/r1/models/random_forest.trees"));

        SuperviseResult r = supervisor.supervise(request(List.of("decision_tree"), 9L, true));
        assertEquals(1, r.results().size());
        List<String> now = objects();
        assertTrue(now.stream().noneMatch(u -> u.contains("random_forest")), "the old run's trainer is gone: " + now);
        assertTrue(now.contains(OUT + "/r1/models/decision_tree.trees"), now.toString());
        assertTrue(now.contains(OUT + "/r1/notes.txt"), "what Canopy did not name is left: " + now);
        assertTrue(store.exists(OUT + "/r1-other/models/random_forest.model"), "another run's folder is untouched");
        assertEquals(List.of("decision_tree"), new StatusService(store, Clock.systemUTC(), OUT)
                .status(new StatusRequest("r1", null)).trainers().stream().map(TrainerStatus::algorithm).toList());
    }

    @Test
    void aFolderWithoutARequestRecordIsNotTakenOver() {
        store.put(OUT + "/r1/status/decision_tree.json", "{}".getBytes(StandardCharsets.UTF_8));
        ConflictException e = assertThrows(ConflictException.class,
                () -> supervisor.supervise(request(List.of("decision_tree"), null, null)));
        assertTrue(e.getMessage().contains("no request recorded there"), e.getMessage());
        assertEquals(0, trainCalls.get());
        supervisor.supervise(request(List.of("decision_tree"), null, true));
        assertEquals(1, trainCalls.get());
    }
}
