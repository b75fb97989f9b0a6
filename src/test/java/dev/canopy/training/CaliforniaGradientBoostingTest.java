package dev.canopy.training;

import com.fasterxml.jackson.databind.JsonNode;
import dev.canopy.json.Json;
import dev.canopy.model.TreeCodec;
import dev.canopy.model.TreeEnsemble;
import dev.canopy.storage.local.LocalObjectStore;
import dev.canopy.testing.PythonLibrary;
import dev.canopy.testing.SharedData;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Canopy's gradient_boosting (XGBoost with the tutorial's parameters) on the real California housing data, as a
 * trainer runs it ({@link TrainService}), on two splits: 4, the split of the seed's reference results
 * ({@code train_test_split(test_size=0.2, random_state=4)}), and 42, the tutorial's.
 * <ul>
 *   <li>seed 4: test MSE at most the seed's, as {@link CaliforniaHousingAccuracyTest} checks the other
 *       algorithms;</li>
 *   <li>both: test MSE at most 1 % above XGBoost's own Python ({@code XGBRegressor}'s parameters,
 *       {@code tree_method=hist}) on the same split and float32 rows;</li>
 *   <li>seed 42: the model the trainer saves twice, as XGBoost's JSON and as the predictor's {@code .trees}: the
 *       {@code .trees} score every test row as XGBoost4J's own {@code predict} does
 *       ({@link XgboostConversionTest#assertMatches}).</li>
 * </ul>
 * A fit takes seconds of CPU, so each split is fitted once for the class, and XGBoost's Python fits both in one
 * run. Python is /usr/bin/python3 with xgboost (Debian's python3-xgboost; .ci/run installs it): missing, the
 * parity tests fail under CI=true and are skipped elsewhere. The data set is never in the repository:
 * {@link SharedData} fails the tests in CI and skips them elsewhere when it is absent.
 */
// the longest plain classes: started first, so that neither ends the plain tests alone (pom.xml, test.plain.threads)
@Order(1)
class CaliforniaGradientBoostingTest {
    static final String PYTHON = "/usr/bin/python3";
    static final String INSTALL = "apt-get install python3-xgboost";
    static final long[] SEEDS = {4, 42};

    @TempDir
    static Path dir;
    private static final LocalObjectStore STORE = new LocalObjectStore();
    private static final Map<Long, Trained> TRAINED = new HashMap<>();
    private static Map<Long, JsonNode> pythonAnswers;

    /** A trainer's run on one split, and the rows it split the data into. */
    record Trained(TrainRequest request, TrainResult result, DataPreparation.Prepared data, byte[] xgboostJson) {
    }

    /** The trainer's run on {@code seed}'s split, made once for the class. */
    static synchronized Trained trained(long seed) {
        return TRAINED.computeIfAbsent(seed, s -> {
            Path data = SharedData.require("data/california_housing.csv");
            String out = dir.resolve("out").toString();
            TrainRequest req = new TrainRequest("california-" + s, data.toString(), null, null, null, "gradient_boosting",
                    0.2, s, null, null, null, null);
            TrainResult r = new TrainService(STORE, Clock.systemUTC(), out).train(req);
            assertEquals(TrainerState.DONE, r.state(), r.error());
            DataPreparation.Prepared p = new DataPreparation(STORE).prepare(req, Algorithm.GRADIENT_BOOSTING,
                    TrainingParams.resolve(Algorithm.GRADIENT_BOOSTING, null), Long.MAX_VALUE);
            return new Trained(req, r, p, STORE.read(ModelArtifacts.xgboostModel(out, req.runId(), "gradient_boosting")));
        });
    }

    @Test
    void onTheSeedsSplitTheTestMseIsAtMostTheSeeds() {
        TrainResult r = trained(4).result();
        assertEquals(16512, r.dataset().trainRows());
        assertEquals(4128, r.dataset().testRows());
        // the seed's bar for gradient_boosting is 1 % above XGBoost's own Python on this split (1.7.4, hist: 0.2117;
        // the seed's 0.2116 was XGBoost's too)
        assertTrue(r.mse() <= 0.2138, "gradient_boosting test MSE " + r.mse() + " > 0.2138");
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {4, 42})
    void mseWithinOnePercentOfXgboostsPython(long seed) throws Exception {
        Trained t = trained(seed);
        Split s = Split.of(t.data());
        double canopy = s.mse(XgboostTrainer.predict(t.xgboostJson(), s.testRows(), s.testN(), s.cols()));
        JsonNode py = pythonMse().get(seed);
        Parity r = new Parity(s.trainN(), s.testN(), threads(), canopy, t.result().trainMillis() / 1e3,
                py.get("xgboost").asText(), py.get("mse").asDouble(), py.get("seconds").asDouble());
        System.out.printf(Locale.ROOT, "[xgboost parity] California housing, seed %d, %s%n", seed, r);
        assertTrue(r.canopy() <= r.python() * 1.01, "Canopy's MSE " + r.canopy() + " is more than 1 % above XGBoost Python's "
                + r.python());
    }

    @Test
    void treesScoreTheTestSplitAsXgboost4jPredicts() {
        Trained t = trained(42);
        TreeEnsemble trees = TreeCodec.read(t.result().modelUri(), STORE.read(t.result().modelUri()));
        assertEquals(150, trees.trees());
        int n = t.data().testY().length;
        XgboostConversionTest.assertMatches(t.xgboostJson(), trees, t.data().testColumns(), n);
        System.out.printf("[xgboost conversion] California housing: %d test rows, %d trees, %d nodes, MSE %.4f%n",
                n, trees.trees(), trees.nodes(), t.result().mse());
    }

    /**
     * The threads the trainer boosted with, for Python's {@code n_jobs}: nthread 0 is every CPU, the trainer
     * running alone.
     */
    static int threads() {
        return Runtime.getRuntime().availableProcessors();
    }

    /** XGBoost's Python on every split of {@link #SEEDS}, in one run: its answer per seed. */
    static synchronized Map<Long, JsonNode> pythonMse() throws IOException {
        if (pythonAnswers == null) {
            List<Split> splits = new ArrayList<>();
            for (long seed : SEEDS) {
                splits.add(Split.of(trained(seed).data()));
            }
            List<JsonNode> answers = python(splits, SEEDS, threads(), dir.resolve("python"));
            pythonAnswers = new HashMap<>();
            for (int i = 0; i < SEEDS.length; i++) {
                pythonAnswers.put(SEEDS[i], answers.get(i));
            }
        }
        return pythonAnswers;
    }

    /** Canopy's and XGBoost Python's test MSE on the same rows, parameters and threads, and their fit times. */
    record Parity(int trainRows, int testRows, int threads, double canopy, double canopySeconds, String pythonVersion,
                  double python, double pythonSeconds) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%,d train / %,d test rows, %d threads: Canopy (XGBoost4J %s) MSE %.5f in "
                            + "%.2f s; Python XGBoost %s MSE %.5f in %.2f s; Canopy/Python %.4f", trainRows, testRows, threads,
                    XgboostTrainer.VERSION, canopy, canopySeconds, pythonVersion, python, pythonSeconds, canopy / python);
        }
    }

    /** A split's rows as XGBoost reads them, float32 and row-major, for both sides. */
    record Split(XgboostTrainer.Input train, float[] testRows, float[] testY, int testN, int cols) {
        static Split of(DataPreparation.Prepared p) {
            int n = p.testY().length;
            int cols = p.testColumns().length;
            float[] testRows = new float[n * cols];
            float[] testY = new float[n];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < cols; j++) {
                    testRows[i * cols + j] = (float) p.testColumns()[j][i];
                }
                testY[i] = (float) p.testY()[i];
            }
            return new Split(XgboostTrainer.Input.of(p.train()), testRows, testY, n, cols);
        }

        int trainN() {
            return train.nrow();
        }

        /** The MSE of {@code predicted} against the float32 labels, as the Python side computes it. */
        double mse(float[] predicted) {
            double mse = 0;
            for (int i = 0; i < testN; i++) {
                mse += Math.pow(predicted[i] - testY[i], 2) / testN;
            }
            return mse;
        }
    }

    /**
     * Fits gradient_boosting with its defaults on {@code p}'s training rows, scores the test rows with XGBoost's
     * own predict (float32 labels, as the Python side), and runs XGBoost's Python on the same rows in {@code dir}
     * (for {@link XgboostParityBench}).
     */
    static Parity compare(DataPreparation.Prepared p, long seed, Path dir) throws Exception {
        Split s = Split.of(p);
        long t0 = System.nanoTime();
        XgboostTrainer.Fitted f = XgboostTrainer.fit(TrainingParams.resolve(Algorithm.GRADIENT_BOOSTING, null), s.train(),
                seed, (d, t) -> { });
        double canopySeconds = (System.nanoTime() - t0) / 1e9;
        double canopy = s.mse(XgboostTrainer.predict(f.json(), s.testRows(), s.testN(), s.cols()));
        JsonNode py = python(List.of(s), new long[]{seed}, f.threads(), dir).getFirst();
        return new Parity(s.trainN(), s.testN(), f.threads(), canopy, canopySeconds, py.get("xgboost").asText(),
                py.get("mse").asDouble(), py.get("seconds").asDouble());
    }

    /** XGBoost's Python fitted on each split's training rows with gradient_boosting's defaults: its answer per split. */
    static List<JsonNode> python(List<Split> splits, long[] seeds, int threads, Path dir) throws IOException {
        Files.createDirectories(dir);
        Map<String, Number> params = TrainingParams.resolve(Algorithm.GRADIENT_BOOSTING, null);
        List<String> args = new ArrayList<>();
        for (int i = 0; i < splits.size(); i++) {
            Split s = splits.get(i);
            args.add(csv(dir.resolve("train-" + i + ".csv"), s.train().rows(), s.train().labels(), s.trainN(), s.cols()).toString());
            args.add(csv(dir.resolve("test-" + i + ".csv"), s.testRows(), s.testY(), s.testN(), s.cols()).toString());
            args.add(Json.writeString(Map.of("n_estimators", params.get("n_estimators"),
                    "max_depth", params.get("max_depth"), "learning_rate", params.get("learning_rate"),
                    "random_state", seeds[i], "n_jobs", threads)));
        }
        // the script's import of xgboost is the check: missing, the test is skipped (failed under CI=true)
        String out = PythonLibrary.unchecked(PYTHON, INSTALL).runScript(script(dir), 600, args.toArray(String[]::new));
        List<JsonNode> answers = new ArrayList<>();
        for (String line : out.lines().filter(l -> l.startsWith("{\"mse\"")).toList()) {
            answers.add(Json.MAPPER.readTree(line));
        }
        assertEquals(splits.size(), answers.size(), "one answer per split:\n" + out);
        return answers;
    }

    static Path csv(Path file, float[] rows, float[] labels, int nrow, int ncol) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < nrow; i++) {
            for (int j = 0; j < ncol; j++) {
                // Float.toString round-trips a float exactly
                sb.append(Float.toString(rows[i * ncol + j])).append(',');
            }
            sb.append(Float.toString(labels[i])).append('\n');
        }
        return Files.writeString(file, sb);
    }

    static Path script(Path dir) throws IOException {
        try (var in = CaliforniaGradientBoostingTest.class.getResourceAsStream("/interop/xgb_regressor.py")) {
            return Files.write(dir.resolve("xgb_regressor.py"), in.readAllBytes());
        }
    }
}
