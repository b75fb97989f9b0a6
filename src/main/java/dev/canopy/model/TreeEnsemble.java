package dev.canopy.model;

import java.util.List;
import java.util.Objects;

/**
 * A tree ensemble flattened into arrays: Canopy's own inference path over trained trees. Walking
 * {@code long}/{@code double} arrays is many times faster than Smile's per-row {@code predict(Tuple)}, which
 * boxes every row into a tuple and chases node objects. The ensemble is built from parallel arrays, below, and
 * keeps its nodes only as {@link LockStepWalk} lays them out (16 bytes a node); a file is written from that.
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

    /** Where each feature sits in the scratch rows, by its nodes' gap directions. */
    private final ScratchSlots slots;
    private final Output output;
    private final double base;
    private final double scale;
    private final int features;
    /** Null for a regression; otherwise the classes it scores. */
    private final ClassLayout classes;
    /** Per tree its class, when there is a class per tree (else null); the layout's, kept for the walk. */
    private final int[] treeClass;
    /** The nodes, laid out for the walk: all the ensemble holds of its trees. */
    private final LockStepWalk walk;

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
     * The arrays are read here and not kept: the ensemble holds its nodes as {@link LockStepWalk} lays them out,
     * and gives them back for a file in depth-first order ({@link TreeCodec}).
     *
     * @param classes null for a regression; a classifier's layout otherwise (with a class per tree, {@code base}
     *                is unused: each class has its own)
     * @throws IllegalArgumentException as the constructor above; when a leaf's value is NaN or a node belongs
     *                                  to two trees; and when the layout does not fit the trees or the output
     *                                  ({@link Output#SOFTMAX} needs a class per tree)
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
        this.output = Objects.requireNonNull(output, "output");
        this.base = base;
        this.scale = scale;
        this.features = features;
        int[] below = new int[n];
        // Children follow their parents, so a reverse pass sees both children of a node before the node.
        for (int i = n - 1; i >= 0; i--) {
            if (feature[i] >= features) {
                throw new IllegalArgumentException("node " + i + " splits on feature " + feature[i] + " of " + features);
            }
            if (feature[i] < 0) {
                if (Double.isNaN(value[i])) {
                    // the walk's leaf test is -Infinity <= value, which NaN fails (LockStepWalk)
                    throw new IllegalArgumentException("leaf " + i + " holds NaN");
                }
            } else {
                if (left[i] <= i || left[i] >= n || right[i] <= i || right[i] >= n) {
                    throw new IllegalArgumentException("node " + i + " has children " + left[i] + " and " + right[i]
                            + "; they must follow it");
                }
                below[i] = 1 + Math.max(below[left[i]], below[right[i]]);
            }
        }
        this.slots = ScratchSlots.assign(features, feature, nanLeft);
        // split levels on the longest path of each tree: after that many steps every walk stands on its leaf
        int[] height = new int[roots.length];
        for (int t = 0; t < roots.length; t++) {
            if (roots[t] < 0 || roots[t] >= n) {
                throw new IllegalArgumentException("root " + roots[t] + " of " + n + " nodes");
            }
            height[t] = below[roots[t]];
        }
        this.walk = new LockStepWalk(roots, feature, threshold, left, right, nanLeft, value, height, slots, treeClass);
    }

    public int trees() {
        return walk.trees();
    }

    public int nodes() {
        return walk.nodes();
    }

    /** The number of features a row must have, in the order the model was trained with. */
    public int features() {
        return features;
    }

    /** Bytes the ensemble holds, for the model cache's bound. */
    public long bytes() {
        return walk.bytes() + 1024 + (classes == null || classes.labels() == null ? 0 : 64L * classes.classes());
    }

    /** The nodes in a file's layout, for TreeCodec: built anew at each call. */
    LockStepWalk.NodeArrays nodeArrays() {
        return walk.export();
    }

    /** With a class per tree, per tree the tree whose walk it shares or -1; null otherwise. */
    int[] sharesWalkOf() {
        return walk.sharesWalkOf();
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
        LockStepWalk.NodeArrays a = walk.export();
        return new TreeEnsemble(a.roots(), a.feature(), a.threshold(), a.left(), a.right(), a.nanLeft(), a.value(),
                base, scale, features, output, classes.withLabels(labels));
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
        double[] x = scratch(row);
        double sum = 0;
        for (int t = 0; t < walk.trees(); t++) {
            sum += walk.leafValue(t, x);
        }
        return finish(base + scale * sum);
    }

    /** The row as the walk reads it: each feature in its slots ({@link ScratchSlots#row}). */
    private double[] scratch(double[] row) {
        if (row.length < features) {
            throw new IllegalArgumentException("a row of " + row.length + " values; the model takes " + features);
        }
        double[] x = walk.scratchRow();
        slots.row(row, x);
        return x;
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
        double[] x = scratch(row);
        double[] sums = new double[classes.classes()];
        for (int t = 0; t < walk.trees(); t++) {
            sums[treeClass[t]] += walk.leafValue(t, x);
        }
        classes.finishRow(output, scale, sums, out);
    }

    private void classifier() {
        if (classes == null) {
            throw new IllegalStateException("a regression's ensemble scores no classes");
        }
    }

    /**
     * Scores column-major data ({@code columns[f][row]}) one tree at a time and many rows in lock step
     * ({@link LockStepWalk}). The sums are added tree by tree in the same order as {@link #predict(double[])},
     * so the results are bit for bit the same.
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
        walk.score(columns, rows, out, treeClass == null ? this::finishOne
                : (o, from, to) -> classes.finish(output, scale, o, from, to));
    }

    private void finishOne(double[][] out, int from, int to) {
        double[] o = out[0];
        for (int r = from; r < to; r++) {
            o[r] = finish(base + scale * o[r]);
        }
    }
}
