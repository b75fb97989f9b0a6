package dev.canopy.training;

import smile.data.DataFrame;
import smile.data.vector.DoubleVector;
import smile.data.vector.FloatVector;
import smile.data.vector.ValueVector;

import java.util.Arrays;
import java.util.List;

/**
 * The training rows as a trainer fits them: one {@code float[]} per feature (column-major, 4 bytes a cell;
 * numbers as float32, categories as their codes, gaps NaN) and the target as {@code double[]}. This replaces
 * the {@code double[][]} rows (an object and 8 bytes a cell per row) a trainer used to build: at 1 M rows and
 * 8 features it is 32 MB of features instead of about 100 MB.
 *
 * <p>Float32 is what XGBoost bins and splits on too; a split threshold Smile picks between two float values
 * scores a double column the same way unless the double lies within a float's rounding of the threshold.
 *
 * <p>Nothing writes into the arrays after construction: {@link #toDataFrame()} and {@link #rows(int[])} share
 * or copy them, never change them.
 */
public final class FeatureMatrix {
    private final List<String> names;
    private final String target;
    private final float[][] columns;
    private final double[] labels;

    /**
     * @param columns one array per feature, each {@code labels.length} long; kept, not copied
     */
    public FeatureMatrix(List<String> names, String target, float[][] columns, double[] labels) {
        if (names.size() != columns.length) {
            throw new IllegalArgumentException(names.size() + " names for " + columns.length + " columns");
        }
        for (float[] c : columns) {
            if (c.length != labels.length) {
                throw new IllegalArgumentException("a column of " + c.length + " rows beside " + labels.length + " labels");
            }
        }
        this.names = List.copyOf(names);
        this.target = target;
        this.columns = columns;
        this.labels = labels;
    }

    /** From rows laid out as {@code names}, the target last (tests and small tools). */
    public static FeatureMatrix ofRows(double[][] rows, String[] names) {
        int p = names.length - 1;
        float[][] columns = new float[p][rows.length];
        double[] y = new double[rows.length];
        for (int i = 0; i < rows.length; i++) {
            for (int j = 0; j < p; j++) {
                columns[j][i] = (float) rows[i][j];
            }
            y[i] = rows[i][p];
        }
        return new FeatureMatrix(List.of(names).subList(0, p), names[p], columns, y);
    }

    public int rows() {
        return labels.length;
    }

    public int features() {
        return columns.length;
    }

    public List<String> names() {
        return names;
    }

    public String target() {
        return target;
    }

    /** Feature {@code j}'s values; shared: read, never write. */
    public float[] column(int j) {
        return columns[j];
    }

    /** The target of every row; shared: read, never write. */
    public double[] labels() {
        return labels;
    }

    /** Bytes the arrays hold. */
    public long bytes() {
        return (long) rows() * (4L * features() + 8);
    }

    /** Bytes a matrix of {@code rows} × {@code features} holds: what {@link #bytes()} will be. */
    public static long bytes(long rows, int features) {
        return rows * (4L * features + 8);
    }

    /** The rows {@code idx}, in that order (a fold's rows). */
    public FeatureMatrix rows(int[] idx) {
        float[][] out = new float[columns.length][idx.length];
        for (int j = 0; j < columns.length; j++) {
            float[] from = columns[j];
            float[] to = out[j];
            for (int i = 0; i < idx.length; i++) {
                to[i] = from[idx[i]];
            }
        }
        double[] y = new double[idx.length];
        for (int i = 0; i < idx.length; i++) {
            y[i] = labels[idx[i]];
        }
        return new FeatureMatrix(names, target, out, y);
    }

    /**
     * Smile's view of the rows: one {@link FloatVector} per feature over the same arrays (no copy) and the
     * target last, as a {@link DoubleVector}.
     */
    public DataFrame toDataFrame() {
        ValueVector[] vectors = new ValueVector[columns.length + 1];
        for (int j = 0; j < columns.length; j++) {
            vectors[j] = new FloatVector(names.get(j), columns[j]);
        }
        vectors[columns.length] = new DoubleVector(target, labels);
        return new DataFrame(vectors);
    }

    /**
     * Fills {@code dest} with rows {@code from} (inclusive) to {@code to} (exclusive) row-major, as XGBoost4J's
     * dense {@code DMatrix(float[] data, nrow, ncol, missing)} takes them: row {@code from}'s features first.
     * A gap (NaN) becomes {@code missing}.
     *
     * @param dest at least {@code (to - from) * features()} long
     */
    public void fillRowMajor(float[] dest, int from, int to, float missing) {
        int p = columns.length;
        if (from < 0 || to > rows() || from > to) {
            throw new IndexOutOfBoundsException("rows " + from + ".." + to + " of " + rows());
        }
        if (dest.length < (long) (to - from) * p) {
            throw new IllegalArgumentException("dest holds " + dest.length + " cells, " + (long) (to - from) * p + " needed");
        }
        boolean nan = Float.isNaN(missing);
        for (int j = 0; j < p; j++) {
            float[] c = columns[j];
            for (int i = from, k = j; i < to; i++, k += p) {
                float v = c[i];
                dest[k] = !nan && Float.isNaN(v) ? missing : v;
            }
        }
    }

    /** Every row, row-major (see {@link #fillRowMajor}); {@code rows() * features()} must fit an array. */
    public float[] toRowMajor(float missing) {
        long cells = (long) rows() * features();
        if (cells > Integer.MAX_VALUE - 16) {
            throw new IllegalStateException(cells + " cells do not fit one array; fill it in slices with fillRowMajor");
        }
        float[] dest = new float[(int) cells];
        fillRowMajor(dest, 0, rows(), missing);
        return dest;
    }

    /** The features of every row as double columns (what the model's scorer takes). */
    public double[][] doubleColumns() {
        double[][] out = new double[columns.length][];
        for (int j = 0; j < columns.length; j++) {
            float[] c = columns[j];
            double[] d = new double[c.length];
            for (int i = 0; i < c.length; i++) {
                d[i] = c[i];
            }
            out[j] = d;
        }
        return out;
    }

    @Override
    public String toString() {
        return "FeatureMatrix" + Arrays.toString(names.toArray()) + "×" + rows() + " → " + target;
    }
}
