package dev.canopy.model;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import smile.classification.DecisionTree;
import smile.classification.RandomForest;
import smile.data.DataFrame;
import smile.data.Tuple;
import smile.data.formula.Formula;
import smile.data.vector.DoubleVector;
import smile.data.vector.IntVector;
import smile.data.vector.ValueVector;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A compiled Smile classifier gives, row for row, batch and single row, after a round trip: a tree's own posteriors,
 * a forest's leaves' class shares averaged (scikit-learn's estimate) over Smile's own routing.
 */
class SmileClassifiersTest {
    static final int FEATURES = 4;

    /** Rows of 4 features and a noisy class among {@code k}; feature 3 is noise. */
    static DataFrame data(int rows, int k, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[][] x = new double[FEATURES][rows];
        int[] y = new int[rows];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < FEATURES; j++) {
                x[j][i] = Math.round(r.nextDouble() * 1000) / 100.0; // ties, as real data has
            }
            double s = x[0][i] + 0.5 * x[1][i] - 0.3 * x[2][i] + 2 * r.nextGaussian();
            y[i] = Math.clamp((long) Math.floor((s + 3) / 15 * k), 0, k - 1);
        }
        ValueVector[] v = new ValueVector[FEATURES + 1];
        for (int j = 0; j < FEATURES; j++) {
            v[j] = new DoubleVector("x" + j, x[j]);
        }
        v[FEATURES] = new IntVector("y", y);
        return new DataFrame(v);
    }

    @ParameterizedTest
    @CsvSource({"random_forest,2", "random_forest,3", "random_forest,5", "decision_tree,2", "decision_tree,4"})
    void probabilitiesAreSmiles(String algorithm, int k) {
        DataFrame train = data(800, k, 11);
        DataFrame test = data(300, k, 12);
        Formula formula = Formula.lhs("y");
        Object model = algorithm.equals("random_forest")
                ? RandomForest.fit(formula, train, new RandomForest.Options(30, 2, smile.model.cart.SplitRule.GINI, 12,
                        200, 3, 0.8, null, null, null))
                : DecisionTree.fit(formula, train);
        List<String> labels = new ArrayList<>();
        for (int c = 0; c < k; c++) {
            labels.add("class " + c);
        }
        TreeEnsemble compiled = SmileTrees.compile(model, labels);
        assertEquals(FEATURES, compiled.features());
        assertEquals(k, compiled.classes());
        assertEquals(labels, compiled.classLayout().labels());
        assertEquals(k > 2, compiled.classLayout().perClass(), "binary scores one output, as XGBoost's binary:logistic");
        assertEquals(TreeEnsemble.Output.IDENTITY, compiled.output());
        TreeEnsemble read = TreeCodec.read("mem://m.trees", TreeCodec.write(compiled));

        int n = test.size();
        double[][] columns = new double[FEATURES][];
        for (int j = 0; j < FEATURES; j++) {
            columns[j] = test.column(j).toDoubleArray();
        }
        double[][] batch = new double[k][n];
        read.probabilities(columns, n, batch);
        double maxDiff = 0;
        boolean weighted = false;
        for (int i = 0; i < n; i++) {
            Tuple row = test.get(i);
            double[] smile = new double[k];
            if (model instanceof RandomForest f) {
                forest(f, row, smile);
            } else {
                ((DecisionTree) model).predict(row, smile);
            }
            double[] x = new double[FEATURES];
            for (int j = 0; j < FEATURES; j++) {
                x[j] = columns[j][i];
            }
            double[] single = new double[k];
            compiled.probabilities(x, single);
            for (int c = 0; c < k; c++) {
                maxDiff = Math.max(maxDiff, Math.abs(smile[c] - batch[c][i]));
                assertEquals(smile[c], batch[c][i], 1e-12, "row " + i + " class " + c);
                assertEquals(batch[c][i], single[c], 1e-15, "row " + i + " class " + c + ": one row as the batch");
            }
        }
        if (model instanceof RandomForest f) {
            for (RandomForest.Model m : f.models()) {
                weighted |= m.weight() != f.models()[0].weight();
            }
            assertTrue(weighted, "the forest's trees weigh differently, so the test sees the weights");
        }
        assertTrue(maxDiff < 1e-12, "max |diff| " + maxDiff);
    }

    /**
     * scikit-learn's forest probabilities over Smile's own trees: each tree's leaf, as Smile routes the row, gives
     * its classes' shares of its rows, averaged with the trees' weights.
     */
    private static void forest(RandomForest f, Tuple row, double[] out) {
        double total = 0;
        java.util.Arrays.fill(out, 0);
        for (RandomForest.Model m : f.models()) {
            int[] count = ((smile.model.cart.DecisionNode) m.tree().root().predict(row)).count();
            double n = java.util.Arrays.stream(count).sum();
            for (int c = 0; c < out.length; c++) {
                out[c] += m.weight() * count[c] / n;
            }
            total += m.weight();
        }
        for (int c = 0; c < out.length; c++) {
            out[c] /= total;
        }
    }

    @ParameterizedTest
    @CsvSource({"2", "3"})
    void aForestsProbabilitiesAreItsLeavesSharesNotSmilesSmoothedOnes(int k) {
        DataFrame train = data(400, k, 5);
        RandomForest f = RandomForest.fit(Formula.lhs("y"), train, new RandomForest.Options(10, 2,
                smile.model.cart.SplitRule.GINI, 12, 200, 3, 0.8, null, null, null));
        TreeEnsemble compiled = SmileTrees.compile(f);
        double[][] columns = new double[FEATURES][];
        for (int j = 0; j < FEATURES; j++) {
            columns[j] = train.column(j).toDoubleArray();
        }
        double[][] ours = new double[k][train.size()];
        compiled.probabilities(columns, train.size(), ours);
        double differ = 0;
        double sharesSpread = 0;
        double smoothedSpread = 0;
        for (int i = 0; i < train.size(); i++) {
            double[] smoothed = new double[k];
            f.predict(train.get(i), smoothed);
            for (int c = 0; c < k; c++) {
                differ = Math.max(differ, Math.abs(ours[c][i] - smoothed[c]));
                sharesSpread += Math.abs(ours[c][i] - 1.0 / k);
                smoothedSpread += Math.abs(smoothed[c] - 1.0 / k);
            }
        }
        assertTrue(differ > 0.01, "the shares differ from Smile's smoothed posteriors: " + differ);
        // the smoothing pulls every leaf towards 1/k, so on the whole Smile's are nearer to it
        assertTrue(sharesSpread > smoothedSpread, "spread from 1/k: shares " + sharesSpread + ", Smile's " + smoothedSpread);
    }

    @ParameterizedTest
    @CsvSource({"2", "3"})
    void unknownLabelsStayUnknown(int k) {
        TreeEnsemble compiled = SmileTrees.compile(DecisionTree.fit(Formula.lhs("y"), data(200, k, 3)));
        assertNull(compiled.classLayout().labels());
        assertEquals(List.of("0", "1"), compiled.classLayout().labelsOrCodes().subList(0, 2));
        assertNotEquals(0, compiled.trees());
    }
}
