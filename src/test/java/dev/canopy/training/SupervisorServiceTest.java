package dev.canopy.training;

import dev.canopy.error.InvalidInputException;
import dev.canopy.error.ObjectNotFoundException;
import dev.canopy.invoke.local.LocalFunctionInvoker;
import dev.canopy.invoke.local.LocalFunctionInvoker.LocalFunction;
import dev.canopy.json.Json;
import dev.canopy.testing.InMemoryObjectStore;
import dev.canopy.testing.TestData;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SupervisorServiceTest {
    static final String DATA = "mem://data/housing.csv";
    static final String OUT = "mem://out";
    static final Map<String, Map<String, Object>> SMALL = Map.of(
            "random_forest", Map.of("trees", 15), "gradient_boosting", Map.of("trees", 15));

    InMemoryObjectStore store;
    TrainService trainer;
    StatusService status;

    @BeforeEach
    void setUp() {
        store = new InMemoryObjectStore();
        store.put(DATA, TestData.housingCsvBytes(600, 11));
        trainer = new TrainService(store, Clock.systemUTC(), OUT);
        status = new StatusService(store, Clock.systemUTC(), OUT);
    }

    SupervisorService supervisor(Function<TrainRequest, TrainResult> train) {
        return new SupervisorService(store, new LocalFunctionInvoker(Map.of(
                "train", new LocalFunction<>(TrainRequest.class, train))), Clock.systemUTC(), OUT);
    }

    static SuperviseRequest request(String runId) {
        return new SuperviseRequest(runId, DATA, null, null, null, 0.2, 7L, null, SMALL, null);
    }

    @Test
    void ranksEveryAlgorithmBestFirstOnOneDataVersion() {
        SuperviseResult r = supervisor(trainer::train).supervise(request("r1"));
        assertEquals(3, r.results().size());
        assertTrue(r.results().stream().allMatch(t -> t.state() == TrainerState.DONE));
        List<Double> mses = r.results().stream().map(TrainResult::mse).toList();
        assertEquals(mses.stream().sorted().toList(), mses);
        assertEquals(r.results().getFirst().algorithm(), r.best());
        assertEquals(store.head(DATA).version(), r.dataset().version());
        assertEquals(480, r.dataset().trainRows());
        assertTrue(r.results().stream().allMatch(t -> t.dataset() == null), "rows do not repeat the dataset");
        SuperviseResult stored = Json.read(store.read(OUT + "/r1/result.json"), SuperviseResult.class, "result");
        assertEquals(r.best(), stored.best());
    }

    @Test
    void oneTrainerFailingLeavesTheOthersIntactAndComesLast() {
        SuperviseResult r = supervisor(req -> {
            if (req.algorithm().equals("random_forest")) {
                throw new IllegalStateException("out of memory in trainer");
            }
            return trainer.train(req);
        }).supervise(request("r2"));

        assertEquals(List.of("gradient_boosting", "decision_tree", "random_forest").size(), r.results().size());
        TrainResult failed = r.results().getLast();
        assertEquals("random_forest", failed.algorithm());
        assertEquals(TrainerState.FAILED, failed.state());
        assertEquals("IllegalStateException: out of memory in trainer", failed.error());
        assertNull(failed.mse());
        assertEquals(15, failed.params().get("trees").intValue(), "the FAILED row keeps the parameters it was given");
        for (TrainResult ok : r.results().subList(0, 2)) {
            assertEquals(TrainerState.DONE, ok.state());
            assertNotNull(ok.mse());
        }
        assertEquals(r.results().getFirst().algorithm(), r.best());
        // status shows the dead trainer as FAILED, not as forever INITIALIZED
        TrainerStatus rf = status.status(new StatusRequest("r2", null)).trainers().stream()
                .filter(t -> t.algorithm().equals("random_forest")).findFirst().orElseThrow();
        assertEquals(TrainerState.FAILED, rf.state());
        assertEquals(failed.error(), rf.error(), "the supervisor publishes the trainer's error");
    }

    @Test
    void publishesEveryTrainerAndInvokesThemAllAtOnceOnOnePinnedDataVersion() throws Exception {
        int algorithms = Algorithm.values().length;
        CountDownLatch invoked = new CountDownLatch(algorithms);
        CountDownLatch release = new CountDownLatch(1);
        List<TrainRequest> requests = new CopyOnWriteArrayList<>();
        // This trainer publishes nothing until it is released: what status shows before then is the supervisor's.
        SupervisorService s = supervisor(req -> {
            requests.add(req);
            invoked.countDown();
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return trainer.train(req);
        });
        CompletableFuture<SuperviseResult> run = CompletableFuture.supplyAsync(() -> s.supervise(request("r3")));
        try {
            // a supervisor that invoked one trainer after the other would leave this latch at algorithms - 1
            assertTrue(invoked.await(30, TimeUnit.SECONDS), "all trainers must be running at once; invoked: "
                    + requests.stream().map(TrainRequest::algorithm).toList());
            List<TrainerStatus> waiting = status.status(new StatusRequest("r3", null)).trainers();
            assertEquals(Arrays.stream(Algorithm.values()).map(Algorithm::id).collect(Collectors.toSet()),
                    waiting.stream().map(TrainerStatus::algorithm).collect(Collectors.toSet()));
            assertTrue(waiting.stream().allMatch(t -> t.state() == TrainerState.INITIALIZED
                    && t.detail().equals("invoking trainer")), waiting.toString());
            String version = store.head(DATA).version();
            for (TrainRequest req : requests) {
                assertEquals(version, req.dataVersion(), "every trainer reads the version pinned by the supervisor");
                assertEquals("r3", req.runId());
                assertEquals(OUT, req.out());
                assertEquals(7L, req.seed());
                assertEquals(0.2, req.testFraction());
            }
            // each trainer gets its own algorithm's parameters, not another's
            TrainRequest forest = requests.stream().filter(r -> r.algorithm().equals("random_forest")).findFirst().orElseThrow();
            assertEquals(SMALL.get("random_forest"), forest.params());
            TrainRequest tree = requests.stream().filter(r -> r.algorithm().equals("decision_tree")).findFirst().orElseThrow();
            assertNull(tree.params());
        } finally {
            release.countDown();
        }
        SuperviseResult r = run.get(60, TimeUnit.SECONDS);
        assertTrue(r.results().stream().allMatch(t -> t.state() == TrainerState.DONE), r.results().toString());
        assertTrue(status.status(new StatusRequest("r3", null)).trainers().stream()
                .allMatch(t -> t.state() == TrainerState.DONE));
    }

    @Test
    void badRequestsFailBeforeAnyTrainerRuns() {
        SupervisorService s = supervisor(req -> {
            throw new AssertionError("no trainer may run for a bad request");
        });
        InvalidInputException alg = assertThrows(InvalidInputException.class, () -> s.supervise(
                new SuperviseRequest(null, DATA, null, null, List.of("random_forest", "lasso"), null, null, null, null, null)));
        assertTrue(alg.getMessage().startsWith("algorithms[1]=\"lasso\": unknown algorithm; valid:"), alg.getMessage());
        InvalidInputException param = assertThrows(InvalidInputException.class, () -> s.supervise(
                new SuperviseRequest(null, DATA, null, null, null, null, null, null,
                        Map.of("xgboost", Map.of("learning_rate", 7)), null)));
        assertTrue(param.getMessage().contains("params.gradient_boosting.learning_rate=\"7\""), param.getMessage());
        assertEquals("testFraction", assertThrows(InvalidInputException.class, () -> s.supervise(
                new SuperviseRequest(null, DATA, null, null, null, 1.0, null, null, null, null))).field());
        assertEquals("data", assertThrows(InvalidInputException.class, () -> s.supervise(
                new SuperviseRequest(null, null, null, null, null, null, null, null, null, null))).field());
        assertThrows(ObjectNotFoundException.class, () -> s.supervise(
                new SuperviseRequest(null, "mem://missing.csv", null, null, null, null, null, null, null, null)));
    }

    @Test
    void aDataErrorEveryTrainerWouldHitIsOneErrorBeforeAnyTrainer() {
        // issue 24, item 8: it used to reach every row, with the trainers' message
        java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
        InvalidInputException e = org.junit.jupiter.api.Assertions.assertThrows(
                InvalidInputException.class, () -> supervisor(req -> {
                    calls.incrementAndGet();
                    return trainer.train(req);
                }).supervise(new SuperviseRequest("r4", DATA, "Price", null, null, null, null, null, null, null)));
        assertTrue(e.getMessage().startsWith("target=\"Price\": no such column"), e.getMessage());
        assertEquals(0, calls.get());
    }
}
