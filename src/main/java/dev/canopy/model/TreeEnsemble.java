package dev.canopy.model;

/**
 * A tree ensemble flattened into parallel arrays: Canopy's own inference path over trained trees.
 * Walking {@code int}/{@code double} arrays is many times faster than Smile's per-row
 * {@code predict(Tuple)}, which boxes every row into a tuple and chases node objects.
 *
 * <p>Node {@code i} is a leaf when {@code feature[i] < 0}; its output is {@code value[i]}. Otherwise rows
 * with {@code x[feature[i]] <= threshold[i]} go to {@code left[i]}, all others to {@code right[i]}, which is
 * exactly Smile's {@code OrdinalNode} rule. A gap (NaN) goes to {@code right[i]} unless {@code nanLeft[i]}:
 * models converted from XGBoost and LightGBM route gaps by each split's default direction.
 *
 * <p>The prediction is {@code base + scale * sum(tree outputs)}: a forest has base 0 and scale
 * 1/trees, boosting has its intercept and learning rate, a single tree has 0 and 1. A
 * {@link Output#SIGMOID} model (a binary classifier's margin) answers {@code 1 / (1 + exp(-that))}.
 *
 * <p>Speed: the lock-step walk compares {@code x <= threshold} and nothing else, whatever the nodes' gap
 * directions. A feature that some NaN-left node splits on is transposed twice into the scratch rows: as it is
 * (NaN, which fails {@code <=}, goes right) and with NaN replaced by {@code -Infinity} (which passes every
 * {@code <=}, so goes left), and each node reads the copy its direction needs.
 *
 * <p>Immutable and thread-safe.
 */
public final class TreeEnsemble {
    /** Rows scored together per tree: enough independent walks to hide each step's latency, few enough to stay in L1. */
    private static final int LANES = 128;
    /**
     * Rows transposed at a time: at most 8,192, and fewer for wide models, so the scratch array stays near
     * a million doubles (8 MB) whatever the batch size, and never above 128 rows' worth for very wide ones.
     */
    private static final int CHUNK = 8192;
    private static final int SCRATCH_VALUES = 1 << 20;

    /** What the summed trees' margin becomes. */
    public enum Output {
        /** The margin itself (regression). */
        IDENTITY,
        /** {@code 1 / (1 + exp(-margin))}: a binary classifier's probability. */
        SIGMOID
    }

    private final int[] roots;
    /**
     * The scratch-row slot node i reads: its feature, or {@code features + k} for the k-th feature that NaN-left
     * nodes split on (that copy holds -Infinity for NaN); 0 for a leaf, so a walk that stands on its leaf still
     * reads a real column.
     */
    private final int[] split;
    /** The features that NaN-left nodes split on, in slot order: slot {@code features + k} copies {@code nanLeftFeature[k]}. */
    private final int[] nanLeftFeature;
    private final boolean[] nanLeft;
    private final Output output;
    private final double[] threshold;
    /** {@code child[2i]} is node i's left child, {@code child[2i + 1]} its right; a leaf's children are itself. */
    private final int[] child;
    private final double[] value;
    /** Split levels on the longest path of each tree: after that many steps every walk stands on its leaf. */
    private final int[] height;
    private final double base;
    private final double scale;
    private final int features;

    /**
     * @throws IllegalArgumentException if a root or child is out of range or a child does not come after its
     *                                  parent (the layout that guarantees every walk ends)
     */
    public TreeEnsemble(int[] roots, int[] feature, double[] threshold, int[] left, int[] right, double[] value,
                        double base, double scale, int features) {
        this(roots, feature, threshold, left, right, new boolean[feature.length], value, base, scale, features,
                Output.IDENTITY);
    }

    /**
     * @param nanLeft per node: a gap (NaN) goes left (true) or right (false); ignored for leaves
     * @throws IllegalArgumentException if a root or child is out of range or a child does not come after its
     *                                  parent (the layout that guarantees every walk ends)
     */
    public TreeEnsemble(int[] roots, int[] feature, double[] threshold, int[] left, int[] right, boolean[] nanLeft,
                        double[] value, double base, double scale, int features, Output output) {
        int n = feature.length;
        if (threshold.length != n || left.length != n || right.length != n || value.length != n || nanLeft.length != n) {
            throw new IllegalArgumentException("node arrays differ in length");
        }
        if (features < 1) {
            throw new IllegalArgumentException("a model takes at least one feature, not " + features);
        }
        this.roots = roots;
        this.nanLeft = new boolean[n];
        this.output = java.util.Objects.requireNonNull(output, "output");
        this.split = new int[n];
        this.threshold = threshold;
        this.value = value;
        this.base = base;
        this.scale = scale;
        this.features = features;
        this.child = new int[2 * n];
        int[] below = new int[n];
        // Children follow their parents, so a reverse pass sees both children of a node before the node.
        for (int i = n - 1; i >= 0; i--) {
            if (feature[i] >= features) {
                throw new IllegalArgumentException("node " + i + " splits on feature " + feature[i] + " of " + features);
            }
            if (feature[i] < 0) {
                child[2 * i] = i;
                child[2 * i + 1] = i;
            } else {
                split[i] = feature[i];
                this.nanLeft[i] = nanLeft[i];
                if (left[i] <= i || left[i] >= n || right[i] <= i || right[i] >= n) {
                    throw new IllegalArgumentException("node " + i + " has children " + left[i] + " and " + right[i]
                            + "; they must follow it");
                }
                child[2 * i] = left[i];
                child[2 * i + 1] = right[i];
                below[i] = 1 + Math.max(below[left[i]], below[right[i]]);
            }
        }
        // Give each feature that NaN-left nodes split on its slot after the features, and point those nodes at it.
        int[] slot = new int[features];
        int extra = 0;
        int[] copies = new int[0];
        for (int i = 0; i < n; i++) {
            if (this.nanLeft[i]) {
                int f = split[i];
                if (slot[f] == 0) {
                    slot[f] = features + extra++;
                    copies = java.util.Arrays.copyOf(copies, extra);
                    copies[extra - 1] = f;
                }
                split[i] = slot[f];
            }
        }
        this.nanLeftFeature = copies;
        this.height = new int[roots.length];
        for (int t = 0; t < roots.length; t++) {
            if (roots[t] < 0 || roots[t] >= n) {
                throw new IllegalArgumentException("root " + roots[t] + " of " + n + " nodes");
            }
            height[t] = below[roots[t]];
        }
    }

    public int trees() {
        return roots.length;
    }

    public int nodes() {
        return split.length;
    }

    /** The number of features a row must have, in the order the model was trained with. */
    public int features() {
        return features;
    }

    /** Bytes the node arrays hold, for the model cache's bound. */
    public long bytes() {
        return 33L * split.length + 4L * roots.length + 1024;
    }

    // The arrays themselves, for TreeCodec; never modified after construction.
    int[] roots() {
        return roots;
    }

    int[] feature() {
        int[] f = new int[split.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = leaf(i) ? -1 : feature(i);
        }
        return f;
    }

    /** The model feature node i splits on (not its scratch slot). */
    private int feature(int i) {
        return split[i] < features ? split[i] : nanLeftFeature[split[i] - features];
    }

    boolean[] nanLeft() {
        return nanLeft.clone();
    }

    /** Whether any node sends gaps left; a model without such nodes is written in the version-1 tree format. */
    boolean anyNanLeft() {
        return nanLeftFeature.length > 0;
    }

    public Output output() {
        return output;
    }

    private boolean leaf(int i) {
        return child[2 * i] == i;
    }

    double[] threshold() {
        return threshold;
    }

    int[] left() {
        return side(0);
    }

    int[] right() {
        return side(1);
    }

    private int[] side(int which) {
        int[] s = new int[split.length];
        for (int i = 0; i < s.length; i++) {
            s[i] = leaf(i) ? 0 : child[2 * i + which];
        }
        return s;
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
            while (!leaf(n)) {
                double v = row[feature(n)];
                n = child[2 * n + (v <= threshold[n] || nanLeft[n] && Double.isNaN(v) ? 0 : 1)];
            }
            sum += value[n];
        }
        return finish(base + scale * sum);
    }

    private double finish(double margin) {
        return output == Output.SIGMOID ? 1.0 / (1.0 + Math.exp(-margin)) : margin;
    }

    /**
     * Scores column-major data ({@code columns[f][row]}) one tree at a time, so that tree's nodes stay in cache,
     * and {@value #LANES} rows at a time in lock step: every row takes one step down the tree before any row
     * takes the next. The steps of different rows are independent, so the CPU overlaps them, and the child is
     * chosen by arithmetic rather than by a branch it would mispredict half the time. A row that reaches its
     * leaf early stays there (a leaf is its own child), so each tree takes exactly its height in steps.
     * The sums are added tree by tree in the same order as {@link #predict(double[])}, so the results are
     * bit for bit the same.
     */
    public void predict(double[][] columns, int rows, double[] out) {
        int stride = features + nanLeftFeature.length;
        int chunk = Math.max(LANES, Math.min(CHUNK, SCRATCH_VALUES / stride));
        double[] x = new double[Math.min(rows, chunk) * stride];
        int[] at = new int[LANES];
        for (int from = 0; from < rows; from += chunk) {
            int count = Math.min(chunk, rows - from);
            // row-major, so one row's features sit together
            for (int f = 0; f < features; f++) {
                double[] c = columns[f];
                for (int r = 0; r < count; r++) {
                    x[r * stride + f] = c[from + r];
                }
            }
            for (int k = 0; k < nanLeftFeature.length; k++) {
                double[] c = columns[nanLeftFeature[k]];
                int f = features + k;
                for (int r = 0; r < count; r++) {
                    double v = c[from + r];
                    x[r * stride + f] = Double.isNaN(v) ? Double.NEGATIVE_INFINITY : v;
                }
            }
            java.util.Arrays.fill(out, from, from + count, 0.0);
            for (int t = 0; t < roots.length; t++) {
                int root = roots[t];
                int steps = height[t];
                for (int lane0 = 0; lane0 < count; lane0 += LANES) {
                    int lanes = Math.min(LANES, count - lane0);
                    walk(root, steps, x, lane0 * stride, stride, at, lanes);
                    for (int j = 0; j < lanes; j++) {
                        out[from + lane0 + j] += value[at[j]];
                    }
                }
            }
            for (int r = from; r < from + count; r++) {
                out[r] = finish(base + scale * out[r]);
            }
        }
    }

    /**
     * Walks {@code lanes} rows (row-major in {@code x} from {@code offset}) down one tree, leaving each row's
     * leaf in {@code at}. A method of its own so the JIT compiles this loop on its own profile.
     */
    private void walk(int root, int steps, double[] x, int offset, int stride, int[] at, int lanes) {
        java.util.Arrays.fill(at, 0, lanes, root);
        for (int s = 0; s < steps; s++) {
            for (int j = 0, row = offset; j < lanes; j++, row += stride) {
                int n = at[j];
                at[j] = child[2 * n + (x[row + split[n]] <= threshold[n] ? 0 : 1)];
            }
        }
    }
}
