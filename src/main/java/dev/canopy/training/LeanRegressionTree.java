package dev.canopy.training;

import smile.data.DataFrame;
import smile.data.formula.Formula;
import smile.data.type.StructField;
import smile.data.vector.ValueVector;
import smile.model.cart.Loss;
import smile.model.cart.LeafNode;
import smile.model.cart.Split;
import smile.regression.RegressionTree;

import java.util.Optional;
import java.util.PriorityQueue;

/**
 * Smile's regression tree, grown by Smile's code but for the split of a node, which is {@link LeanSplit}'s.
 * {@link #grow} and {@link #fit} return Smile's own {@link RegressionTree}: saved models name only Smile's
 * classes, and the deserialization allow-list ({@code ModelCodec}) stays as it is.
 */
final class LeanRegressionTree extends RegressionTree {
    // No initializer: Smile grows the tree inside its constructor, before this class's initializers would run,
    // and an initializer would then drop what the growth made.
    private LeanSplit splits;

    private LeanRegressionTree(DataFrame x, Loss loss, StructField response, int maxDepth, int maxNodes,
                               int nodeSize, int mtry, int[] samples, int[][] order) {
        super(x, loss, response, maxDepth, maxNodes, nodeSize, mtry, samples, order);
    }

    /**
     * The tree Smile's {@code new RegressionTree(x, loss, response, maxDepth, maxNodes, nodeSize, mtry, samples,
     * order)} grows, as Smile's own class.
     */
    static RegressionTree grow(DataFrame x, Loss loss, StructField response, int maxDepth, int maxNodes, int nodeSize,
                               int mtry, int[] samples, int[][] order) {
        LeanRegressionTree grown = new LeanRegressionTree(x, loss, response, maxDepth, maxNodes, nodeSize, mtry,
                samples, order);
        // the same settings on the first row alone set every field Smile saves; only the nodes differ
        return LeanSplit.transplant(grown, new RegressionTree(x.slice(0, 1),
                Loss.ls(new double[]{loss.response()[0]}), response, maxDepth, maxNodes, nodeSize, mtry, null, null));
    }

    /**
     * The tree Smile's {@code RegressionTree.fit(formula, data, new Options(maxDepth, maxNodes, nodeSize))} grows
     * ({@code maxNodes > 0}), as Smile's own class.
     */
    static RegressionTree fit(Formula formula, DataFrame data, int maxDepth, int maxNodes, int nodeSize) {
        Formula bound = formula.expand(data.schema());
        DataFrame x = bound.x(data);
        ValueVector y = bound.y(data);
        LeanRegressionTree grown = new LeanRegressionTree(x, Loss.ls(y.toDoubleArray()), y.field(), maxDepth,
                maxNodes, nodeSize, x.ncol(), null, null);
        // Smile's own fit on the first row alone sets the formula and every other field it saves
        return LeanSplit.transplant(grown, RegressionTree.fit(formula, data.slice(0, 1),
                new RegressionTree.Options(maxDepth, maxNodes, nodeSize)));
    }

    /**
     * Smile's search, in a loop for a forest's random subset of columns; with every column, Smile's own, which
     * searches the columns in parallel. Called from CART's constructor too: only CART's fields are read.
     */
    @Override
    protected Optional<Split> findBestSplit(LeafNode node, int lo, int hi, boolean[] unsplittable) {
        return mtry >= schema.length() ? super.findBestSplit(node, lo, hi, unsplittable) : LeanSplit.bestOfSubset(node,
                lo, hi, unsplittable, mtry, schema.length(), nodeSize, this::impurity, this::findBestSplit);
    }

    @Override
    protected boolean split(Split split, PriorityQueue<Split> queue) {
        if (splits == null) {
            splits = new LeanSplit(samples.length, index, order, maxDepth, nodeSize, this::newNode, this::findBestSplit,
                    s -> split(s, null), r -> root = r, importance);
        }
        return splits.split(split, queue);
    }
}
