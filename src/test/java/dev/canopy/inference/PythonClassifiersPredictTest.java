package dev.canopy.inference;

import dev.canopy.error.InvalidInputException;
import dev.canopy.storage.local.LocalObjectStore;
import dev.canopy.testing.PythonLibrary;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.canopy.testing.DuckDb.exec;
import static dev.canopy.testing.DuckDb.one;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Classifiers trained in this run by the libraries themselves on scikit-learn's wine data (178 rows, 3 classes,
 * gaps in two features), each scoring one Parquet shard through {@link PredictService} with a kept id column
 * and a CSV copy: the file holds {@code id, prediction, p_0, p_1, p_2} ({@code id, prediction, probability} for
 * binary), {@code prediction} a BIGINT (the classes of a Python model are 0..k-1); every probability equals the
 * library's own {@code predict_proba} within 1e-6, the prediction is its most probable class, and the CSV copy
 * holds the same values.
 * <ul>
 *   <li>XGBoost 1.7 (Debian's, /usr/bin/python3, with scikit-learn): {@code XGBClassifier} multi:softprob and
 *       binary:logistic, and a {@code multi:softmax} booster;</li>
 *   <li>LightGBM 4.7 (pip's, python3): {@code multiclass};</li>
 *   <li>XGBoost4J 3.4, in this JVM, on the same rows: {@code multi:softprob} in the 3.x format, which saves one
 *       base score per class.</li>
 * </ul>
 * Nothing is checked in: the models are made under target/ each run.
 */
class PythonClassifiersPredictTest {
    static final Path SCRIPTS = Path.of("src", "test", "resources", "python").toAbsolutePath();
    static final double TOLERANCE = 1e-6;
    static Path dir;
    static Path shard;

    @BeforeAll
    static void train() throws Exception {
        dir = Path.of("target", "python-classifiers", "run-" + System.nanoTime()).toAbsolutePath();
        Files.createDirectories(dir);
        // the scripts' own imports check for the libraries: a separate check would import each library once more
        PythonLibrary xgb = PythonLibrary.unchecked("/usr/bin/python3", "apt-get install python3-xgboost python3-sklearn");
        xgb.runScript(SCRIPTS.resolve("train_classifiers_xgboost.py"), 600, dir.toString());
        PythonLibrary lgb = PythonLibrary.unchecked("python3", "python3 -m pip install lightgbm==4.7.0");
        lgb.runScript(SCRIPTS.resolve("train_classifiers_lightgbm.py"), 600, dir.toString());
        shard = dir.resolve("wine.parquet");
        try (Connection duck = DriverManager.getConnection("jdbc:duckdb:")) {
            exec(duck, "COPY (SELECT * EXCLUDE (target) FROM read_csv('" + dir.resolve("wine.csv") + "', header = true, "
                    + "nullstr = '', types = {'id': 'BIGINT'})) TO '" + shard + "' (FORMAT parquet)");
            assertEquals("32", one(duck, "SELECT count(*) FROM '" + shard + "' WHERE ash IS NULL OR flavanoids IS NULL"));
        }
    }

    private static PredictService service() {
        return new PredictService(new LocalObjectStore(), new ModelCache(1 << 26), "i-1");
    }

    @Test
    void xgboostMultiSoftprobScoresAsPredictProba() throws Exception {
        check("xgb-multi", 3, "xgboost multi:softprob");
    }

    @Test
    void xgboostMultiSoftmaxPredictsItsClassWithTheSoftmaxOfItsMargins() throws Exception {
        check("xgb-softmax", 3, "xgboost multi:softmax");
        try (Connection duck = DriverManager.getConnection("jdbc:duckdb:")) {
            assertEquals("0", one(duck, "SELECT count(*) FROM " + expected("xgb-softmax") + " e JOIN '"
                    + dir.resolve("out-xgb-softmax.parquet") + "' p USING (id) WHERE p.prediction <> e.label"),
                    "the prediction is XGBoost's softmax predict");
        }
    }

    @Test
    void xgboostBinaryWritesTheSecondClassesProbability() throws Exception {
        check("xgb-bin", 2, "xgboost binary:logistic");
    }

    @Test
    void lightgbmMulticlassScoresAsPredict() throws Exception {
        check("lgb-multi", 3, "lightgbm multiclass");
    }

    @Test
    void xgboost4j3xMultiSoftprobWithABaseScorePerClassScoresAsItsPredict() throws Exception {
        List<String> lines = Files.readAllLines(dir.resolve("wine.csv"));
        List<String> names = List.of(lines.getFirst().split(",")).subList(1, 14);
        int rows = lines.size() - 1;
        int cols = names.size();
        float[] x = new float[rows * cols];
        float[] y = new float[rows];
        long[] ids = new long[rows];
        for (int i = 0; i < rows; i++) {
            String[] cells = lines.get(i + 1).split(",", -1);
            ids[i] = Long.parseLong(cells[0]);
            for (int j = 0; j < cols; j++) {
                x[i * cols + j] = cells[j + 1].isEmpty() ? Float.NaN : Float.parseFloat(cells[j + 1]);
            }
            y[i] = Float.parseFloat(cells[cols + 1]);
        }
        DMatrix m = new DMatrix(x, rows, cols, Float.NaN);
        Booster booster = null;
        try {
            m.setLabel(y);
            m.setFeatureNames(names.toArray(String[]::new));
            booster = XGBoost.train(m, Map.of("objective", "multi:softprob", "num_class", 3,
                    "max_depth", 3, "eta", 0.3, "tree_method", "hist", "nthread", 1, "seed", 7), 40, Map.of(), null, null);
            try (OutputStream out = Files.newOutputStream(dir.resolve("xgb4j-multi.json"))) {
                booster.saveModel(out, "json");
            }
            float[][] p = booster.predict(m);
            StringBuilder csv = new StringBuilder("id,p0,p1,p2\n");
            for (int i = 0; i < rows; i++) {
                csv.append(ids[i]).append(',').append((double) p[i][0]).append(',').append((double) p[i][1]).append(',')
                        .append((double) p[i][2]).append('\n');
            }
            Files.writeString(dir.resolve("xgb4j-multi.csv"), csv);
        } finally {
            if (booster != null) {
                booster.dispose();
            }
            m.dispose();
        }
        String json = Files.readString(dir.resolve("xgb4j-multi.json"));
        assertTrue(json.matches("(?s).*\"base_score\":\"\\[[^,\\]]+,[^,\\]]+,[^,\\]]+\\]\".*"),
                "3.x saves one base score per class");
        check("xgb4j-multi", 3, "xgboost multi:softprob");
    }

    @Test
    void aKeptColumnNamedAsAProbabilityColumnIsRefusedNamingIt() {
        Path model = dir.resolve("xgb-multi.json");
        Path out = dir.resolve("clash.parquet");
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> service().predict(new PredictRequest(
                model.toString(), shard.toString(), out.toString(), "run-c", 1, null, List.of("id", "p_1"), null)));
        assertEquals("keepColumns", e.field());
        assertTrue(e.getMessage().contains("\"p_1\"") || e.getMessage().contains("=p_1") || e.getMessage().contains("p_1:"),
                e.getMessage());
        assertTrue(e.getMessage().contains("[prediction, p_0, p_1, p_2]"), e.getMessage());
        assertFalse(Files.exists(out), "nothing written");
    }

    private static String expected(String name) {
        return "read_csv('" + dir.resolve(name + ".csv") + "', header = true, types = {'id': 'BIGINT'})";
    }

    /** Scores the shard with the model and compares the file and its CSV copy with the library's probabilities. */
    private static void check(String name, int k, String algorithm) throws Exception {
        Path out = dir.resolve("out-" + name + ".parquet");
        PredictResult r = service().predict(new PredictRequest(dir.resolve(name + (name.startsWith("lgb") ? ".txt" : ".json"))
                .toString(), shard.toString(), out.toString(), "run-" + name, 1, null, List.of("id"), "csv"));
        assertEquals(178, r.rows());
        List<String> probabilities = new ArrayList<>();
        for (int c = 0; c < k; c++) {
            probabilities.add(k == 2 ? "probability" : "p_" + c);
        }
        if (k == 2) {
            probabilities.removeFirst(); // binary: the second class's probability only
        }
        try (Connection duck = DriverManager.getConnection("jdbc:duckdb:")) {
            String file = "'" + out + "'";
            List<String> header = new ArrayList<>(List.of("id BIGINT", "prediction BIGINT"));
            probabilities.forEach(p -> header.add(p + " DOUBLE"));
            assertEquals(String.join(", ", header), one(duck, "SELECT string_agg(column_name || ' ' || column_type, ', ') "
                    + "FROM (DESCRIBE SELECT * FROM " + file + ")"), name + ": the columns");
            String joined = "SELECT * FROM " + expected(name) + " e JOIN (SELECT id, prediction, "
                    + String.join(", ", probabilities.stream().map(p -> p + " AS got_" + p).toList()) + " FROM " + file
                    + ") p USING (id)";
            assertEquals("178", one(duck, "SELECT count(*) FROM (" + joined + ")"), name + ": every id scored once");
            StringBuilder worst = new StringBuilder("SELECT greatest(");
            String argmax;
            if (k == 2) {
                worst.append("max(abs(got_probability - p1))");
                argmax = "CASE WHEN p1 > 1 - p1 THEN 1 ELSE 0 END";
            } else {
                for (int c = 0; c < k; c++) {
                    worst.append(c == 0 ? "" : ", ").append("max(abs(got_p_").append(c).append(" - p").append(c).append("))");
                }
                argmax = "CASE WHEN p0 >= p1 AND p0 >= p2 THEN 0 WHEN p1 >= p2 THEN 1 ELSE 2 END";
            }
            double diff = Double.parseDouble(one(duck, worst.append(") FROM (").append(joined).append(")").toString()));
            System.out.printf("[python classifiers] %s: max |p - predict_proba| %.3g over 178 rows%n", name, diff);
            assertTrue(diff <= TOLERANCE, name + ": the largest difference from the library's probabilities is " + diff);
            assertEquals("0", one(duck, "SELECT count(*) FROM (" + joined + ") WHERE prediction <> " + argmax),
                    name + ": the prediction is the most probable class");
            String classes = one(duck, "SELECT count(DISTINCT prediction) FROM " + file);
            assertEquals(Integer.toString(k), classes, name + ": every class is predicted somewhere");
            assertEquals(Double.parseDouble(one(duck, "SELECT sum(" + (k == 2 ? "probability" : "prediction") + ") FROM "
                    + file)), r.scoreSum(), 1e-9, name + ": scoreSum");
            // the CSV copy: the same columns and values
            String csv = "read_csv('" + r.csvUri() + "', header = true, types = {'id': 'BIGINT', 'prediction': 'BIGINT'})";
            assertEquals(String.join(",", header.stream().map(h -> h.split(" ")[0]).toList()),
                    Files.readAllLines(Path.of(r.csvUri())).getFirst());
            StringBuilder same = new StringBuilder("SELECT count(*) FROM " + csv + " c JOIN " + file
                    + " p USING (id) WHERE c.prediction <> p.prediction");
            probabilities.forEach(p -> same.append(" OR c.").append(p).append(" <> p.").append(p));
            assertEquals("0", one(duck, same.toString()), name + ": the CSV copy holds the same values");
            String lineage = "SELECT decode(value) FROM parquet_kv_metadata(" + file + ") WHERE decode(key) = 'canopy.algorithm'";
            assertEquals(algorithm, one(duck, lineage));
        }
    }
}
