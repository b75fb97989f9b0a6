package dev.canopy.training;

import com.fasterxml.jackson.databind.JsonNode;
import dev.canopy.json.Json;
import dev.canopy.storage.local.LocalObjectStore;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * gradient_boosting against XGBoost's own Python on any data set, the same split, float32 rows and parameters:
 * what {@link XgboostPythonParityTest} checks on California housing, as a bench for data sets too large for a
 * test (issue 21's goal: at most 1 % above XGBoost's MSE on 1 M rows). Prints one line of figures.
 *
 * <pre>{@code
 * java -jar target/canopy-runner.jar generate regression --rows 1000000 --parts 12 --out /tmp/reg-1m
 * ./mvnw -B -q test-compile exec:java -Dexec.classpathScope=test -Dexec.mainClass=dev.canopy.training.XgboostParityBench \
 *     -Dexec.args="--data /tmp/reg-1m --target tip_amount --seed 42"
 * }</pre>
 */
public final class XgboostParityBench {
    private XgboostParityBench() {
    }

    public static void main(String[] args) throws Exception {
        String data = arg(args, "--data", null);
        String target = arg(args, "--target", "tip_amount");
        long seed = Long.parseLong(arg(args, "--seed", "42"));
        if (data == null) {
            throw new IllegalArgumentException("--data <folder or file> is required");
        }
        XgboostPythonParityTest.requirePythonXgboost();
        Path dir = Files.createTempDirectory("canopy-xgb-parity");
        TrainService service = new TrainService(new LocalObjectStore(), Clock.systemUTC(), dir.toString());
        Map<String, Number> params = TrainingParams.resolve(Algorithm.GRADIENT_BOOSTING, null);
        TrainService.Prepared p = service.prepare(new TrainRequest("parity", data, null, target, null,
                "gradient_boosting", 0.2, seed, null, null, null, null, null, null, null, null, null, "auto", null, null,
                null, null), Algorithm.GRADIENT_BOOSTING, params, Long.MAX_VALUE);
        XgboostTrainer.Input train = XgboostTrainer.Input.of(p.train());
        long t0 = System.nanoTime();
        XgboostTrainer.Fitted f = XgboostTrainer.fit(params, train, p.summary().features(), seed, (d, t) -> { });
        double canopySeconds = (System.nanoTime() - t0) / 1e9;
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
        // scored as the Python side scores: XGBoost's predict, float32 labels
        float[] predicted = XgboostTrainer.predict(f.json(), testRows, n, cols);
        double canopy = 0;
        for (int i = 0; i < n; i++) {
            canopy += Math.pow(predicted[i] - testY[i], 2) / n;
        }
        Path trainCsv = XgboostPythonParityTest.csv(dir.resolve("train.csv"), train.rows(), train.labels(), train.nrow(), train.ncol());
        Path testCsv = XgboostPythonParityTest.csv(dir.resolve("test.csv"), testRows, testY, n, cols);
        String pyParams = Json.writeString(Map.of("n_estimators", params.get("n_estimators"),
                "max_depth", params.get("max_depth"), "learning_rate", params.get("learning_rate"),
                "random_state", seed, "n_jobs", f.threads()));
        JsonNode py = Json.MAPPER.readTree(XgboostPythonParityTest.run(dir, List.of(XgboostPythonParityTest.PYTHON,
                XgboostPythonParityTest.script(dir).toString(), trainCsv.toString(), testCsv.toString(), pyParams)));
        double python = py.get("mse").asDouble();
        System.out.printf(Locale.ROOT, "[xgboost parity] %s, seed %d, %,d train / %,d test rows, %d threads: Canopy (XGBoost4J %s) "
                        + "MSE %.5f in %.2f s; Python XGBoost %s MSE %.5f in %.2f s; Canopy/Python %.4f%n", data, seed,
                train.nrow(), n, f.threads(), XgboostTrainer.VERSION, canopy, canopySeconds, py.get("xgboost").asText(),
                python, py.get("seconds").asDouble(), canopy / python);
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(x -> x.toFile().delete());
        }
    }

    private static String arg(String[] args, String name, String fallback) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        return fallback;
    }
}
