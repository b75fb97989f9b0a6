package dev.canopy.training;

import dev.canopy.error.InvalidInputException;
import dev.canopy.invoke.local.LocalFunctionInvoker;
import dev.canopy.invoke.local.LocalFunctionInvoker.LocalFunction;
import dev.canopy.model.ModelCodec;
import dev.canopy.model.TreeCodec;
import dev.canopy.pool.Backoff;
import dev.canopy.testing.InMemoryObjectStore;
import dev.canopy.testing.TestData;
import org.junit.jupiter.api.Test;
import smile.regression.RandomForest;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A random forest past {@code canopy.forest.tree-rows-per-worker} is built by several {@code train}
 * invocations (here the local invoker calling the same service, as {@code serve} and the CLI do) and merged
 * into one model of all its trees.
 */
class ForestFanOutTest {
    static final String DATA = "mem://data/housing.csv";
    static final String OUT = "mem://out";

    /** A service whose forests fan out over up to {@code workers} invocations once they pass 5,000 tree-rows (a tree's rows: 63.2 % of the training rows). */
    static TrainService fanningOut(InMemoryObjectStore store, int workers, AtomicInteger shares) {
        AtomicReference<TrainService> self = new AtomicReference<>();
        LocalFunctionInvoker invoker = new LocalFunctionInvoker(Map.of("train", new LocalFunction<>(TrainRequest.class,
                r -> {
                    shares.incrementAndGet();
                    return self.get().train(r);
                })));
        self.set(new TrainService(store, Clock.systemUTC(), OUT, TrainService.DEFAULT_TIME_BUDGET, invoker, new ForestFanOut.Settings(5_000, workers),
                TrainService.DEFAULT_MODEL_MAX_BYTES, Backoff.NONE, false));
        return self.get();
    }

    static InMemoryObjectStore store(int rows, long seed) {
        InMemoryObjectStore store = new InMemoryObjectStore();
        store.put(DATA, TestData.housingCsvBytes(rows, seed));
        return store;
    }

    static TrainRequest forest(String runId, long seed, int trees) {
        return new TrainRequest(runId, DATA, null, null, null, "random_forest", 0.25, seed, null, null,
                Map.of("trees", trees), null);
    }

    @Test
    void splitsTheTreesOverWorkersAndMergesThemIntoOneModel() {
        InMemoryObjectStore store = store(1200, 3);
        AtomicInteger shares = new AtomicInteger();
        TrainResult r = fanningOut(store, 4, shares).train(forest("fan", 5, 40)); // 569 rows a tree × 40 trees

        assertEquals(TrainerState.DONE, r.state());
        assertEquals(3, shares.get(), "the trainer builds share 0, three workers the others");
        assertEquals(4, r.workers().size());
        assertEquals(List.of("share", "worker", "worker", "worker"), r.workers().stream().map(TrainInvocation::kind).toList());
        assertTrue(r.workers().stream().allMatch(w -> w.state().equals("DONE")), r.workers().toString());
        assertEquals(40, TreeCodec.read(r.modelUri(), store.read(r.modelUri())).trees(), "one model of every tree");
        Object smile = ModelCodec.read("m", store.read(ModelArtifacts.model(OUT, "fan", "random_forest")));
        assertEquals(40, ((RandomForest) smile).trees().length);
        assertTrue(store.list(OUT + "/fan/models/").stream().noneMatch(o -> o.uri().contains(".part-")),
                "the workers' parts are deleted once merged");
        assertEquals(40, r.params().get("trees"));
    }

    /**
     * How "equal within seed noise" is checked: for 6 seeds, the same forest (same split, same parameters) is
     * built by one trainer and by four; the mean of the paired differences in test MSE must lie within 3
     * standard errors of zero (a paired t-test at about 99 %), and within 5 % of the one-trainer MSE.
     */
    @Test
    void fanOutMseEqualsOneTrainersWithinSeedNoise() {
        InMemoryObjectStore store = store(1600, 11);
        TrainService one = new TrainService(store, Clock.systemUTC(), OUT);
        TrainService four = fanningOut(store, 4, new AtomicInteger());
        List<Double> diffs = new ArrayList<>();
        double single = 0;
        int n = 6;
        for (long seed = 1; seed <= n; seed++) {
            double a = one.train(forest("one-" + seed, seed, 40)).mse();
            TrainResult b = four.train(forest("four-" + seed, seed, 40));
            assertEquals(4, b.workers().size());
            diffs.add(b.mse() - a);
            single += a / n;
        }
        double mean = diffs.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        double sd = Math.sqrt(diffs.stream().mapToDouble(d -> (d - mean) * (d - mean)).sum() / (n - 1));
        assertTrue(Math.abs(mean) <= 3 * sd / Math.sqrt(n), "mean difference " + mean + ", sd " + sd + ": " + diffs);
        assertTrue(Math.abs(mean) <= 0.05 * single, "mean difference " + mean + " on a mean MSE of " + single);
        System.out.printf(java.util.Locale.ROOT, "[fan-out] one trainer: mean test MSE %.5f; four: mean difference %+.5f, "
                + "sd %.5f over %d seeds%n", single, mean, sd, n);
    }

    @Test
    void smallForestsStayInOneInvocation() {
        InMemoryObjectStore store = store(200, 3);
        AtomicInteger shares = new AtomicInteger();
        TrainResult r = fanningOut(store, 4, shares).train(forest("small", 5, 10)); // 95 rows a tree × 10 trees
        assertEquals(0, shares.get());
        assertEquals(null, r.workers());
    }

    @Test
    void aFailedShareFailsTheForestWithTheWorkersError() {
        InMemoryObjectStore store = store(1200, 3);
        AtomicReference<TrainService> self = new AtomicReference<>();
        LocalFunctionInvoker invoker = new LocalFunctionInvoker(Map.of("train", new LocalFunction<>(TrainRequest.class,
                r -> {
                    if (r.share().index() == 2) {
                        throw new InvalidInputException("data", r.data(), "gone");
                    }
                    return self.get().train(r);
                })));
        self.set(new TrainService(store, Clock.systemUTC(), OUT, TrainService.DEFAULT_TIME_BUDGET, invoker, new ForestFanOut.Settings(5_000, 3),
                TrainService.DEFAULT_MODEL_MAX_BYTES, Backoff.NONE, false));
        RuntimeException e = assertThrows(RuntimeException.class, () -> self.get().train(forest("broken", 5, 30)));
        assertTrue(e.getMessage().contains("worker 2 of 3 failed") && e.getMessage().contains("gone"), e.getMessage());
        assertTrue(store.list(OUT + "/broken/models/").stream().noneMatch(o -> o.uri().contains(".part-")));
    }

    @Test
    void sharesSplitTreesEvenlyWithTheirOwnSeeds() {
        List<ForestFanOut.Share> s = ForestFanOut.shares(10, 4, 42);
        assertEquals(List.of(3, 3, 2, 2), s.stream().map(ForestFanOut.Share::trees).toList());
        assertEquals(4, s.stream().map(ForestFanOut.Share::seed).distinct().count());
        assertEquals(s, ForestFanOut.shares(10, 4, 42));
    }

    @Test
    void aShareForAnotherAlgorithmOrOutOfRangeIsRefused() {
        TrainService service = new TrainService(store(200, 1), Clock.systemUTC(), OUT);
        TrainRequest r = forest("x", 1, 10);
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> service.train(
                new TrainRequest(r.runId(), r.data(), null, null, null, "decision_tree", 0.25, 1L, null, null, null, null,
                        null, null, null, null, null, null, null, null, null, null, new ForestFanOut.Share(1, 2, 5, 9))));
        assertTrue(e.getMessage().contains("only random_forest fans out"), e.getMessage());
        e = assertThrows(InvalidInputException.class, () -> service.train(r.withShare(new ForestFanOut.Share(0, 2, 5, 9),
                Map.of("trees", 5))));
        assertTrue(e.getMessage().contains("index from 1"), e.getMessage());
    }
}
