package dev.canopy.training;

import com.fasterxml.jackson.databind.JsonNode;
import dev.canopy.json.Json;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class XgboostTrainerTest {

    /** y = 3 x0 - 2 x1 + x0 * x2 + noise, with a tenth of x1 missing. */
    static XgboostTrainer.Input data(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int p = 4;
        float[] x = new float[n * p];
        float[] y = new float[n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < p; j++) {
                x[i * p + j] = (float) r.nextDouble(-1, 1);
            }
            double x1 = x[i * p + 1];
            if (r.nextInt(10) == 0) {
                x[i * p + 1] = Float.NaN;
            }
            y[i] = (float) (3 * x[i * p] - 2 * x1 + x[i * p] * x[i * p + 2] + 0.1 * r.nextGaussian());
        }
        return new XgboostTrainer.Input(x, n, p, y);
    }

    @Test
    void fitsTheDefaultsAndSavesXgboostsOwnJson() throws Exception {
        XgboostTrainer.Input train = data(3000, 1);
        XgboostTrainer.Input test = data(1000, 2);
        Map<String, Number> params = TrainingParams.resolve(Algorithm.GRADIENT_BOOSTING, Map.of("n_estimators", 40));
        List<int[]> progress = new ArrayList<>();
        XgboostTrainer.Fitted f = XgboostTrainer.fit(params, train, 7,
                (done, total) -> progress.add(new int[]{done, total}));

        assertEquals(40, f.rounds());
        assertEquals(41, progress.size());
        assertEquals(40, progress.getLast()[0]);
        JsonNode model = Json.MAPPER.readTree(f.json());
        JsonNode trees = model.at("/learner/gradient_booster/model/trees");
        assertEquals(40, trees.size(), "one tree per round in XGBoost's JSON model");
        assertEquals("4", model.at("/learner/learner_model_param/num_feature").asText());

        float[] predicted = XgboostTrainer.predict(f.json(), test.rows(), test.nrow(), test.ncol());
        double mse = 0;
        double var = 0;
        double mean = 0;
        for (float v : test.labels()) {
            mean += v / test.nrow();
        }
        for (int i = 0; i < test.nrow(); i++) {
            mse += Math.pow(predicted[i] - test.labels()[i], 2) / test.nrow();
            var += Math.pow(test.labels()[i] - mean, 2) / test.nrow();
        }
        assertTrue(mse < 0.05 * var, "test MSE " + mse + " against a variance of " + var);
        // the feature that carries no signal gains least
        assertTrue(f.importance()[3] < f.importance()[0] && f.importance()[3] < f.importance()[1],
                java.util.Arrays.toString(f.importance()));
    }

    /** The gains read from the JSON are XGBoost's own total_gain, which XGBoost4J computes from a text dump. */
    @Test
    void theImportanceIsXgboostsOwnTotalGain() throws Exception {
        Map<String, Number> params = TrainingParams.resolve(Algorithm.GRADIENT_BOOSTING, Map.of("n_estimators", 25));
        XgboostTrainer.Fitted f = XgboostTrainer.fit(params, data(3000, 3), 11, (d, t) -> { });
        ml.dmlc.xgboost4j.java.Booster booster = ml.dmlc.xgboost4j.java.XGBoost.loadModel(f.json());
        try {
            Map<String, Double> own = booster.getScore(new String[]{"f0", "f1", "f2", "f3"}, "total_gain");
            for (int j = 0; j < 4; j++) {
                double expected = own.getOrDefault("f" + j, 0.0);
                assertEquals(expected, f.importance()[j], 1e-5 * Math.max(1, expected), "feature " + j);
            }
            assertTrue(f.importance()[0] > 0, java.util.Arrays.toString(f.importance()));
        } finally {
            booster.dispose();
        }
    }

    @Test
    void sameSeedSameModel() {
        XgboostTrainer.Input train = data(2000, 3);
        Map<String, Number> params = TrainingParams.resolve(Algorithm.GRADIENT_BOOSTING,
                Map.of("n_estimators", 10, "subsample", 0.7));
        byte[] a = XgboostTrainer.fit(params, train, 5, (d, t) -> { }).json();
        byte[] b = XgboostTrainer.fit(params, train, 5, (d, t) -> { }).json();
        assertEquals(new String(a), new String(b));
    }

    @Test
    void passesXgboostsNamesThroughAndUsesTheInstancesCpus() {
        Map<String, Number> params = TrainingParams.resolve(Algorithm.GRADIENT_BOOSTING,
                new HashMap<>(Map.of("eta", 0.3, "lambda", 2, "min_leaf_size", 5)));
        Map<String, Object> booster = XgboostTrainer.booster(params, XgboostTrainer.threads(params), 9);
        assertEquals("hist", booster.get("tree_method"));
        assertEquals(0.3, booster.get("eta"));
        assertEquals(2.0, booster.get("lambda"));
        assertEquals(5.0, booster.get("min_child_weight"));
        assertEquals(10, booster.get("max_depth"));
        assertEquals(Runtime.getRuntime().availableProcessors(), booster.get("nthread"));
        assertEquals(9L, booster.get("seed"));
    }
}
