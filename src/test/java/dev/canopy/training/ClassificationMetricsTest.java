package dev.canopy.training;

import com.fasterxml.jackson.databind.JsonNode;
import dev.canopy.error.InvalidInputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ClassificationMetricsTest {
    /** One scikit-learn process for the class's tests. */
    @RegisterExtension
    static final ScikitLearnOracle.Python SKLEARN = new ScikitLearnOracle.Python();


    /**
     * Fixed vectors, the constants printed by scikit-learn 1.2.1:
     * <pre>
     * from sklearn import metrics as m; y=[0,1,1,0]; p=[.2,.7,.4,.1]
     * m.log_loss(y, p), m.accuracy_score(y, [0,1,0,0]), m.balanced_accuracy_score(y, [0,1,0,0]),
     * m.f1_score(y, [0,1,0,0], average="macro"), m.roc_auc_score(y, p), m.average_precision_score(y, p)
     * -> 0.4003674356962309 0.75 0.75 0.7333333333333334 1.0 1.0
     * </pre>
     */
    @Test
    void binaryMetricsOfAFixedVector() {
        ClassificationMetrics m = ClassificationMetrics.binary(new int[]{0, 1, 1, 0}, new double[]{0.2, 0.7, 0.4, 0.1});
        assertEquals(0.4003674356962309, m.logLoss(), 1e-15);
        assertEquals(0.75, m.accuracy());
        assertEquals(0.75, m.balancedAccuracy());
        assertEquals(0.7333333333333334, m.macroF1(), 1e-15);
        assertEquals(1.0, m.rocAuc());
        assertEquals(1.0, m.prAuc());
        assertArrayEquals(new int[][]{{2, 0}, {1, 1}}, m.confusion());
    }

    /**
     * <pre>
     * from sklearn import metrics as m; y=[0,0,1,1]; s=[.1,.4,.35,.8]
     * m.roc_auc_score(y, s), m.average_precision_score(y, s)  -> 0.75 0.8333333333333333
     * m.roc_curve(y, s)[:2] -> [0, 0, .5, .5, 1], [0, .5, .5, 1, 1]
     * </pre>
     */
    @Test
    void rocAndAveragePrecisionOfTheTextbookExample() {
        int[] y = {0, 0, 1, 1};
        double[] s = {0.1, 0.4, 0.35, 0.8};
        ClassificationMetrics m = ClassificationMetrics.binary(y, s);
        assertEquals(0.75, m.rocAuc(), 1e-15);
        assertEquals(0.8333333333333333, m.prAuc(), 1e-15);
        ClassificationMetrics.Curve roc = ClassificationMetrics.roc(y, s);
        assertArrayEquals(new double[]{0, 0, 0.5, 0.5, 1}, roc.fpr());
        assertArrayEquals(new double[]{0, 0.5, 0.5, 1, 1}, roc.tpr());
        assertEquals(Double.POSITIVE_INFINITY, roc.thresholds()[0]);
    }

    @Test
    void aucsAreAbsentWhenTheTruthHasOneClassAndClipsKeepLogLossFinite() {
        ClassificationMetrics m = ClassificationMetrics.binary(new int[]{1, 1}, new double[]{0.0, 1.0});
        assertNull(m.rocAuc());
        assertNull(m.prAuc());
        // -ln(eps) / 2 for the row whose true class got probability 0, clipped to 2.22e-16
        assertEquals(-Math.log(ClassificationMetrics.EPS) / 2, m.logLoss(), 1e-12);
        assertNull(ClassificationMetrics.of(new int[]{0, 2}, new double[][]{{.5, .2, .3}, {.1, .1, .8}}).rocAuc());
        assertThrows(IllegalArgumentException.class, () -> ClassificationMetrics.of(new int[]{2}, new double[][]{{.5, .5}}));
    }

    @Test
    void binaryMetricsAreScikitLearns() throws Exception {
        try (ScikitLearnOracle sk = SKLEARN.require()) {
            Random r = new Random(25);
            for (int trial = 0; trial < 4; trial++) {
                int n = 50 + 400 * trial;
                int[] y = new int[n];
                double[][] p = new double[n][];
                for (int i = 0; i < n; i++) {
                    y[i] = r.nextDouble() < 0.3 ? 1 : 0;
                    double q = Math.min(1, Math.max(0, 0.3 * y[i] + 0.7 * r.nextDouble()));
                    // trials 1 and 3: scores on a coarse grid, so that ties and exact 0 and 1 occur
                    q = trial % 2 == 1 ? Math.round(q * 10) / 10.0 : q;
                    p[i] = new double[]{1 - q, q};
                }
                compare(sk, y, p, "binary trial " + trial);
            }
        }
    }

    @Test
    void multiclassMetricsAreScikitLearns() throws Exception {
        try (ScikitLearnOracle sk = SKLEARN.require()) {
            Random r = new Random(7);
            int n = 300;
            int k = 5;
            int[] y = new int[n];
            double[][] p = new double[n][k];
            for (int i = 0; i < n; i++) {
                y[i] = r.nextInt(4); // class 4 never true
                double sum = 0;
                for (int c = 0; c < k; c++) {
                    p[i][c] = c == 3 ? 0 : r.nextDouble() + (c == y[i] ? 0.8 : 0); // class 3 never predicted, p = 0
                    sum += p[i][c];
                }
                for (int c = 0; c < k; c++) {
                    p[i][c] /= sum;
                }
            }
            compare(sk, y, p, "5 classes, one never true, one never predicted");
        }
    }

    @Test
    void rocCurveIsScikitLearns() throws Exception {
        try (ScikitLearnOracle sk = SKLEARN.require()) {
            Random r = new Random(3);
            int n = 400;
            int[] y = new int[n];
            double[] s = new double[n];
            for (int i = 0; i < n; i++) {
                y[i] = r.nextInt(2);
                s[i] = Math.round((0.4 * y[i] + 0.6 * r.nextDouble()) * 40) / 40.0;
            }
            JsonNode want = sk.run("roc", sk.ints(y).toString(), sk.values(s).toString());
            ClassificationMetrics.Curve got = ClassificationMetrics.roc(y, s);
            assertArrayEquals(ScikitLearnOracle.doubleArray(want.get("fpr")), got.fpr(), 1e-15);
            assertArrayEquals(ScikitLearnOracle.doubleArray(want.get("tpr")), got.tpr(), 1e-15);
        }
    }

    private static void compare(ScikitLearnOracle sk, int[] y, double[][] p, String what) {
        JsonNode want = sk.run("metrics", sk.ints(y).toString(), sk.rows(p).toString());
        ClassificationMetrics got = ClassificationMetrics.of(y, p);
        assertEquals(want.get("log_loss").asDouble(), got.logLoss(), 1e-12, what + ": log loss");
        assertEquals(want.get("accuracy").asDouble(), got.accuracy(), 1e-15, what + ": accuracy");
        assertEquals(want.get("balanced_accuracy").asDouble(), got.balancedAccuracy(), 1e-12, what + ": balanced accuracy");
        assertEquals(want.get("macro_f1").asDouble(), got.macroF1(), 1e-12, what + ": macro F1");
        for (int t = 0; t < got.confusion().length; t++) {
            assertArrayEquals(ScikitLearnOracle.intArray(want.get("confusion").get(t)), got.confusion()[t], what + ": confusion row " + t);
        }
        if (p[0].length == 2) {
            assertEquals(want.get("roc_auc").asDouble(), got.rocAuc(), 1e-12, what + ": ROC AUC");
            assertEquals(want.get("average_precision").asDouble(), got.prAuc(), 1e-12, what + ": average precision");
        } else {
            assertNull(got.rocAuc());
        }
    }

    @Test
    void rankingMetricsOrderBestFirstAndAreParsedForTheTask() {
        ClassificationMetrics good = ClassificationMetrics.binary(new int[]{0, 1, 1, 0}, new double[]{0.1, 0.9, 0.8, 0.3});
        ClassificationMetrics bad = ClassificationMetrics.binary(new int[]{0, 1, 1, 0}, new double[]{0.6, 0.4, 0.7, 0.2});
        java.util.List<ClassificationMetrics> both = new java.util.ArrayList<>(java.util.List.of(bad, good));
        for (ClassificationMetric m : ClassificationMetric.values()) {
            both.sort(m.bestFirst());
            assertEquals(good, both.getFirst(), m.id());
        }
        assertEquals(ClassificationMetric.LOG_LOSS, ClassificationMetric.parse("metric", null, Task.BINARY));
        assertEquals(ClassificationMetric.ROC_AUC, ClassificationMetric.parse("metric", "ROC-AUC", Task.BINARY));
        ClassificationMetrics multi = ClassificationMetrics.of(new int[]{0, 2}, new double[][]{{.5, .2, .3}, {.1, .1, .8}});
        assertEquals(Double.NaN, ClassificationMetric.PR_AUC.of(multi));
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> ClassificationMetric.parse("metric", "pr_auc", Task.MULTICLASS));
        assertEquals("metric=\"pr_auc\": is defined for binary tasks only; this task is multiclass", e.getMessage());
        assertThrows(InvalidInputException.class, () -> ClassificationMetric.parse("metric", "mse", Task.BINARY));
    }
}
