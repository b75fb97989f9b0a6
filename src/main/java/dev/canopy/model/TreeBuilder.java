package dev.canopy.model;

import java.util.Arrays;

/**
 * Grows a {@link TreeEnsemble}'s node arrays one node at a time, for converters of other libraries' models.
 * A node is first {@linkplain #reserve() reserved}, then made a {@linkplain #leaf leaf} or a
 * {@linkplain #split split} whose children were reserved after it: children always follow their parent,
 * which is what makes every walk end. Not thread-safe; one builder per conversion.
 */
public final class TreeBuilder {
    private int[] feature;
    private double[] threshold;
    private int[] left;
    private int[] right;
    private boolean[] nanLeft;
    private double[] value;
    private int nodes;

    public TreeBuilder(int expectedNodes) {
        int n = Math.max(16, expectedNodes);
        feature = new int[n];
        threshold = new double[n];
        left = new int[n];
        right = new int[n];
        nanLeft = new boolean[n];
        value = new double[n];
    }

    public int nodes() {
        return nodes;
    }

    /** A new node, a leaf of value 0 until {@link #leaf} or {@link #split} says otherwise. */
    public int reserve() {
        if (nodes == feature.length) {
            int n = nodes + (nodes >> 1);
            feature = Arrays.copyOf(feature, n);
            threshold = Arrays.copyOf(threshold, n);
            left = Arrays.copyOf(left, n);
            right = Arrays.copyOf(right, n);
            nanLeft = Arrays.copyOf(nanLeft, n);
            value = Arrays.copyOf(value, n);
        }
        feature[nodes] = -1;
        return nodes++;
    }

    public void leaf(int id, double output) {
        feature[id] = -1;
        value[id] = output;
    }

    /** Rows with {@code x[feature] <= threshold} go to {@code leftChild}, others right; a gap goes left if {@code gapLeft}. */
    public void split(int id, int splitFeature, double splitThreshold, boolean gapLeft, int leftChild, int rightChild) {
        feature[id] = splitFeature;
        threshold[id] = splitThreshold;
        nanLeft[id] = gapLeft;
        left[id] = leftChild;
        right[id] = rightChild;
    }

    /** @throws IllegalArgumentException as {@link TreeEnsemble}'s constructor does for a malformed layout */
    public TreeEnsemble build(int[] roots, double base, double scale, int features, TreeEnsemble.Output output) {
        return build(roots, base, scale, features, output, null);
    }

    /**
     * A classifier's trees ({@code classes} non-null), or a regression's.
     *
     * @throws IllegalArgumentException as {@link TreeEnsemble}'s constructor does for a malformed layout
     */
    public TreeEnsemble build(int[] roots, double base, double scale, int features, TreeEnsemble.Output output,
                              ClassLayout classes) {
        int n = nodes;
        return new TreeEnsemble(roots, Arrays.copyOf(feature, n), Arrays.copyOf(threshold, n), Arrays.copyOf(left, n),
                Arrays.copyOf(right, n), Arrays.copyOf(nanLeft, n), Arrays.copyOf(value, n), base, scale, features, output,
                classes);
    }

    /**
     * The largest double {@code t} with {@code x <= t} exactly when {@code (float) x < split}, for every double x
     * that is not NaN: XGBoost compares its float32 copy of a value with a float32 split condition, Canopy a
     * double with a double. {@code (float) x < split} means {@code (float) x <= p}, p being the float just below
     * {@code split}; the doubles that round to p or below are those up to the midpoint m between p and the next
     * float, and m itself when rounding half to even picks p (p's last mantissa bit is 0). The midpoint is exact
     * in double, which has 29 more mantissa bits than float.
     */
    public static double belowFloat(float split) {
        if (!Float.isFinite(split)) {
            throw new IllegalArgumentException("a split condition is " + split);
        }
        float p = Math.nextDown(split);
        double m = p == Float.NEGATIVE_INFINITY
                ? -(double) Float.MAX_VALUE - Math.ulp(Float.MAX_VALUE) / 2.0 // rounds to -Infinity, the "even" side
                : ((double) p + (double) split) / 2.0;
        boolean pEven = (Float.floatToRawIntBits(p) & 1) == 0;
        return pEven ? m : Math.nextDown(m);
    }
}
