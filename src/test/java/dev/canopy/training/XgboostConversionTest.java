package dev.canopy.training;

import dev.canopy.json.Json;
import dev.canopy.model.TreeEnsemble;
import dev.canopy.model.xgboost.XgboostJsonModel;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * XGBoost's JSON model converted to the predictor's {@code .trees}: the {@code .trees} score every row as XGBoost4J's
 * own {@code predict} does, to within 1e-6. Here on rows with gaps; {@link CaliforniaGradientBoostingTest} checks
 * the two forms a trainer saves on the California test split.
 */
class XgboostConversionTest {

    /** Rows with gaps, where each split's default direction decides. */
    @Test
    void gapsFollowEachSplitsDefaultDirection() {
        XgboostTrainer.Input train = XgboostTrainerTest.data(3000, 1);
        XgboostTrainer.Input test = XgboostTrainerTest.data(1000, 2);
        XgboostTrainer.Fitted f = XgboostTrainer.fit(TrainingParams.resolve(Algorithm.GRADIENT_BOOSTING,
                Map.of("n_estimators", 60)), train, 3, (d, t) -> { });
        TreeEnsemble trees = XgboostJsonModel.parse(f.json()).ensemble();
        double[][] columns = new double[test.ncol()][test.nrow()];
        int gaps = 0;
        for (int i = 0; i < test.nrow(); i++) {
            for (int j = 0; j < test.ncol(); j++) {
                columns[j][i] = test.rows()[i * test.ncol() + j];
                gaps += Double.isNaN(columns[j][i]) ? 1 : 0;
            }
        }
        assertTrue(gaps > 50, gaps + " gaps");
        assertMatches(f.json(), trees, columns, test.nrow());
    }

    /**
     * XGBoost4J reads the rows as float32, as it trained on them; the predictor reads the same values. Two
     * checks: (1) XGBoost4J's own routing ({@code predictLeaf}: the leaf each tree sends each row to), its leaf
     * values summed in double with the base score, equals the {@code .trees} prediction within 1e-6; that is
     * XGBoost4J's predict with its float32 running sum taken out; (2) {@code predict} itself agrees to within
     * that float32 sum's rounding: at most half a unit in the last place per tree added (measured: about 17 ulps
     * for 150 trees, against a bound of 75).
     */
    static void assertMatches(byte[] json, TreeEnsemble trees, double[][] columns, int n) {
        int p = columns.length;
        float[] rows = new float[n * p];
        double[][] asFloat = new double[p][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < p; j++) {
                rows[i * p + j] = (float) columns[j][i];
                asFloat[j][i] = (float) columns[j][i];
            }
        }
        double[] actual = new double[n];
        trees.predict(asFloat, n, actual);

        double[] routed = xgboostLeafSums(json, rows, n, p);
        float[] predicted = XgboostTrainer.predict(json, rows, n, p);
        double worstRouted = 0;
        double worstUlps = 0;
        for (int i = 0; i < n; i++) {
            worstRouted = Math.max(worstRouted, Math.abs(actual[i] - routed[i]));
            worstUlps = Math.max(worstUlps, Math.abs(actual[i] - predicted[i]) / Math.ulp(predicted[i]));
        }
        assertTrue(worstRouted <= 1e-6, "largest difference from XGBoost4J's leaves summed: " + worstRouted);
        assertTrue(worstUlps <= 0.5 * trees.trees(), "largest difference from XGBoost4J's predict: " + worstUlps
                + " float ulps, over half an ulp per tree");
        System.out.printf("[xgboost conversion] %d rows: within %.2g of XGBoost4J's leaves summed, %.1f float ulps of its predict%n",
                n, worstRouted, worstUlps);
    }

    /** Per row: base score + the leaf values of the leaves XGBoost4J's predictLeaf names, summed in double. */
    static double[] xgboostLeafSums(byte[] json, float[] rows, int n, int p) {
        try {
            com.fasterxml.jackson.databind.JsonNode model = Json.MAPPER.readTree(json);
            com.fasterxml.jackson.databind.JsonNode list = model.at("/learner/gradient_booster/model/trees");
            double base = Double.parseDouble(model.at("/learner/learner_model_param/base_score").asText()
                    .replace("[", "").replace("]", ""));
            ml.dmlc.xgboost4j.java.Booster booster = ml.dmlc.xgboost4j.java.XGBoost.loadModel(json);
            ml.dmlc.xgboost4j.java.DMatrix m = new ml.dmlc.xgboost4j.java.DMatrix(rows, n, p, Float.NaN);
            float[][] leaves = booster.predictLeaf(m, 0);
            m.dispose();
            booster.dispose();
            double[] out = new double[n];
            for (int i = 0; i < n; i++) {
                double sum = base;
                for (int t = 0; t < list.size(); t++) {
                    sum += list.get(t).get("split_conditions").get((int) leaves[i][t]).floatValue();
                }
                out[i] = sum;
            }
            return out;
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
