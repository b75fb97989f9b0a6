package dev.canopy.model;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

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
 * <p>A classifier carries a {@link ClassLayout}: binary, one output (the second class's probability), or a
 * class per tree, each class's margin summed from its own trees and the margins made probabilities by
 * {@link #probabilities(double[][], int, double[][])} ({@link Output#SOFTMAX} for XGBoost's {@code multi:softprob}
 * and LightGBM's {@code multiclass}). Such an ensemble has no single prediction: {@code predict} refuses it.
 * The class-per-tree walk is the same lock-step walk, each tree adding into its class's sums, so a regression's
 * path is untouched by it; trees that are copies of the one before but for their leaves share its walk.
 *
 * <p>Speed: the lock-step walk compares {@code x <= threshold} and nothing else, whatever the nodes' gap
 * directions. A feature is transposed into the scratch rows as it is (NaN, which fails {@code <=}, goes right)
 * when only NaN-right nodes split on it, with NaN replaced by {@code -Infinity} (which passes every
 * {@code <=}, so goes left) when only NaN-left nodes do, and both ways, in two slots, when both kinds do; each
 * node reads the slot its direction needs.
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
        SIGMOID,
        /**
         * Across the classes of an ensemble with a class per tree: {@code exp(m_c) / sum_j exp(m_j)}, the
         * probabilities of XGBoost's {@code multi:softprob} and LightGBM's {@code multiclass}.
         */
        SOFTMAX
    }

    private final int[] roots;
    /**
     * The scratch-row slot node i reads: its feature, or {@code features + k} for the k-th feature that both
     * NaN-left and NaN-right nodes split on (that copy holds -Infinity for NaN); 0 for a leaf, so a walk that
     * stands on its leaf still reads a real column.
     */
    private final int[] split;
    /** Where each feature sits in the scratch rows, by its nodes' gap directions. */
    private final ScratchSlots slots;
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
    /** Null for a regression; otherwise the classes it scores. */
    private final ClassLayout classes;
    /** Per tree its class, when there is a class per tree (else null); the layout's, kept for the walk. */
    private final int[] treeClass;
    /** With a class per tree (else null): per tree, the tree whose walk it shares, or -1 ({@link SharedWalks}). */
    private final int[] sharesWalkOf;

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
        this(roots, feature, threshold, left, right, nanLeft, value, base, scale, features, output, null);
    }

    /**
     * @param classes null for a regression; a classifier's layout otherwise (with a class per tree, {@code base}
     *                is unused: each class has its own)
     * @throws IllegalArgumentException as the constructor above, and when the layout does not fit the trees or
     *                                  the output ({@link Output#SOFTMAX} needs a class per tree)
     */
    public TreeEnsemble(int[] roots, int[] feature, double[] threshold, int[] left, int[] right, boolean[] nanLeft,
                        double[] value, double base, double scale, int features, Output output, ClassLayout classes) {
        int n = feature.length;
        if (classes != null && classes.perClass() && classes.treeClass().length != roots.length) {
            throw new IllegalArgumentException("the layout names the class of " + classes.treeClass().length
                    + " trees, the ensemble has " + roots.length);
        }
        if (output == Output.SOFTMAX && (classes == null || !classes.perClass())) {
            throw new IllegalArgumentException("a softmax output needs a class per tree");
        }
        this.classes = classes;
        this.treeClass = classes != null && classes.perClass() ? classes.treeClass() : null;
        if (threshold.length != n || left.length != n || right.length != n || value.length != n || nanLeft.length != n) {
            throw new IllegalArgumentException("node arrays differ in length");
        }
        if (features < 1) {
            throw new IllegalArgumentException("a model takes at least one feature, not " + features);
        }
        this.roots = roots;
        this.nanLeft = new boolean[n];
        this.output = Objects.requireNonNull(output, "output");
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
        // Which kinds of node split on each feature decide its slots (ScratchSlots).
        boolean[] splits = new boolean[n];
        for (int i = 0; i < n; i++) {
            splits[i] = feature[i] >= 0;
        }
        this.slots = ScratchSlots.assign(features, splits, this.nanLeft, split);
        this.height = new int[roots.length];
        for (int t = 0; t < roots.length; t++) {
            if (roots[t] < 0 || roots[t] >= n) {
                throw new IllegalArgumentException("root " + roots[t] + " of " + n + " nodes");
            }
            height[t] = below[roots[t]];
        }
        this.sharesWalkOf = treeClass == null ? null
                : SharedWalks.of(roots, height, split, threshold, this.nanLeft, child);
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
        return 33L * split.length + (treeClass == null ? 4L : 8L) * roots.length + 1024
                + (classes == null || classes.labels() == null ? 0 : 64L * classes.classes());
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
        return slots.feature(split[i]);
    }

    boolean[] nanLeft() {
        return nanLeft.clone();
    }

    /** Whether any node sends gaps left; a model without such nodes is written in the version-1 tree format. */
    boolean anyNanLeft() {
        return slots.anyNanLeft();
    }

    public Output output() {
        return output;
    }

    /** The classes a classifier scores (2 for binary), 1 for a regression. */
    public int classes() {
        return classes == null ? 1 : classes.classes();
    }

    /** The classifier's layout, or null for a regression. */
    public ClassLayout classLayout() {
        return classes;
    }

    /** This classifier with these class labels (null: unknown), e.g. a converted model's, known from elsewhere. */
    public TreeEnsemble withLabels(List<String> labels) {
        classifier();
        return new TreeEnsemble(roots, feature(), threshold, left(), right(), nanLeft(), value, base, scale, features,
                output, classes.withLabels(labels));
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

    /**
     * One row's prediction: the value, or a binary classifier's probability of its second class.
     *
     * @throws IllegalStateException for an ensemble with a class per tree, which has no single prediction
     */
    public double predict(double[] row) {
        oneOutput();
        double sum = 0;
        for (int root : roots) {
            sum += value[leafOf(root, row)];
        }
        return finish(base + scale * sum);
    }

    private int leafOf(int root, double[] row) {
        int n = root;
        while (!leaf(n)) {
            double v = row[feature(n)];
            n = child[2 * n + (v <= threshold[n] || nanLeft[n] && Double.isNaN(v) ? 0 : 1)];
        }
        return n;
    }

    private void oneOutput() {
        if (treeClass != null) {
            throw new IllegalStateException("the ensemble scores " + classes.classes() + " classes, each with its own "
                    + "trees; it has no single prediction (use probabilities)");
        }
    }

    private double finish(double margin) {
        return output == Output.SIGMOID ? 1.0 / (1.0 + Math.exp(-margin)) : margin;
    }

    /**
     * One row's class probabilities into {@code out} ({@link #classes()} values), as
     * {@link #probabilities(double[][], int, double[][])} gives them, bit for bit.
     */
    public void probabilities(double[] row, double[] out) {
        classifier();
        if (treeClass == null) {
            out[1] = predict(row);
            out[0] = 1 - out[1];
            return;
        }
        double[] sums = new double[classes.classes()];
        for (int t = 0; t < roots.length; t++) {
            sums[treeClass[t]] += value[leafOf(roots[t], row)];
        }
        classes.finishRow(output, scale, sums, out);
    }

    private void classifier() {
        if (classes == null) {
            throw new IllegalStateException("a regression's ensemble scores no classes");
        }
    }

    /**
     * Scores column-major data ({@code columns[f][row]}) one tree at a time, so that tree's nodes stay in cache,
     * and {@value #LANES} rows at a time in lock step: every row takes one step down the tree before any row
     * takes the next. The steps of different rows are independent, so the CPU overlaps them, and the child is
     * chosen by arithmetic rather than by a branch it would mispredict half the time. A row that reaches its
     * leaf early stays there (a leaf is its own child), so each tree takes exactly its height in steps.
     * The sums are added tree by tree in the same order as {@link #predict(double[])}, so the results are
     * bit for bit the same.
     *
     * @throws IllegalStateException for an ensemble with a class per tree, which has no single prediction
     */
    public void predict(double[][] columns, int rows, double[] out) {
        oneOutput();
        score(columns, rows, new double[][]{out});
    }

    /**
     * A classifier's probabilities: {@code out[c][row]} for each of the {@link #classes()} classes. Binary with
     * one output: {@code out[1]} is its prediction and {@code out[0]} one minus that. With a class per tree, the
     * same lock-step walk as {@link #predict(double[][], int, double[])}, each tree adding into its class's
     * sums; then each class's margin and the output across them ({@link ClassLayout}).
     *
     * @throws IllegalStateException for a regression's ensemble
     */
    public void probabilities(double[][] columns, int rows, double[][] out) {
        classifier();
        if (treeClass == null) {
            predict(columns, rows, out[1]);
            for (int r = 0; r < rows; r++) {
                out[0][r] = 1 - out[1][r];
            }
        } else {
            score(columns, rows, out);
        }
    }

    /** The lock-step walk: into {@code out[0]} with one output, into {@code out[class of the tree]} otherwise. */
    private void score(double[][] columns, int rows, double[][] out) {
        int stride = slots.stride();
        int chunk = Math.max(LANES, Math.min(CHUNK, SCRATCH_VALUES / stride));
        double[] x = new double[Math.min(rows, chunk) * stride];
        int[] at = new int[LANES];
        for (int from = 0; from < rows; from += chunk) {
            int count = Math.min(chunk, rows - from);
            slots.transpose(columns, from, count, x);
            for (double[] o : out) {
                Arrays.fill(o, from, from + count, 0.0);
            }
            if (sharesWalkOf == null) {
                for (int t = 0; t < roots.length; t++) {
                    double[] o = out[0];
                    int root = roots[t];
                    int steps = height[t];
                    for (int lane0 = 0; lane0 < count; lane0 += LANES) {
                        int lanes = Math.min(LANES, count - lane0);
                        walk(root, steps, x, lane0 * stride, stride, at, lanes);
                        for (int j = 0; j < lanes; j++) {
                            o[from + lane0 + j] += value[at[j]];
                        }
                    }
                }
            } else {
                scoreSharing(x, stride, from, count, at, out);
            }
            if (treeClass == null) {
                double[] o = out[0];
                for (int r = from; r < from + count; r++) {
                    o[r] = finish(base + scale * o[r]);
                }
            } else {
                classes.finish(output, scale, out, from, from + count);
            }
        }
    }

    /** The class-per-tree walk: a run of copies walked once, each adding its leaf; sums in tree order, as before. */
    private void scoreSharing(double[] x, int stride, int from, int count, int[] at, double[][] out) {
        for (int t = 0; t < roots.length; ) {
            int end = t + 1;
            while (end < roots.length && sharesWalkOf[end] == t) {
                end++;
            }
            for (int lane0 = 0; lane0 < count; lane0 += LANES) {
                int lanes = Math.min(LANES, count - lane0);
                walk(roots[t], height[t], x, lane0 * stride, stride, at, lanes);
                for (int u = t; u < end; u++) {
                    double[] o = out[treeClass[u]];
                    int d = roots[u] - roots[t];
                    for (int j = 0; j < lanes; j++) {
                        o[from + lane0 + j] += value[at[j] + d];
                    }
                }
            }
            t = end;
        }
    }

    /**
     * Walks {@code lanes} rows (row-major in {@code x} from {@code offset}) down one tree, leaving each row's
     * leaf in {@code at}. A method of its own so the JIT compiles this loop on its own profile.
     */
    private void walk(int root, int steps, double[] x, int offset, int stride, int[] at, int lanes) {
        Arrays.fill(at, 0, lanes, root);
        for (int s = 0; s < steps; s++) {
            for (int j = 0, row = offset; j < lanes; j++, row += stride) {
                int n = at[j];
                at[j] = child[2 * n + (x[row + split[n]] <= threshold[n] ? 0 : 1)];
            }
        }
    }
}
