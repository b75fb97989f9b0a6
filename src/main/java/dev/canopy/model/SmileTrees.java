package dev.canopy.model;

import smile.classification.Classifier;
import smile.model.cart.CART;
import smile.model.cart.InternalNode;
import smile.model.cart.LeafNode;
import smile.model.cart.Node;
import smile.model.cart.OrdinalNode;
import smile.model.cart.RegressionNode;
import smile.regression.GradientTreeBoost;
import smile.regression.RandomForest;
import smile.regression.RegressionTree;

import java.lang.reflect.Field;
import java.util.Arrays;
import java.util.List;

/**
 * Compiles Smile's regression models into a {@link TreeEnsemble}, and its classifiers through
 * {@link SmileClassifiers}. Smile does not expose an ordinal
 * node's threshold nor a boosted model's intercept and shrinkage, so those are read reflectively; the
 * unit tests check the compiled ensemble against Smile's own predictions on held-out rows.
 */
public final class SmileTrees {
    private static final Field ORDINAL_VALUE = field(OrdinalNode.class, "value");
    private static final Field GBT_B = field(GradientTreeBoost.class, "b");
    private static final Field GBT_SHRINKAGE = field(GradientTreeBoost.class, "shrinkage");

    private SmileTrees() {
    }

    /** A regression model's ensemble, or a classifier's with unknown labels ({@link #compile(Object, List)}). */
    public static TreeEnsemble compile(Object model) {
        return compile(model, null);
    }

    /**
     * @param labels a classifier's class labels in class-code order, or null (unknown; ignored for a regression)
     */
    public static TreeEnsemble compile(Object model, List<String> labels) {
        if (model instanceof Classifier<?>) {
            return SmileClassifiers.compile(model, labels);
        }
        try {
            return switch (model) {
                case RandomForest rf -> build(Arrays.asList(rf.trees()), 0, 1.0 / rf.trees().length, rf.schema().length());
                case GradientTreeBoost gb -> build(Arrays.asList(gb.trees()), GBT_B.getDouble(gb),
                        GBT_SHRINKAGE.getDouble(gb), gb.schema().length());
                case RegressionTree t -> build(List.of(t), 0, 1, t.schema().length());
                default -> throw new IllegalArgumentException("not a Smile tree model: " + model.getClass().getName());
            };
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("cannot read Smile model internals", e);
        }
    }

    private static TreeEnsemble build(List<? extends CART> trees, double base, double scale, int features)
            throws IllegalAccessException {
        int total = 0;
        for (CART t : trees) {
            total += t.size(); // nodes; Node.size() would be the node's training-sample count
        }
        Builder b = new Builder(total);
        int[] roots = new int[trees.size()];
        for (int i = 0; i < roots.length; i++) {
            roots[i] = b.add(trees.get(i).root());
        }
        return new TreeEnsemble(roots, b.feature, b.threshold, b.left, b.right, b.value, base, scale, features);
    }

    private static final class Builder {
        final int[] feature;
        final double[] threshold;
        final int[] left;
        final int[] right;
        final double[] value;
        int next;

        Builder(int n) {
            feature = new int[n];
            threshold = new double[n];
            left = new int[n];
            right = new int[n];
            value = new double[n];
        }

        int add(Node node) throws IllegalAccessException {
            int id = next++;
            if (node instanceof InternalNode in) {
                if (!(in instanceof OrdinalNode)) {
                    throw new IllegalArgumentException("only numeric (ordinal) splits are supported, got "
                            + in.getClass().getSimpleName());
                }
                feature[id] = in.feature();
                threshold[id] = ORDINAL_VALUE.getDouble(in);
                left[id] = add(in.trueChild());
                right[id] = add(in.falseChild());
            } else if (node instanceof RegressionNode leaf) {
                feature[id] = -1;
                value[id] = leaf.output();
            } else {
                throw new IllegalArgumentException("unexpected leaf " + ((LeafNode) node).getClass().getName());
            }
            return id;
        }
    }

    static Field field(Class<?> c, String name) {
        try {
            Field f = c.getDeclaredField(name);
            f.setAccessible(true);
            return f;
        } catch (NoSuchFieldException e) {
            throw new ExceptionInInitializerError("Smile changed: " + c.getName() + "." + name + " is gone");
        }
    }
}
