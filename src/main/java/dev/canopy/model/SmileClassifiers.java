package dev.canopy.model;

import smile.classification.DecisionTree;
import smile.classification.RandomForest;
import smile.model.cart.DecisionNode;
import smile.model.cart.InternalNode;
import smile.model.cart.Node;
import smile.model.cart.OrdinalNode;

import java.lang.reflect.Field;
import java.util.List;

/**
 * Compiles Smile's classification {@link DecisionTree} and {@link RandomForest} into a classifier
 * {@link TreeEnsemble}: a tree's probabilities are Smile's own {@code predict(x, posteriori)}, a forest's are
 * scikit-learn's {@code predict_proba} over the same trees.
 *
 * <p>Smile's leaf gives {@code (count_c + 1) / (n + k)} over its (weighted, whole-number) training counts. That
 * keeps a single tree's pure leaves off 0 and 1 (California housing over 2: log loss 0.33 where scikit-learn's
 * tree of the same parameters scores 0.85), so a tree keeps it. A forest already averages many leaves, and the
 * smoothing only pulls every probability towards {@code 1/k}: with it, the forest's log loss was 4–6 % above
 * scikit-learn's on the same split, without it within 2 % (docs/performance.md). A forest's leaf therefore gives
 * its classes' shares {@code count_c / n}, scikit-learn's estimate, and Smile's own {@code predict} on the saved
 * {@code .model} differs from Canopy's by that smoothing.
 *
 * <p>The forest sums its trees' leaf values, each times the tree's {@code RandomForest.Model.weight}, and divides
 * the sums by their total. Each leaf's probabilities add up to 1, so that total is always the trees' summed
 * weight {@code W}, the same for every row: the division is the ensemble's constant {@code scale = 1/W} and the
 * output is {@link TreeEnsemble.Output#IDENTITY}, the hot path every regression takes (no output of its own, no
 * new file version).
 * <ul>
 *   <li>Two classes: one output, a leaf's value {@code weight · p_1}; the second class's probability, as
 *       XGBoost's {@code binary:logistic} scores.</li>
 *   <li>{@code k > 2}: each Smile tree becomes {@code k} trees of the same splits, tree {@code c} of them adding
 *       {@code weight · p_c} to class {@code c}, in Smile's order (tree by tree); they share one walk
 *       ({@code SharedWalks}).</li>
 * </ul>
 */
final class SmileClassifiers {
    private static final Field ORDINAL_VALUE = SmileTrees.field(OrdinalNode.class, "value");

    private SmileClassifiers() {
    }

    static TreeEnsemble compile(Object model, List<String> labels) {
        return switch (model) {
            case RandomForest rf -> {
                RandomForest.Model[] models = rf.models();
                DecisionTree[] trees = new DecisionTree[models.length];
                double[] weight = new double[models.length];
                for (int t = 0; t < models.length; t++) {
                    trees[t] = models[t].tree();
                    weight[t] = models[t].weight();
                }
                yield build(trees, weight, rf.schema().length(), labels, true);
            }
            case DecisionTree t -> build(new DecisionTree[]{t}, new double[]{1}, t.schema().length(), labels, false);
            default -> throw new IllegalArgumentException("not a Smile classifier: " + model.getClass().getName());
        };
    }

    /** @param frequencies leaves give their classes' shares of their rows, not Smile's smoothed posteriors */
    private static TreeEnsemble build(DecisionTree[] trees, double[] weight, int features, List<String> labels,
                                      boolean frequencies) {
        // a forest's trees know no class set of their own: the leaves' counts, one per class, give k
        int k = firstLeaf(trees[0].root()).count().length;
        double total = 0;
        for (int t = 0; t < trees.length; t++) {
            if (!(weight[t] >= 0) || Double.isInfinite(weight[t])) {
                throw new IllegalArgumentException("tree " + t + " has weight " + weight[t]);
            }
            total += weight[t];
        }
        if (!(total > 0)) {
            throw new IllegalArgumentException("the forest's tree weights sum to " + total + "; no probability is defined");
        }
        boolean binary = k == 2;
        int copies = binary ? 1 : k;
        TreeBuilder b = new TreeBuilder(copies * nodes(trees));
        int[] roots = new int[trees.length * copies];
        int[] treeClass = new int[roots.length];
        try {
            for (int t = 0; t < trees.length; t++) {
                for (int c = 0; c < copies; c++) {
                    int r = t * copies + c;
                    treeClass[r] = c;
                    roots[r] = add(b, trees[t].root(), binary ? 1 : c, k, weight[t], frequencies);
                }
            }
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("cannot read Smile model internals", e);
        }
        ClassLayout layout = binary ? ClassLayout.binary(labels)
                : new ClassLayout(k, treeClass, new double[k], labels);
        return b.build(roots, 0, 1.0 / total, features, TreeEnsemble.Output.IDENTITY, layout);
    }

    /** Class {@code c}'s share of a leaf's (weighted) rows: scikit-learn's leaf estimate. */
    static double frequency(int[] count, int c) {
        long n = 0;
        for (int x : count) {
            n += x;
        }
        if (n <= 0) {
            throw new IllegalArgumentException("a leaf of no rows: " + java.util.Arrays.toString(count));
        }
        return (double) count[c] / n;
    }

    private static DecisionNode firstLeaf(Node node) {
        Node n = node;
        while (n instanceof InternalNode in) {
            n = in.trueChild();
        }
        if (!(n instanceof DecisionNode leaf)) {
            throw new IllegalArgumentException("unexpected leaf " + n.getClass().getName());
        }
        return leaf;
    }

    private static int nodes(DecisionTree[] trees) {
        long n = 0;
        for (DecisionTree t : trees) {
            n += t.size();
        }
        return (int) Math.min(Integer.MAX_VALUE - 8, n);
    }

    /** Node by node in pre-order, so children follow their parent; a leaf holds {@code weight · p_class}. */
    private static int add(TreeBuilder b, Node node, int c, int k, double weight, boolean frequencies)
            throws IllegalAccessException {
        int id = b.reserve();
        switch (node) {
            case OrdinalNode in -> {
                int left = add(b, in.trueChild(), c, k, weight, frequencies);
                int right = add(b, in.falseChild(), c, k, weight, frequencies);
                // Smile's OrdinalNode sends x <= value to its true child; a gap (NaN) fails that and goes right
                b.split(id, in.feature(), ORDINAL_VALUE.getDouble(in), false, left, right);
            }
            case InternalNode in -> throw new IllegalArgumentException("only numeric (ordinal) splits are supported, got "
                    + in.getClass().getSimpleName());
            case DecisionNode leaf when leaf.count().length != k -> throw new IllegalArgumentException("a leaf counts "
                    + leaf.count().length + " classes, the model " + k);
            case DecisionNode leaf -> b.leaf(id, weight * (frequencies ? frequency(leaf.count(), c)
                    : DecisionNode.posteriori(leaf.count(), new double[k])[c]));
            default -> throw new IllegalArgumentException("unexpected leaf " + node.getClass().getName());
        }
        return id;
    }
}
