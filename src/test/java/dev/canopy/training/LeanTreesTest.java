package dev.canopy.training;

import dev.canopy.model.ModelCodec;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import smile.data.DataFrame;
import smile.classification.DecisionTree;
import smile.data.formula.Formula;
import smile.data.type.DataTypes;
import smile.data.type.StructField;
import smile.math.MathEx;
import smile.model.cart.CART;
import smile.model.cart.Loss;
import smile.model.cart.SplitRule;
import smile.regression.RegressionTree;

import java.lang.invoke.MethodHandles;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link LeanRegressionTree} and {@link LeanDecisionTree} grow Smile's trees exactly ({@link LeanSplit}): the saved
 * forms of both trees are the same bytes (every node, split value, output, deviance and importance), over rows
 * with ties, a column with few values and columns that become unsplittable, with a random subset of columns per
 * node and with all, and for a classifier with rows weighted by class.
 */
class LeanTreesTest {

    /**
     * SmileTrainer sets {@code smile.regression_tree.bins} JVM-wide when it is first loaded, and Smile reads it
     * on every split search. Loaded here first, so that another test class loading it halfway through a test
     * cannot give the two trees of a comparison different splits (seen: 201 nodes against 1,247).
     */
    @BeforeAll
    static void smileSplitsAsCanopySetsThem() throws IllegalAccessException {
        MethodHandles.lookup().ensureInitialized(SmileTrainer.class);
    }

    @Test
    void growsSmilesTreeNodeForNodeWithARandomSubsetOfColumns() {
        DataFrame data = rows(3_000, 1);
        DataFrame x = data.drop("y");
        double[] y = data.column("y").toDoubleArray();
        for (int[] limits : new int[][]{{10_000, 3_000, 3, 2}, {10_000, 40, 5, 3}, {6, 3_000, 2, 4}}) {
            int maxDepth = limits[0];
            int maxNodes = limits[1];
            int nodeSize = limits[2];
            int mtry = limits[3];
            MathEx.setSeed(17);
            RegressionTree smile = new RegressionTree(x, Loss.ls(y), data.schema().field("y"), maxDepth, maxNodes,
                    nodeSize, mtry, null, CART.order(x));
            MathEx.setSeed(17);
            RegressionTree lean = LeanRegressionTree.grow(x, Loss.ls(y), data.schema().field("y"), maxDepth, maxNodes,
                    nodeSize, mtry, null, CART.order(x));
            assertSame(RegressionTree.class, lean.getClass(), "saved as Smile's own class");
            assertTrue(smile.size() > 20, "a tree worth comparing: " + smile.size() + " nodes");
            assertEquals(smile.size(), lean.size());
            assertArrayEquals(ModelCodec.write(smile), ModelCodec.write(lean),
                    "depth " + maxDepth + ", nodes " + maxNodes + ", leaf " + nodeSize + ", mtry " + mtry);
        }
    }

    @Test
    void fitsAsSmilesFitWithEveryColumn() {
        DataFrame data = rows(4_000, 2);
        Formula formula = Formula.lhs("y");
        for (int[] limits : new int[][]{{16, 4_000 / 5, 5}, {8, 30, 2}, {10_000, 4_000, 1}}) {
            RegressionTree smile = RegressionTree.fit(formula, data,
                    new RegressionTree.Options(limits[0], limits[1], limits[2]));
            RegressionTree lean = LeanRegressionTree.fit(formula, data, limits[0], limits[1], limits[2]);
            assertEquals(smile.size(), lean.size());
            assertArrayEquals(ModelCodec.write(smile), ModelCodec.write(lean), "limits " + limits[0] + "/" + limits[1]);
            for (int i = 0; i < data.size(); i += 97) {
                assertEquals(smile.predict(data.get(i)), lean.predict(data.get(i)), 0.0, "row " + i);
            }
        }
    }

    @Test
    void growsSmilesClassificationTreeNodeForNode() {
        DataFrame data = rows(3_000, 3);
        DataFrame x = data.drop("y");
        double[] target = data.column("y").toDoubleArray();
        int[] y = new int[target.length];
        for (int i = 0; i < y.length; i++) {
            y[i] = target[i] < 2 ? 0 : target[i] < 4.5 ? 1 : 2;
        }
        StructField response = new StructField("y", DataTypes.IntType);
        int[] weights = new int[y.length];
        for (int i = 0; i < y.length; i++) {
            weights[i] = y[i] == 0 ? 3 : 1;
        }
        for (int[] limits : new int[][]{{10_000, 3_000, 2, 2}, {8, 50, 5, 6}}) {
            for (int[] samples : new int[][]{null, weights}) {
                MathEx.setSeed(5);
                DecisionTree smile = new DecisionTree(x, y, response, 3, SplitRule.GINI, limits[0], limits[1],
                        limits[2], limits[3], samples == null ? null : samples.clone(), CART.order(x));
                MathEx.setSeed(5);
                DecisionTree lean = LeanDecisionTree.grow(x, y, response, 3, SplitRule.GINI, limits[0], limits[1],
                        limits[2], limits[3], samples == null ? null : samples.clone(), CART.order(x));
                assertSame(DecisionTree.class, lean.getClass(), "saved as Smile's own class");
                assertTrue(smile.size() > 20, "a tree worth comparing: " + smile.size() + " nodes");
                assertArrayEquals(ModelCodec.write(smile), ModelCodec.write(lean),
                        "limits " + limits[1] + ", mtry " + limits[3] + (samples == null ? "" : ", weighted"));
            }
        }
    }

    /**
     * Six features: two continuous, one with ten values (many ties), one constant (never splittable), one that
     * is noise and one the target barely uses; the target mixes steps and a slope, with noise.
     */
    private static DataFrame rows(int n, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        double[][] rows = new double[n][7];
        for (int i = 0; i < n; i++) {
            double a = rnd.nextDouble() * 10;
            double b = rnd.nextGaussian();
            double c = rnd.nextInt(10);
            double e = rnd.nextDouble();
            double f = Math.round(rnd.nextDouble() * 100) / 10.0;
            rows[i] = new double[]{a, b, c, 1.0, e, f,
                    (a > 5 ? 3 : 0) + 0.4 * a + (c >= 7 ? -2 : 0.5 * b) + 0.05 * f + 0.3 * rnd.nextGaussian()};
        }
        return DataFrame.of(rows, "a", "b", "c", "constant", "noise", "f", "y");
    }
}
