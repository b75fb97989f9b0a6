package dev.canopy.training;

import dev.canopy.data.DatasetParts;
import dev.canopy.data.DatasetReader;
import dev.canopy.error.InvalidInputException;
import dev.canopy.storage.ObjectStore;

import java.util.Locale;

/**
 * What a trainer can hold: before reading a data set, its rows and columns (from the Parquet parts' footers, or
 * for CSV from its bytes) give an estimate of the heap training needs; data that does not fit is refused up
 * front with the figures and the remedies (a sample, or more memory) instead of failing with an
 * OutOfMemoryError minutes later.
 */
final class TrainingBudget {
    /** The share of the heap free at the start that training may plan to use; the rest is the model's and slack. */
    static final double HEAP_SHARE = 0.6;

    /**
     * Bytes per cell while training: the table as read (8, a double or a text reference), the float32 training
     * columns (4), the test columns (8 × 0.2) and Smile's sort order per feature (4), rounded up.
     */
    static final long BYTES_PER_CELL = 18;
    /** Bytes per row besides: target, split indices, per-tree sample and residual arrays. */
    static final long BYTES_PER_ROW = 64;
    /** CSV's bytes per cell are unknown before parsing; at about 6 text bytes a cell the estimate is this × bytes. */
    static final double CSV_BYTES_FACTOR = BYTES_PER_CELL / 6.0;
    /** The fewest rows a sample may have. */
    static final long MIN_SAMPLE = 10;

    private TrainingBudget() {
    }

    static long estimateBytes(long rows, int columns) {
        return rows * (columns * BYTES_PER_CELL + BYTES_PER_ROW);
    }

    /** Heap this JVM can still give, from its maximum and what is in use now. */
    static long freeHeap() {
        Runtime rt = Runtime.getRuntime();
        return rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
    }

    /**
     * The sample to read ({@code sampleRows}), or null for all rows; refuses data whose estimate exceeds
     * {@link #HEAP_SHARE} of the free heap.
     */
    static DatasetReader.Sample sample(TrainRequest req, DatasetParts.Plan plan, ObjectStore store) {
        return sample(req, plan, store, freeHeap());
    }

    static DatasetReader.Sample sample(TrainRequest req, DatasetParts.Plan plan, ObjectStore store, long freeHeap) {
        Long n = req.sampleRows();
        if (n != null && n < MIN_SAMPLE) {
            throw new InvalidInputException("sampleRows", n, "must be at least " + MIN_SAMPLE);
        }
        DatasetParts.Plan counted = DatasetParts.withFooterRows(store, plan);
        long rows = counted.rows();
        int columns = counted.columns();
        long budget = (long) (freeHeap * HEAP_SHARE);
        long estimate;
        String what;
        if (rows >= 0 && columns > 0) {
            long used = n == null ? rows : Math.min(rows, n);
            estimate = estimateBytes(used, columns);
            what = String.format(Locale.ROOT, "%,d rows × %d columns%s", used, columns,
                    n == null || n >= rows ? "" : String.format(Locale.ROOT, " (a sample of %,d)", rows));
        } else {
            double share = n == null ? 1 : Math.min(1, n / Math.max(1.0, plan.bytes() / 60.0));
            estimate = (long) (plan.bytes() * CSV_BYTES_FACTOR * share);
            what = String.format(Locale.ROOT, "%,d bytes of CSV in %d part(s)", plan.bytes(), plan.parts().size());
        }
        if (estimate > budget) {
            long fit = rows >= 0 && columns > 0 ? budget / (columns * BYTES_PER_CELL + BYTES_PER_ROW)
                    : (long) ((double) budget / estimate * (n == null ? plan.bytes() / 60.0 : n));
            throw new InvalidInputException(n == null ? "data" : "sampleRows", n == null ? plan.uri() : n,
                    String.format(Locale.ROOT, "does not fit the trainer's memory: training on %s needs about %,d MB "
                                    + "(%d bytes a cell), and %.0f%% of the %,d MB of heap free is %,d MB; train on a sample "
                                    + "(--sample-rows %d, request sampleRows; the same rows for the same seed) or give the trainer "
                                    + "more memory (the template's TrainerMemorySize; locally, the JVM's -Xmx)",
                            what, estimate >> 20, BYTES_PER_CELL, HEAP_SHARE * 100, freeHeap >> 20, budget >> 20,
                            Math.max(MIN_SAMPLE, fit / 1000 * 1000)));
        }
        long seed = req.seed() == null ? TrainService.DEFAULT_SEED : req.seed();
        return n == null ? null : new DatasetReader.Sample(n, seed);
    }
}
