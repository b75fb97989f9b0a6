package dev.canopy.interop;

import dev.canopy.cli.InProcessCli;
import dev.canopy.cli.InProcessCli.Run;
import dev.canopy.testing.PythonLibrary;
import dev.canopy.testing.SharedData;
import io.quarkus.test.junit.QuarkusTest;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import org.junit.jupiter.api.Test;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static dev.canopy.testing.DuckDb.exec;
import static dev.canopy.testing.DuckDb.one;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Models trained in this test run by the libraries themselves, on California housing with gaps in two
 * features, regression and binary, scored by {@code predict} through the pool with a kept id column: every
 * row's prediction equals the library's own {@code predict} within 1e-5; a binary model's {@code probability}
 * does, and its {@code prediction} is the class, 0 or 1, that probability makes the more probable.
 * <ul>
 *   <li>XGBoost 1.7 (Debian's python3-xgboost for /usr/bin/python3): the 1.x JSON format;</li>
 *   <li>XGBoost4J 3.4, in this JVM: the 3.x JSON format (base_score as a vector);</li>
 *   <li>LightGBM 4.7 (pip's lightgbm for python3): the v4 text format.</li>
 * </ul>
 * One model of each library is saved without feature names and scored with {@code --features}. Nothing is
 * checked in: the models are made under target/ each run.
 */
@QuarkusTest
class PythonModelsInteropTest {
    static final Path DIR = Path.of("target", "python-models").toAbsolutePath();
    static final Path SCRIPTS = Path.of("src", "test", "resources", "python").toAbsolutePath();
    static final List<String> FEATURES = List.of("MedInc", "HouseAge", "AveRooms", "AveBedrms", "Population", "AveOccup",
            "Latitude", "Longitude");
    static final String FEATURE_LIST = String.join(",", FEATURES);
    static final double TOLERANCE = 1e-5;

    /** The data set with an id column and gaps, as a CSV for the trainers and as three Parquet shards. */
    record Data(Path dir, Path csv, Path shards, int rows) {
    }

    private static Data data() throws Exception {
        Path housing = SharedData.require("data/california_housing.csv");
        Path dir = DIR.resolve("run-" + System.nanoTime());
        Files.createDirectories(dir);
        List<String> lines = Files.readAllLines(housing);
        assertEquals(String.join(",", FEATURES) + ",MedHouseVal", lines.getFirst());
        StringBuilder csv = new StringBuilder("id," + lines.getFirst() + "\n");
        int rows = lines.size() - 1;
        for (int i = 0; i < rows; i++) {
            String[] cells = lines.get(i + 1).split(",", -1);
            // gaps: HouseAge in every 11th row, AveRooms in every 17th
            if (i % 11 == 3) {
                cells[1] = "";
            }
            if (i % 17 == 5) {
                cells[2] = "";
            }
            csv.append(1_000_000L + 3L * i).append(',').append(String.join(",", cells)).append('\n');
        }
        Path train = dir.resolve("train.csv");
        Files.writeString(train, csv);
        Path shards = dir.resolve("shards");
        Files.createDirectories(shards);
        try (Connection duck = DriverManager.getConnection("jdbc:duckdb:")) {
            String input = "read_csv('" + train + "', header = true, nullstr = '', types = {'id': 'BIGINT'})";
            for (int s = 0; s < 3; s++) {
                exec(duck, "COPY (SELECT * EXCLUDE (MedHouseVal) FROM " + input + " WHERE ((id - 1000000) // 3) % 3 = " + s
                        + ") TO '" + shards.resolve("part-" + s + ".parquet") + "' (FORMAT parquet)");
            }
            assertTrue(Long.parseLong(one(duck, "SELECT count(*) FROM read_parquet('" + shards + "/*.parquet') WHERE "
                    + "HouseAge IS NULL")) > 1000, "the shards have gaps");
        }
        return new Data(dir, train, shards, rows);
    }

    @Test
    void xgboost17ModelsScoreAsXgboostDoes() throws Exception {
        Data d = data();
        PythonLibrary xgb = PythonLibrary.require("/usr/bin/python3", "xgboost", "apt-get install python3-xgboost");
        xgb.runScript(SCRIPTS.resolve("train_xgboost.py"), 600, d.csv().toString(), d.dir().toString());
        String version = Files.readString(d.dir().resolve("xgboost-version.txt")).strip();
        assertTrue(version.startsWith("1."), "Debian's XGBoost is 1.x: " + version);
        check(d, "xgb-reg", d.dir().resolve("xgb-reg.json"), null, "xgboost-json " + version);
        check(d, "xgb-bin", d.dir().resolve("xgb-bin.json"), FEATURE_LIST, "xgboost-json " + version);
    }

    @Test
    void lightgbmModelsScoreAsLightgbmDoes() throws Exception {
        Data d = data();
        PythonLibrary lgb = PythonLibrary.require("python3", "lightgbm", "python3 -m pip install lightgbm==4.7.0");
        lgb.runScript(SCRIPTS.resolve("train_lightgbm.py"), 600, d.csv().toString(), d.dir().toString());
        check(d, "lgb-reg", d.dir().resolve("lgb-reg.txt"), null, "lightgbm-text v4");
        check(d, "lgb-bin", d.dir().resolve("lgb-bin.txt"), FEATURE_LIST, "lightgbm-text v4");
    }

    @Test
    void xgboost4j3xModelsScoreAsXgboostDoes() throws Exception {
        Data d = data();
        List<String> lines = Files.readAllLines(d.csv());
        int rows = lines.size() - 1;
        int cols = FEATURES.size();
        float[] x = new float[rows * cols];
        float[] y = new float[rows];
        float[] above2 = new float[rows];
        long[] ids = new long[rows];
        for (int i = 0; i < rows; i++) {
            String[] cells = lines.get(i + 1).split(",", -1);
            ids[i] = Long.parseLong(cells[0]);
            for (int j = 0; j < cols; j++) {
                x[i * cols + j] = cells[j + 1].isEmpty() ? Float.NaN : (float) Double.parseDouble(cells[j + 1]);
            }
            y[i] = (float) Double.parseDouble(cells[cols + 1]);
            above2[i] = Double.parseDouble(cells[cols + 1]) > 2 ? 1 : 0;
        }
        Map<String, Object> params = new HashMap<>(Map.of("max_depth", 6, "eta", 0.1, "tree_method", "hist",
                "nthread", 1, "seed", 7));
        trainXgboost4j(d, "xgb4j-reg", "reg:squarederror", x, y, rows, cols, ids, params, true);
        trainXgboost4j(d, "xgb4j-bin", "binary:logistic", x, above2, rows, cols, ids, params, false);
        String model = Files.readString(d.dir().resolve("xgb4j-bin.json"));
        assertTrue(model.contains("\"version\":[3,4,"), "saved by XGBoost 3.4");
        assertTrue(model.matches("(?s).*\"base_score\":\"\\[[^\\]]+\\]\".*"), "3.x writes base_score as a vector");
        check(d, "xgb4j-reg", d.dir().resolve("xgb4j-reg.json"), null, "xgboost-json 3.4.0");
        check(d, "xgb4j-bin", d.dir().resolve("xgb4j-bin.json"), FEATURE_LIST, "xgboost-json 3.4.0");
    }

    private static void trainXgboost4j(Data d, String name, String objective, float[] x, float[] label, int rows,
                                       int cols, long[] ids, Map<String, Object> params, boolean named) throws Exception {
        DMatrix m = new DMatrix(x, rows, cols, Float.NaN);
        Booster booster = null;
        try {
            m.setLabel(label);
            if (named) {
                m.setFeatureNames(FEATURES.toArray(String[]::new));
            }
            Map<String, Object> p = new HashMap<>(params);
            p.put("objective", objective);
            booster = XGBoost.train(m, p, 60, Map.of(), null, null);
            try (OutputStream out = Files.newOutputStream(d.dir().resolve(name + ".json"))) {
                booster.saveModel(out, "json");
            }
            float[][] pred = booster.predict(m);
            StringBuilder csv = new StringBuilder("id,prediction\n");
            for (int i = 0; i < rows; i++) {
                csv.append(ids[i]).append(',').append((double) pred[i][0]).append('\n');
            }
            Files.writeString(d.dir().resolve(name + ".csv"), csv);
        } finally {
            if (booster != null) {
                booster.dispose();
            }
            m.dispose();
        }
    }

    /** Scores the shards through the pool and compares every id's prediction with the library's own. */
    private static void check(Data d, String name, Path model, String features,
                              String format) throws Exception {
        Path out = d.dir().resolve("predictions-" + name);
        List<String> args = new ArrayList<>(List.of("predict", "--model", model.toString(), "--shards", d.shards().toString(),
                "--out", out.toString(), "--keep-columns", "id", "--pool-size", "2"));
        if (features != null) {
            // saved without names: refused without --features, naming the option
            Run refused = InProcessCli.run(args.toArray(String[]::new));
            assertEquals(1, refused.exitCode(), refused.stdout());
            assertTrue(refused.stderr().contains("saved without feature names"), refused.stderr());
            assertFalse(Files.exists(out.resolve("part-0.parquet")), "refused before any shard is scored");
            args.addAll(List.of("--features", features));
        }
        Run r = InProcessCli.run(args.toArray(String[]::new));
        assertEquals(0, r.exitCode(), name + ": " + r.stderr());
        try (Connection duck = DriverManager.getConnection("jdbc:duckdb:")) {
            String expected = "read_csv('" + d.dir().resolve(name + ".csv") + "', header = true, "
                    + "types = {'id': 'BIGINT', 'prediction': 'DOUBLE'})";
            String predicted = "read_parquet('" + out + "/*.parquet')";
            boolean binary = name.endsWith("-bin");
            // a binary classifier's prediction is its class; the library's predict is the probability column
            String joined = "SELECT e.id, e.prediction AS want, p." + (binary ? "probability" : "prediction") + " AS got"
                    + (binary ? ", p.prediction AS label" : "") + " FROM " + expected + " e LEFT JOIN " + predicted + " p USING (id)";
            assertEquals(d.rows(), Long.parseLong(one(duck, "SELECT count(*) FROM " + predicted)), name + ": one row per input row");
            assertEquals(d.rows(), Long.parseLong(one(duck, "SELECT count(DISTINCT id) FROM " + predicted)));
            assertEquals("0", one(duck, "SELECT count(*) FROM (" + joined + ") WHERE got IS NULL"), name + ": every id scored");
            double worst = Double.parseDouble(one(duck, "SELECT max(abs(got - want)) FROM (" + joined + ")"));
            assertTrue(worst <= TOLERANCE, name + ": the largest difference from the library's own predictions is " + worst);
            // the gaps were scored (by each split's default direction), not dropped
            String gapRows = one(duck, "SELECT count(*) FROM (" + joined + ") j JOIN read_parquet('" + d.shards()
                    + "/*.parquet') s USING (id) WHERE s.HouseAge IS NULL AND j.got IS NOT NULL");
            assertTrue(Long.parseLong(gapRows) > 1000, name + ": rows with gaps are scored: " + gapRows);
            if (binary) {
                assertEquals("true", one(duck, "SELECT min(got) > 0 AND max(got) < 1 FROM (" + joined + ")"), "probabilities");
                assertEquals("0", one(duck, "SELECT count(*) FROM (" + joined + ") WHERE label <> CASE WHEN got > 0.5 THEN 1 "
                        + "ELSE 0 END"), name + ": the prediction is the more probable class");
                assertEquals("BIGINT", one(duck, "SELECT column_type FROM (DESCRIBE SELECT * FROM " + predicted
                        + ") WHERE column_name = 'prediction'"), name + ": the classes of a Python model are integers");
            }
            String lineage = "SELECT string_agg(DISTINCT decode(value), ',') FROM parquet_kv_metadata('" + out
                    + "/*.parquet') WHERE decode(key) = '%s'";
            assertEquals(format, one(duck, lineage.formatted("canopy.model_format")));
        }
    }
}
