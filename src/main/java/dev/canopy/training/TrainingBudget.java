package dev.canopy.training;

import dev.canopy.data.DatasetParts;
import dev.canopy.data.DatasetReader;
import dev.canopy.error.InvalidInputException;
import dev.canopy.storage.ObjectStore;

import java.util.Locale;
import java.util.Map;

/**
 * What a trainer can hold: before reading a data set, its rows and columns (from the Parquet parts' footers, or
 * for CSV from its bytes) give an estimate of the heap training needs; data that does not fit is refused up
 * front with the figures and the remedies (a sample, or more memory) instead of failing with an
 * OutOfMemoryError minutes later.
 */
final class TrainingBudget {
    /**
     * What training an algorithm needs of the heap: bytes per cell and per row of the data read, and the share of
     * the heap free at the start that it may plan to use (the rest is the model's and the collector's slack).
     */
    record HeapNeed(long perCell, long perRow, double share) {
    }

    /**
     * A decision tree's or a forest's. Per cell: the table as read (8, a double or a text reference), the float32
     * training columns (4 × 0.8), the test columns (8 × 0.2) and a decision tree's sort order over every training
     * row (4 × 0.8), 16 in all; a forest sorts each tree's own sample instead, but holds its model and a sample
     * per thread. Per row: the target, the split's indices and Smile's per-row arrays, 40. Measured on 10 M rows
     * × 9 columns in the heap Lambda's java25 runtime gives a 3,008 MB function (2,557 MB; docs/performance.md,
     * "10 M rows in 50 parts"): the live heap after a full collection peaked at 1,625 MB for a decision tree and
     * 1,603 MB for a forest, model included (classifying 5 classes: 1,568 and 1,631 MB), against an estimate of
     * 1,840 MB; the regressions also trained on every row in a heap of 1,900 MB. A share of 0.8 leaves a fifth of
     * the free heap to the collector and the model, whose size {@link ModelSize} bounds.
     */
    static final HeapNeed TREES = new HeapNeed(16, 40, 0.8);

    /**
     * Gradient boosting's, on the heap: the trees' figures with a wider margin (18 a cell, 64 a row, 0.6 of the
     * free heap), which XGBoost's own memory outside the heap ({@link #XGBOOST_BYTES_PER_ROW}) was measured
     * against: the two are one calibration and change together.
     */
    static final HeapNeed GRADIENT_BOOSTING = new HeapNeed(18, 64, 0.6);

    /**
     * Every algorithm's when several trainers share one process (the one-machine mode: a run's trainers start
     * together, each planning on the heap free at its start): the wide margin of before the trees had theirs.
     * With the trees' own figures, a decision tree and a forest each planned on 80 % of the same free heap, and
     * a run of 10 M rows with {@code -Xmx3g} ran out of it; with these, each trains on a sample and the run ends
     * (docs/performance.md, "10 M rows in 50 parts").
     */
    static final HeapNeed SHARED = GRADIENT_BOOSTING;

    /**
     * @param ownHeap whether the trainer has its process's heap to itself, as a Lambda instance has (one
     *                invocation at a time); else {@link #SHARED}
     */
    static HeapNeed heapNeed(Algorithm algorithm, boolean ownHeap) {
        if (!ownHeap) {
            return SHARED;
        }
        return switch (algorithm) {
            case DECISION_TREE, RANDOM_FOREST -> TREES;
            case GRADIENT_BOOSTING -> GRADIENT_BOOSTING;
        };
    }

    /** The fewest rows a sample may have. */
    static final long MIN_SAMPLE = 10;

    private TrainingBudget() {
    }

    /**
     * XGBoost's own memory per training row, outside the Java heap, as it weighs on a Lambda trainer. Its copy of
     * the rows (a value and a column index per cell), the histogram bins (a byte a cell) and its per-row arrays
     * (gradients, predictions, labels, row pointers, partitions) grew the resident memory of a JVM by 157 bytes
     * a row at 4 M rows and 189 at 1 M (XGBoost4J 3.4.0, {@code hist}, depth 10, 8 features). On Lambda the heap
     * is 85 % of the function's memory and, by the time boosting starts, reading has committed most of it, so
     * these bytes come on top of a nearly full heap: 10 M rows in 50 parts took a 3,008 MB trainer to 3,466 MB
     * with 5.46 M training rows and to 3,049 MB with 3.34 M (docs/performance.md). The per-row figure is set
     * from those two runs (about 200 bytes of the function's memory per training row) with a margin, so that
     * such a trainer stays under its memory: 10 a cell and 230 a row.
     */
    static final long XGBOOST_BYTES_PER_CELL = 10, XGBOOST_BYTES_PER_ROW = 230;

    /** XGBoost's own memory for {@code rows} training rows of {@code features} features. */
    static long xgboostBytes(long rows, int features) {
        return rows * (features * XGBOOST_BYTES_PER_CELL + XGBOOST_BYTES_PER_ROW);
    }

    /**
     * Bytes per row read, of {@code columns} columns (the target among them), for {@code algorithm}: the heap's,
     * and for gradient boosting XGBoost's own for the {@code trainShare} of rows it trains on.
     */
    static long bytesPerRow(Algorithm algorithm, int columns, double trainShare) {
        return bytesPerRow(algorithm, columns, trainShare, true);
    }

    static long bytesPerRow(Algorithm algorithm, int columns, double trainShare, boolean ownHeap) {
        HeapNeed need = heapNeed(algorithm, ownHeap);
        long heap = columns * need.perCell() + need.perRow();
        if (algorithm != Algorithm.GRADIENT_BOOSTING) {
            return heap;
        }
        return heap + (long) Math.ceil(trainShare * xgboostBytes(1, Math.max(1, columns - 1)));
    }

    /** Heap this JVM can still give, from its maximum and what is in use now. */
    static long freeHeap() {
        Runtime rt = Runtime.getRuntime();
        return rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
    }

    /**
     * CPU nanoseconds of fitting per unit of work, measured on the 2-core machine on float columns
     * (docs/performance.md, "Training at scale"): a forest's work is trees × a tree's rows × mtry × log2(a
     * tree's rows) (Smile's trees; 100 ns), gradient boosting's trees × rows × features × min(depth, log2(rows))
     * (XGBoost's {@code hist}: 1.4 ns on 800,000 rows, rounded up to 2), a tree's rows × features × log2(rows)
     * (Smile; 5.6 s for 800,000 rows × 8 features: 90 ns). Divided by the cores, since each fits in parallel.
     * Unlimited trees on millions of rows grow deeper than log2(rows), so an estimate can be low; the
     * deadline's watchdog still stops such a fit in time.
     */
    static final double NANOS_FOREST = 100, NANOS_BOOSTING = 2, NANOS_TREE = 90;

    /** Estimated fit time of {@code algorithm} on {@code rows} training rows of {@code features} features. */
    static long fitMillis(Algorithm algorithm, Map<String, Number> params, long rows, int features) {
        double log = Math.max(1, Math.log(Math.max(2, rows)) / Math.log(2));
        double nanos = switch (algorithm) {
            case RANDOM_FOREST -> {
                int mtry = params.get("mtry").intValue();
                mtry = mtry == 0 ? Math.max(1, features / 3) : Math.min(mtry, features);
                long perTree = SmileForest.rowsPerTree(params, rows);
                double treeLog = Math.max(1, Math.log(Math.max(2, perTree)) / Math.log(2));
                yield NANOS_FOREST * params.get("trees").intValue() * perTree * mtry * treeLog;
            }
            case GRADIENT_BOOSTING -> NANOS_BOOSTING * params.get("n_estimators").intValue() * rows * features
                    * Math.min(log, params.get("max_depth").intValue());
            case DECISION_TREE -> NANOS_TREE * rows * features * log;
        };
        return (long) (nanos / 1e6 / Runtime.getRuntime().availableProcessors());
    }

    /**
     * The sample to read ({@code sampleRows}, or under {@code fitToBudget} the largest that fits), or null for
     * all rows. Refuses data whose memory estimate exceeds its {@link HeapNeed#share()} of the free heap, or whose fit
     * estimate exceeds {@code remainingMillis}, with the figures and the remedies.
     */
    static DatasetReader.Sample sample(TrainRequest req, DatasetParts.Plan plan, ObjectStore store, Algorithm algorithm,
                                       Map<String, Number> params, long remainingMillis, String deadline,
                                       boolean ownHeap) {
        return sample(req, plan, store, freeHeap(), algorithm, params, remainingMillis, deadline, ownHeap);
    }

    static DatasetReader.Sample sample(TrainRequest req, DatasetParts.Plan plan, ObjectStore store, long freeHeap,
                                       Algorithm algorithm, Map<String, Number> params, long remainingMillis) {
        return sample(req, plan, store, freeHeap, algorithm, params, remainingMillis, TrainService.TIME_BUDGET_SETTING,
                true);
    }

    /**
     * @param deadline what sets the deadline, for the refusal's text
     * @param ownHeap  see {@link #heapNeed(Algorithm, boolean)}
     */
    static DatasetReader.Sample sample(TrainRequest req, DatasetParts.Plan plan, ObjectStore store, long freeHeap,
                                       Algorithm algorithm, Map<String, Number> params, long remainingMillis,
                                       String deadline, boolean ownHeap) {
        Long n = req.sampleRows();
        if (n != null && n < MIN_SAMPLE) {
            throw new InvalidInputException("sampleRows", n, "must be at least " + MIN_SAMPLE);
        }
        boolean fit = Boolean.TRUE.equals(req.fitToBudget());
        long seed = req.seed() == null ? TrainService.DEFAULT_SEED : req.seed();
        DatasetParts.Plan counted = DatasetParts.withFooterRows(store, plan);
        long rows = counted.rows();
        int columns = counted.columns();
        double share = heapNeed(algorithm, ownHeap).share();
        long budget = (long) (freeHeap * share);
        boolean known = rows >= 0 && columns > 0;
        // CSV: rows from the bytes at about 6 bytes a cell, of columns unknown: counted as cells of one column
        long total = known ? rows : Math.max(1, plan.bytes() / 6);
        int cols = known ? columns : 1;
        long used = n == null ? total : Math.min(total, n);
        double testShare = req.testFraction() == null ? TrainService.DEFAULT_TEST_FRACTION : req.testFraction();
        double trainShare = req.testData() == null ? 1 - testShare : 1;
        long perRow = bytesPerRow(algorithm, cols, trainShare, ownHeap);
        long memory = used * perRow;
        long memoryRows = budget / perRow;
        long trainRows = (long) (used * trainShare);
        long millis = known ? fitMillis(algorithm, params, trainRows, columns - 1) : 0;
        long timeRows = millis <= remainingMillis ? used : (long) (used * 0.8 * remainingMillis / Math.max(1, millis));
        String what = known ? String.format(Locale.ROOT, "%,d rows × %d columns%s", used, columns,
                used < rows ? String.format(Locale.ROOT, " (a sample of %,d)", rows) : "")
                : String.format(Locale.ROOT, "%,d bytes of CSV in %d part(s)", plan.bytes(), plan.parts().size());
        if (memory <= budget && millis <= remainingMillis) {
            return n == null ? null : new DatasetReader.Sample(n, seed);
        }
        long fits = Math.max(MIN_SAMPLE, Math.min(memoryRows, timeRows) / 1000 * 1000);
        if (fit) {
            return new DatasetReader.Sample(Math.min(used, fits), seed);
        }
        String remedy = String.format(Locale.ROOT, "; train on a sample (--sample-rows %d, request sampleRows; the same "
                + "rows for the same seed; or --fit-to-budget to let the trainer choose it)", fits);
        if (memory > budget) {
            throw new InvalidInputException(n == null ? "data" : "sampleRows", n == null ? plan.uri() : n,
                    String.format(Locale.ROOT, "does not fit the trainer's memory: training on %s needs about %,d MB "
                                    + "(%d bytes a row%s), and %.0f%% of the %,d MB of heap free is %,d MB%s, or give the "
                                    + "trainer more memory (the template's TrainerMemorySize; locally, the JVM's -Xmx)",
                            what, memory >> 20, perRow, algorithm == Algorithm.GRADIENT_BOOSTING
                                    ? ", XGBoost's own memory outside the heap included" : "",
                            share * 100, freeHeap >> 20, budget >> 20, remedy));
        }
        throw new InvalidInputException(n == null ? "data" : "sampleRows", n == null ? plan.uri() : n,
                String.format(Locale.ROOT, "does not fit the trainer's time budget: %s on %,d training rows of %d features "
                                + "is estimated at %,d s, and %,d s are left of %s%s, or lighter "
                                + "parameters (fewer trees, a smaller max_depth)",
                        algorithm.id(), trainRows, columns - 1, millis / 1000, remainingMillis / 1000, deadline, remedy));
    }
}
