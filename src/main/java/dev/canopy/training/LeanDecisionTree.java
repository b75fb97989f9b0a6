package dev.canopy.training;

import smile.classification.DecisionTree;
import smile.data.DataFrame;
import smile.data.type.StructField;
import smile.model.cart.LeafNode;
import smile.model.cart.Split;
import smile.model.cart.SplitRule;

import java.util.Optional;
import java.util.PriorityQueue;

/**
 * Smile's classification tree, grown by Smile's code but for the split of a node, which is {@link LeanSplit}'s.
 * {@link #grow} returns Smile's own {@link DecisionTree}, as {@link LeanRegressionTree} does for regression.
 */
final class LeanDecisionTree extends DecisionTree {
    // No initializer: see LeanRegressionTree.
    private LeanSplit splits;

    private LeanDecisionTree(DataFrame x, int[] y, StructField response, int k, SplitRule rule, int maxDepth,
                             int maxNodes, int nodeSize, int mtry, int[] samples, int[][] order) {
        super(x, y, response, k, rule, maxDepth, maxNodes, nodeSize, mtry, samples, order);
    }

    /**
     * The tree Smile's {@code new DecisionTree(x, y, response, k, rule, maxDepth, maxNodes, nodeSize, mtry,
     * samples, order)} grows, as Smile's own class.
     */
    static DecisionTree grow(DataFrame x, int[] y, StructField response, int k, SplitRule rule, int maxDepth,
                             int maxNodes, int nodeSize, int mtry, int[] samples, int[][] order) {
        LeanDecisionTree grown = new LeanDecisionTree(x, y, response, k, rule, maxDepth, maxNodes, nodeSize, mtry,
                samples, order);
        // the same settings on the first row alone set every field Smile saves; only the nodes differ
        return LeanSplit.transplant(grown, new DecisionTree(x.slice(0, 1), new int[]{y[0]}, response, k, rule,
                maxDepth, maxNodes, nodeSize, mtry, null, null));
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
