package dev.canopy.model;

import dev.canopy.model.files.ModelFiles;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Converted models against reference evaluators that follow XGBoost's and LightGBM's own rules, on values at
 * every edge (gaps, zeros of both signs, values below LightGBM's zero threshold, doubles that round to a
 * split's float, infinities), through both of the scorer's paths and a .trees round trip. A wrong route moves
 * a prediction by a leaf (about 0.1); XGBoost's float32 sums differ from Canopy's double ones by far less.
 */
class ConvertedModelsTest {
    static final List<String> F = List.of("f0", "f1", "f2", "f3", "f4");

    @Test
    void xgboostModelsOfBothFormatVersionsScoreAsXgboostDoes() {
        for (boolean v3 : new boolean[]{false, true}) {
            for (String objective : new String[]{"reg:squarederror", "binary:logistic"}) {
                SyntheticModels.Xgb m = SyntheticModels.xgboost(40, 5, F.size(), v3 ? 3 : 1, objective);
                ConvertedModel c = ModelFiles.convert(m.json(v3).getBytes(StandardCharsets.UTF_8), List.of());
                assertEquals("xgboost-json " + (v3 ? "3.4.0" : "1.7.4"), c.format());
                assertEquals(F, c.columns());
                check(c, m::predict, 2e-6, objective + (v3 ? " 3.x" : " 1.7"));
            }
        }
    }

    @Test
    void lightgbmModelsScoreAsLightgbmDoesWithEveryMissingType() {
        for (String objective : new String[]{"regression", "binary sigmoid:0.7"}) {
            SyntheticModels.Lgb m = SyntheticModels.lightgbm(40, 15, F.size(), 11, objective);
            ConvertedModel c = ModelFiles.convert(m.text().getBytes(StandardCharsets.UTF_8), List.of());
            assertEquals("lightgbm-text v4", c.format());
            check(c, m::predict, 1e-12, objective);
        }
    }

    @Test
    void multiClassXgboostModelsOfBothFormatVersionsScoreTheSoftmaxXgboostDoes() {
        for (boolean v3 : new boolean[]{false, true}) {
            for (String objective : new String[]{"multi:softprob", "multi:softmax"}) {
                SyntheticModels.Xgb m = SyntheticModels.xgboost(3 * 15, 4, F.size(), 13, objective, 3);
                String json = m.json(v3);
                if (v3) {
                    assertTrue(json.contains("\"base_score\":\"[" + m.classBase()[0]), "3.x: one base score per class");
                }
                ConvertedModel c = ModelFiles.convert(json.getBytes(StandardCharsets.UTF_8), List.of());
                assertEquals("xgboost " + objective, c.algorithm());
                assertEquals(List.of("0", "1", "2"), c.classes().labels());
                assertEquals(ModelClasses.Kind.INTEGER, c.classes().kind());
                checkClasses(c, row -> m.probabilities(row, v3), 2e-6, objective + (v3 ? " 3.x" : " 1.7"));
            }
        }
    }

    @Test
    void multiclassLightgbmModelsScoreTheSoftmaxLightgbmDoes() {
        SyntheticModels.Lgb m = SyntheticModels.lightgbm(4 * 12, 15, F.size(), 17, "multiclass num_class:4", 4);
        ConvertedModel c = ModelFiles.convert(m.text().getBytes(StandardCharsets.UTF_8), List.of());
        assertEquals(List.of("0", "1", "2", "3"), c.classes().labels());
        checkClasses(c, m::probabilities, 1e-12, "multiclass");
    }

    @Test
    void binaryModelsAreClassifiersOfZeroAndOneAndRegressionsAreNot() {
        SyntheticModels.Xgb b = SyntheticModels.xgboost(10, 3, F.size(), 3, "binary:logistic");
        ConvertedModel c = ModelFiles.convert(b.json(true).getBytes(StandardCharsets.UTF_8), List.of());
        assertEquals(List.of("0", "1"), c.classes().labels());
        double[][] rows = SyntheticModels.rows(50, F.size(), 8);
        double[][] p = new double[2][50];
        c.probabilities(columns(rows), 50, p);
        for (int i = 0; i < 50; i++) {
            assertEquals(b.predict(rows[i]), p[1][i], 2e-6, "the second class's probability is the prediction");
            assertEquals(1 - p[1][i], p[0][i], 0.0);
        }
        for (String objective : new String[]{"reg:logistic", "reg:squarederror"}) {
            ConvertedModel r = ModelFiles.convert(SyntheticModels.xgboost(5, 3, F.size(), 3, objective).json(false)
                    .getBytes(StandardCharsets.UTF_8), List.of());
            assertEquals(null, r.classes(), objective + " is a regression");
        }
        assertEquals(null, ModelFiles.convert(SyntheticModels.lightgbm(5, 4, F.size(), 3, "regression").text()
                .getBytes(StandardCharsets.UTF_8), List.of()).classes());
        assertEquals(List.of("0", "1"), ModelFiles.convert(SyntheticModels.lightgbm(5, 4, F.size(), 3, "binary sigmoid:1")
                .text().getBytes(StandardCharsets.UTF_8), List.of()).classes().labels());
    }

    static double[][] columns(double[][] rows) {
        double[][] columns = new double[rows[0].length][rows.length];
        for (int i = 0; i < rows.length; i++) {
            for (int f = 0; f < rows[0].length; f++) {
                columns[f][i] = rows[i][f];
            }
        }
        return columns;
    }

    /**
     * A classifier's probabilities: within {@code tolerance} of the reference, the same bit for bit one row at a
     * time and after a .trees round trip, summing to 1; its score is the most probable class.
     */
    private static void checkClasses(ConvertedModel c, java.util.function.Function<double[], double[]> reference,
                                     double tolerance, String what) {
        int n = 5000;
        int k = c.classes().size();
        double[][] rows = SyntheticModels.rows(n, F.size(), 5);
        double[][] p = new double[k][n];
        c.probabilities(columns(rows), n, p);
        double[] codes = new double[n];
        c.score(columns(rows), n, codes);
        double[][] again = new double[k][n];
        TreeEnsemble back = TreeCodec.read("mem://x.trees", TreeCodec.write(c.ensemble()));
        assertEquals(c.ensemble().classLayout(), back.classLayout());
        back.probabilities(columns(rows), n, again);
        double worst = 0;
        int[] won = new int[k];
        double[] one = new double[k];
        for (int i = 0; i < n; i++) {
            double[] want = reference.apply(rows[i]);
            c.ensemble().probabilities(rows[i], one);
            double total = 0;
            for (int cl = 0; cl < k; cl++) {
                worst = Math.max(worst, Math.abs(want[cl] - p[cl][i]));
                assertEquals(p[cl][i], one[cl], 0.0, what + ": one row at a time, row " + i);
                assertEquals(p[cl][i], again[cl][i], 0.0, what + ": after a .trees round trip, row " + i);
                total += p[cl][i];
            }
            assertEquals(1.0, total, 1e-12, what + ": row " + i + "'s probabilities sum to 1");
            int best = ModelClasses.argmax(p, i);
            assertEquals(best, codes[i], 0.0, what + ": the score is the most probable class");
            won[best]++;
        }
        assertTrue(worst <= tolerance, what + ": the largest difference from the library's rule is " + worst);
        for (int cl = 0; cl < k; cl++) {
            assertTrue(won[cl] > n / (10 * k), what + ": class " + cl + " is predicted for " + won[cl] + " rows");
        }
        assertThrows(IllegalStateException.class, () -> c.ensemble().predict(rows[0]), "no single prediction");
    }

    private static void check(ConvertedModel c, java.util.function.ToDoubleFunction<double[]> reference, double tolerance,
                              String what) {
        int n = 5000;
        double[][] rows = SyntheticModels.rows(n, F.size(), 5);
        double[][] columns = new double[F.size()][n];
        for (int i = 0; i < n; i++) {
            for (int f = 0; f < F.size(); f++) {
                columns[f][i] = rows[i][f];
            }
        }
        double[] out = new double[n];
        // score() may not change the caller's columns; keep a copy for the second pass
        double[][] copy = java.util.Arrays.stream(columns).map(double[]::clone).toArray(double[][]::new);
        c.score(columns, n, out);
        TreeEnsemble back = TreeCodec.read("mem://x.trees", TreeCodec.write(c.ensemble()));
        double[] again = new double[n];
        back.predict(copy, n, again);
        int nanRows = 0;
        for (int i = 0; i < n; i++) {
            double want = reference.applyAsDouble(rows[i]);
            final int row = i;
            assertEquals(want, out[i], tolerance, () -> what + ": row " + row + " " + java.util.Arrays.toString(rows[row]));
            assertEquals(out[i], c.ensemble().predict(rows[i]), 0.0, () -> what + ": one row at a time, row " + row);
            assertEquals(out[i], again[i], 0.0, () -> what + ": after a .trees round trip, row " + row);
            nanRows += java.util.Arrays.stream(rows[i]).anyMatch(Double::isNaN) ? 1 : 0;
        }
        assertTrue(nanRows > 300, "rows with gaps: " + nanRows);
    }
}
