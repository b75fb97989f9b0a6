package dev.canopy.model;

import dev.canopy.model.files.ModelFiles;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
