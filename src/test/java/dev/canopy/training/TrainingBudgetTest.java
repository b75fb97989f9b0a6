package dev.canopy.training;

import dev.canopy.data.DatasetParts;
import dev.canopy.data.DatasetReader;
import dev.canopy.error.InvalidInputException;
import dev.canopy.deadline.InvocationDeadline;
import dev.canopy.sample.RegressionParts;
import dev.canopy.storage.local.LocalObjectStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrainingBudgetTest {
    static final long HOUR = 3_600_000;

    static TrainRequest request(String data, Long sampleRows, Boolean fit) {
        return new TrainRequest("run-1", data, null, RegressionParts.TARGET, null, "random_forest", 0.2, 7L, null, null,
                Map.of("trees", 5), null, null, null, null, null, null, "auto", null, null, sampleRows, fit);
    }

    static Map<String, Number> params() {
        return TrainingParams.resolve(Algorithm.RANDOM_FOREST, Map.of("trees", 5));
    }

    @Test
    void dataThatCannotFitTheHeapIsRefusedUpFrontWithTheEstimateAndARemedy(@TempDir Path dir) throws Exception {
        RegressionParts.write(dir, 20_000, 4, 1);
        LocalObjectStore store = new LocalObjectStore();
        DatasetParts.Plan plan = DatasetParts.plan(store, "data", dir.toString());
        long need = 20_000 * TrainingBudget.bytesPerRow(Algorithm.RANDOM_FOREST, 9, 0.8);
        long heap = (long) (need / TrainingBudget.TREES.share() / 2); // half of what it needs
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> TrainingBudget.sample(
                request(dir.toString(), null, null), plan, store, heap, Algorithm.RANDOM_FOREST, params(), HOUR));
        assertTrue(e.getMessage().contains("does not fit the trainer's memory") && e.getMessage().contains("20,000 rows × 9 columns")
                && e.getMessage().contains("--sample-rows 10000") && e.getMessage().contains("TrainerMemorySize"), e.getMessage());

        // asked to, it samples instead; and a sample that fits is taken as asked
        DatasetReader.Sample s = TrainingBudget.sample(request(dir.toString(), null, true), plan, store, heap,
                Algorithm.RANDOM_FOREST, params(), HOUR);
        assertEquals(new DatasetReader.Sample(10_000, 7), s);
        assertEquals(new DatasetReader.Sample(5000, 7), TrainingBudget.sample(request(dir.toString(), 5000L, null), plan,
                store, heap, Algorithm.RANDOM_FOREST, params(), HOUR));
        assertNull(TrainingBudget.sample(request(dir.toString(), null, null), plan, store, heap * 4,
                Algorithm.RANDOM_FOREST, params(), HOUR));
    }

    /**
     * XGBoost keeps its copy of the rows, its bins and its per-row arrays outside the Java heap, which on Lambda
     * is 85 % of the function's memory: gradient boosting plans them into the same budget, so the data that just
     * fits a forest is too much for it, and its sample is smaller.
     */
    @Test
    void boostingCountsXgboostsOwnMemoryOutsideTheHeap(@TempDir Path dir) throws Exception {
        RegressionParts.write(dir, 20_000, 4, 1);
        LocalObjectStore store = new LocalObjectStore();
        DatasetParts.Plan plan = DatasetParts.plan(store, "data", dir.toString());
        long heap = (long) (20_000 * TrainingBudget.bytesPerRow(Algorithm.RANDOM_FOREST, 9, 0.8) / TrainingBudget.TREES.share())
                + 1_000;
        assertNull(TrainingBudget.sample(request(dir.toString(), null, null), plan, store, heap,
                Algorithm.RANDOM_FOREST, params(), HOUR), "the forest fits");
        Map<String, Number> boosting = TrainingParams.resolve(Algorithm.GRADIENT_BOOSTING, null);
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> TrainingBudget.sample(
                request(dir.toString(), null, null), plan, store, heap, Algorithm.GRADIENT_BOOSTING, boosting, HOUR));
        // 9 columns × 18 + 64 on the heap, and 0.8 of a training row × (8 features × 10 + 230) of XGBoost's own
        // within 0.6 of the heap where the forest has 0.8: 2.76 MB / 474 bytes = 5,824 rows, in thousands
        assertTrue(e.getMessage().contains("(474 bytes a row, XGBoost's own memory outside the heap included)")
                && e.getMessage().contains("60% of the 4 MB of heap free")
                && e.getMessage().contains("--sample-rows 5000"), e.getMessage());
        assertEquals(new DatasetReader.Sample(5_000, 7), TrainingBudget.sample(request(dir.toString(), null, true),
                plan, store, heap, Algorithm.GRADIENT_BOOSTING, boosting, HOUR));
    }

    /**
     * The template's 3,008 MB trainer had 2,454 MB of heap free at the start of a 10 M-row run through
     * {@code serve} (docs/performance.md): the trees' estimate lets them train on all of it, since both did in a
     * heap of 1,900 MB, while gradient boosting, with XGBoost's memory outside the heap, still takes a sample.
     */
    @Test
    void theTemplatesTrainerTrainsTreesOnTenMillionRowsAndBoostingOnASample() {
        long free = 2_454L << 20, rows = 10_000_000;
        for (Algorithm a : List.of(Algorithm.DECISION_TREE, Algorithm.RANDOM_FOREST)) {
            long need = rows * TrainingBudget.bytesPerRow(a, 9, 0.8);
            assertTrue(need <= free * TrainingBudget.heapNeed(a, true).share() && need > 1_625L << 20,
                    a + ": " + (need >> 20) + " MB, above the 1,625 MB measured and within the share");
        }
        long boosting = rows * TrainingBudget.bytesPerRow(Algorithm.GRADIENT_BOOSTING, 9, 0.8);
        assertTrue(boosting > free * TrainingBudget.GRADIENT_BOOSTING.share(), (boosting >> 20) + " MB");
    }

    /**
     * A run's trainers in one process (the one-machine mode) each plan on the heap free at their start: they keep
     * the wide margin, so data that a Lambda trainer, alone in its heap, trains on whole is sampled there.
     */
    @Test
    void trainersSharingAProcessPlanWithTheWideMargin(@TempDir Path dir) throws Exception {
        RegressionParts.write(dir, 20_000, 4, 1);
        LocalObjectStore store = new LocalObjectStore();
        DatasetParts.Plan plan = DatasetParts.plan(store, "data", dir.toString());
        long heap = (long) (20_000 * TrainingBudget.bytesPerRow(Algorithm.DECISION_TREE, 9, 0.8)
                / TrainingBudget.TREES.share()) + 1_000;
        Map<String, Number> tree = TrainingParams.resolve(Algorithm.DECISION_TREE, null);
        assertNull(TrainingBudget.sample(request(dir.toString(), null, true), plan, store, heap,
                Algorithm.DECISION_TREE, tree, HOUR, "budget", true), "alone in its heap, every row");
        // 0.6 of the heap at 9 × 18 + 64 = 226 bytes a row: 0.6 × 4.6 MB / 226 = 12,215 rows, in thousands
        assertEquals(new DatasetReader.Sample(12_000, 7), TrainingBudget.sample(request(dir.toString(), null, true),
                plan, store, heap, Algorithm.DECISION_TREE, tree, HOUR, "budget", false));
        assertEquals(TrainingBudget.SHARED, TrainingBudget.heapNeed(Algorithm.RANDOM_FOREST, false));
    }

    @Test
    void aFitThatCannotEndBeforeTheDeadlineIsRefusedWithBothFigures(@TempDir Path dir) throws Exception {
        RegressionParts.write(dir, 20_000, 2, 1);
        LocalObjectStore store = new LocalObjectStore();
        DatasetParts.Plan plan = DatasetParts.plan(store, "data", dir.toString());
        long estimate = TrainingBudget.fitMillis(Algorithm.RANDOM_FOREST, params(), 16_000, 8);
        assertTrue(estimate > 0, "estimate " + estimate);
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> TrainingBudget.sample(
                request(dir.toString(), null, null), plan, store, 1L << 40, Algorithm.RANDOM_FOREST, params(), estimate / 2));
        assertTrue(e.getMessage().contains("does not fit the trainer's time budget") && e.getMessage().contains("16,000 training rows")
                && e.getMessage().contains("--sample-rows"), e.getMessage());
        DatasetReader.Sample s = TrainingBudget.sample(request(dir.toString(), null, true), plan, store, 1L << 40,
                Algorithm.RANDOM_FOREST, params(), estimate / 2);
        assertNotNull(s);
        assertTrue(s.rows() < 20_000 && s.rows() >= 1000, "sample " + s);
    }

    @Test
    void aTrainerTrainsOnASampleOfAFolderOfPartsAndReportsTheParts(@TempDir Path dir) throws Exception {
        RegressionParts.write(dir.resolve("set"), 6_000, 3, 2);
        LocalObjectStore store = new LocalObjectStore();
        TrainService service = new TrainService(store, Clock.systemUTC(), dir.resolve("out").toString());
        TrainRequest r = new TrainRequest("run-1", dir.resolve("set").toString(), null, RegressionParts.TARGET, null,
                "decision_tree", 0.25, 7L, null, null, Map.of(), null, null, null, null, null, null, "auto", null, null, 2_000L, null);
        TrainResult res = service.train(r);
        assertEquals(TrainerState.DONE, res.state());
        assertEquals(2_000, res.dataset().rows());
        assertEquals(6_000L, res.dataset().sampledFrom());
        assertEquals(List.of(new DatasetSummary.Part("part-00000.parquet", 2000), new DatasetSummary.Part("part-00001.parquet", 2000),
                new DatasetSummary.Part("part-00002.parquet", 2000)), res.dataset().parts());
        assertTrue(res.dataset().version().startsWith(DatasetParts.PARTS_VERSION), res.dataset().version());
        assertTrue(res.dataset().categorical().contains("payment_type"));
        assertTrue(res.mse() < 0.6, "mse " + res.mse());
    }

    /** On Lambda the deadline is the context's remaining time: a fit that cannot end before it is refused up front. */
    @Test
    void aTrainerOnLambdaIsRefusedUpFrontWhenTheInvocationsRemainingTimeCannotHoldTheFit(@TempDir Path dir) throws Exception {
        RegressionParts.write(dir.resolve("set"), 20_000, 2, 1);
        TrainService service = new TrainService(new LocalObjectStore(), Clock.systemUTC(), dir.resolve("out").toString());
        TrainRequest r = new TrainRequest("run-1", dir.resolve("set").toString(), null, RegressionParts.TARGET, null,
                "random_forest", 0.2, 7L, null, null, Map.of("trees", 5000), null, null, null, null, null, null, "auto",
                null, null, null, null);
        long t0 = System.nanoTime();
        // 21 s left: a quarter kept for scoring and saving leaves about 16 s to fit, against minutes of estimated work
        InvocationDeadline.begin(21_000);
        InvalidInputException e;
        try {
            e = assertThrows(InvalidInputException.class, () -> service.train(r));
        } finally {
            InvocationDeadline.end();
        }
        assertTrue(e.getMessage().contains("does not fit the trainer's time budget")
                && e.getMessage().contains("left of the invocation's remaining time (the Lambda context's)")
                && e.getMessage().contains("--sample-rows"), e.getMessage());
        assertTrue((System.nanoTime() - t0) / 1_000_000 < 21_000, "refused before the deadline, not at it");
        // the same request with the configured budget (13 minutes) is not refused for time: it would train
        assertTrue(TrainingBudget.fitMillis(Algorithm.RANDOM_FOREST, TrainingParams.resolve(Algorithm.RANDOM_FOREST,
                Map.of("trees", 5000)), 16_000, 8) < TrainService.DEFAULT_TIME_BUDGET.toMillis());
    }

    /** The deadline's watchdog stops a fit at its next tree: boosting returns early, a forest fails. */
    @Test
    void aStoppedFitEndsAtItsNextTree() {
        double[][] rows = new double[2000][4];
        java.util.Random r = new java.util.Random(3);
        for (double[] row : rows) {
            row[0] = r.nextDouble();
            row[1] = r.nextDouble();
            row[2] = r.nextDouble();
            row[3] = row[0] * 2 + Math.sin(row[1] * 5) + r.nextGaussian() * 0.1;
        }
        FeatureMatrix m = FeatureMatrix.ofRows(rows, new String[]{"a", "b", "c", "y"});
        for (Algorithm a : List.of(Algorithm.GRADIENT_BOOSTING, Algorithm.RANDOM_FOREST)) {
            AtomicReference<Runnable> stop = new AtomicReference<>();
            AtomicInteger built = new AtomicInteger();
            ProgressListener stopAfterFirst = new ProgressListener() {
                @Override
                public void onProgress(int done, int total) {
                    built.set(done);
                    stop.get().run();
                }

                @Override
                public void onStart(Runnable s) {
                    stop.set(s);
                }
            };
            Map<String, Number> p = TrainingParams.resolve(a, Map.of("trees", 400));
            Object model;
            try {
                model = a == Algorithm.GRADIENT_BOOSTING
                        ? XgboostTrainer.fit(p, XgboostTrainer.Input.of(m), 1, stopAfterFirst)
                        : SmileTrainer.fit(a, p, m, 1, stopAfterFirst);
            } catch (IllegalStateException e) {
                model = null; // a forest's next submit fails once its controller is closed
            }
            assertNotNull(stop.get(), a + " never offered a stop");
            if (model instanceof XgboostTrainer.Fitted g) {
                assertTrue(g.rounds() < 400, a + " built " + g.rounds() + " trees after being stopped");
            } else {
                assertNull(model, a + " finished all its trees after being stopped");
            }
        }
    }
}
