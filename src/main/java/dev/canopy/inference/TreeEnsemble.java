package dev.canopy.inference;

/**
 * A tree ensemble flattened into parallel arrays: Canopy's own inference path over trained trees.
 * Walking {@code int}/{@code double} arrays is many times faster than Smile's per-row
 * {@code predict(Tuple)}, which boxes every row into a tuple and chases node objects.
 *
 * <p>Node {@code i} is a leaf when {@code feature[i] < 0}; its output is {@code value[i]}. Otherwise rows
 * with {@code x[feature[i]] <= threshold[i]} go to {@code left[i]}, all others (NaN included) to
 * {@code right[i]}, which is exactly Smile's {@code OrdinalNode} rule.
 *
 * <p>The prediction is {@code base + scale * sum(tree outputs)}: a forest has base 0 and scale
 * 1/trees, boosting has its intercept and learning rate, a single tree has 0 and 1.
 *
 * <p>Immutable and thread-safe.
 */
public final class TreeEnsemble {
    private final int[] roots;
    private final int[] feature;
    private final double[] threshold;
    private final int[] left;
    private final int[] right;
    private final double[] value;
    private final double base;
    private final double scale;
    private final int features;

    public TreeEnsemble(int[] roots, int[] feature, double[] threshold, int[] left, int[] right, double[] value,
                        double base, double scale, int features) {
        this.roots = roots;
        this.feature = feature;
        this.threshold = threshold;
        this.left = left;
        this.right = right;
        this.value = value;
        this.base = base;
        this.scale = scale;
        this.features = features;
    }

    public int trees() {
        return roots.length;
    }

    public int nodes() {
        return feature.length;
    }

    /** The number of features a row must have, in the order the model was trained with. */
    public int features() {
        return features;
    }

    // The arrays themselves, for TreeCodec; never modified after construction.
    int[] roots() {
        return roots;
    }

    int[] feature() {
        return feature;
    }

    double[] threshold() {
        return threshold;
    }

    int[] left() {
        return left;
    }

    int[] right() {
        return right;
    }

    double[] value() {
        return value;
    }

    double base() {
        return base;
    }

    double scale() {
        return scale;
    }

    public double predict(double[] row) {
        double sum = 0;
        for (int root : roots) {
            int n = root;
            int f;
            while ((f = feature[n]) >= 0) {
                n = row[f] <= threshold[n] ? left[n] : right[n];
            }
            sum += value[n];
        }
        return base + scale * sum;
    }

    /**
     * Scores column-major data ({@code columns[f][row]}) tree by tree. Walking one tree over many rows keeps
     * that tree's nodes in cache, which is what makes batch scoring fast.
     */
    public void predict(double[][] columns, int rows, double[] out) {
        java.util.Arrays.fill(out, 0, rows, 0.0);
        for (int root : roots) {
            for (int r = 0; r < rows; r++) {
                int n = root;
                int f;
                while ((f = feature[n]) >= 0) {
                    n = columns[f][r] <= threshold[n] ? left[n] : right[n];
                }
                out[r] += value[n];
            }
        }
        for (int r = 0; r < rows; r++) {
            out[r] = base + scale * out[r];
        }
    }
}
