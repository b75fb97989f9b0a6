package dev.canopy.inference;

import dev.canopy.error.InvalidInputException;
import dev.canopy.model.ClassLayout;
import dev.canopy.model.TreeBuilder;
import dev.canopy.model.TreeCodec;
import dev.canopy.model.TreeEnsemble;
import dev.canopy.storage.local.LocalObjectStore;
import dev.canopy.testing.TestParquet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.List;

import static dev.canopy.testing.DuckDb.one;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A Canopy classifier's predictions: its labels come from the metadata beside its {@code .trees} ({@code task},
 * {@code classes}), and the {@code prediction} column's type from their text (string, double or int64); the
 * probability columns are named by the labels; metadata that does not fit the trees is refused naming it.
 */
class ClassifierPredictionsTest {
    static final List<String> F = List.of("x0", "x1");
    /** x0 in each row: the three classes' margins are x0's side of 0.5, 1.5 and 2.5, so each row has its winner. */
    static final double[] X0 = {0, 1, 2, 3, 1, 0};

    /** Class c has one tree: 2.0 when c - 0.5 < x0 <= c + 0.5 (and for the last class above it too), else 0. */
    static TreeEnsemble threeClasses(List<String> labels) {
        TreeBuilder b = new TreeBuilder(16);
        int[] roots = new int[3];
        for (int c = 0; c < 3; c++) {
            int root = b.reserve();
            int low = b.reserve();
            int rest = b.reserve();
            b.split(root, 0, c - 0.5, false, low, rest);
            b.leaf(low, 0);
            int in = b.reserve();
            int high = b.reserve();
            b.split(rest, 0, c + 0.5, false, in, high);
            b.leaf(in, 2.0);
            b.leaf(high, c == 2 ? 2.0 : 0); // x0 = 3 goes to the last class
            roots[c] = root;
        }
        return b.build(roots, 0, 1.0, F.size(), TreeEnsemble.Output.SOFTMAX,
                new ClassLayout(3, new int[]{0, 1, 2}, new double[3], labels));
    }

    private static String setup(Path dir, TreeEnsemble trees, String metadata) throws Exception {
        Files.write(dir.resolve("m.trees"), TreeCodec.write(trees));
        Files.writeString(dir.resolve("m.json"), metadata);
        double[][] columns = {X0.clone(), new double[X0.length]};
        Files.write(dir.resolve("shard.parquet"), TestParquet.doubles(List.of("x0", "x1"), columns, X0.length));
        return dir.resolve("m.trees").toString();
    }

    private static PredictResult predict(Path dir, String model, List<String> keep) {
        return new PredictService(new LocalObjectStore(), new ModelCache(1 << 20), "i-1").predict(new PredictRequest(model,
                dir.resolve("shard.parquet").toString(), dir.resolve("out.parquet").toString(), "run-1", 1, null, keep, "csv"));
    }

    private static String meta(String task, String classes) {
        return "{\"algorithm\":\"gradient_boosting\",\"features\":[\"x0\",\"x1\"]" + (task == null ? "" : ",\"task\":\"" + task + "\"")
                + (classes == null ? "" : ",\"classes\":" + classes) + "}";
    }

    @Test
    void textLabelsMakeAStringPredictionAndNameTheProbabilityColumns(@TempDir Path dir) throws Exception {
        String model = setup(dir, threeClasses(null), meta("multiclass", "[\"cash\",\"card\",\"état, ✓\"]"));
        PredictResult r = predict(dir, model, List.of("x1"));
        try (Connection duck = DriverManager.getConnection("jdbc:duckdb:")) {
            String file = "'" + dir.resolve("out.parquet") + "'";
            assertEquals("x1 DOUBLE, prediction VARCHAR, p_cash DOUBLE, p_card DOUBLE, p_état, ✓ DOUBLE", one(duck,
                    "SELECT string_agg(column_name || ' ' || column_type, ', ') FROM (DESCRIBE SELECT * FROM " + file + ")"));
            assertEquals("cash,card,\"état, ✓\",\"état, ✓\",card,cash", one(duck, "SELECT string_agg(CASE WHEN prediction LIKE '%,%' "
                    + "THEN '\"' || prediction || '\"' ELSE prediction END, ',') FROM " + file));
            double e2 = Math.exp(2);
            assertEquals(e2 / (e2 + 2), Double.parseDouble(one(duck, "SELECT p_cash FROM " + file + " LIMIT 1")), 1e-15);
        }
        List<String> csv = Files.readAllLines(Path.of(r.csvUri()));
        assertEquals("x1,prediction,p_cash,p_card,\"p_état, ✓\"", csv.getFirst());
        assertTrue(csv.get(3).startsWith("0.0,\"état, ✓\",0."), csv.get(3));
        assertEquals(0 + 1 + 2 + 2 + 1 + 0, r.scoreSum(), 0.0, "a multi-class scoreSum adds the class codes");
    }

    @Test
    void numericLabelsMakeANumericPrediction(@TempDir Path dir) throws Exception {
        String model = setup(dir, threeClasses(null), meta("multiclass", "[\"1\",\"2.5\",\"4\"]"));
        predict(dir, model, List.of());
        try (Connection duck = DriverManager.getConnection("jdbc:duckdb:")) {
            String file = "'" + dir.resolve("out.parquet") + "'";
            assertEquals("DOUBLE", one(duck, "SELECT column_type FROM (DESCRIBE SELECT * FROM " + file + ") WHERE column_name = 'prediction'"));
            assertEquals("1.0,2.5,4.0,4.0,2.5,1.0", one(duck, "SELECT string_agg(prediction::VARCHAR, ',') FROM " + file));
        }
        String ints = setup(dir, threeClasses(null), meta("multiclass", "[\"-1\",\"0\",\"7\"]"));
        predict(dir, ints, List.of());
        try (Connection duck = DriverManager.getConnection("jdbc:duckdb:")) {
            String file = "'" + dir.resolve("out.parquet") + "'";
            assertEquals("BIGINT", one(duck, "SELECT column_type FROM (DESCRIBE SELECT * FROM " + file + ") WHERE column_name = 'prediction'"));
            assertEquals("-1,0,7,7,0,-1", one(duck, "SELECT string_agg(prediction::VARCHAR, ',') FROM " + file));
            assertEquals("p_-1,p_0,p_7", one(duck, "SELECT string_agg(column_name, ',') FROM (DESCRIBE SELECT * FROM " + file
                    + ") WHERE column_name LIKE 'p\\_%' ESCAPE '\\'"));
        }
    }

    @Test
    void aBinaryClassifierWithOnePlainOutputTakesItsLabelsFromTheMetadata(@TempDir Path dir) throws Exception {
        TreeBuilder b = new TreeBuilder(4);
        int root = b.reserve();
        int l = b.reserve();
        int r = b.reserve();
        b.split(root, 0, 1.5, false, l, r);
        b.leaf(l, -1.0);
        b.leaf(r, 1.0);
        TreeEnsemble plain = b.build(new int[]{root}, 0, 1.0, F.size(), TreeEnsemble.Output.SIGMOID);
        String model = setup(dir, plain, meta("binary", "[\"false\",\"true\"]"));
        PredictResult result = predict(dir, model, List.of());
        try (Connection duck = DriverManager.getConnection("jdbc:duckdb:")) {
            String file = "'" + dir.resolve("out.parquet") + "'";
            assertEquals("prediction VARCHAR, probability DOUBLE", one(duck,
                    "SELECT string_agg(column_name || ' ' || column_type, ', ') FROM (DESCRIBE SELECT * FROM " + file + ")"));
            assertEquals("false,false,true,true,false,false", one(duck, "SELECT string_agg(prediction, ',') FROM " + file));
            assertEquals(1 / (1 + Math.exp(-1.0)), Double.parseDouble(one(duck, "SELECT max(probability) FROM " + file)), 1e-15);
        }
        double p = 1 / (1 + Math.exp(-1.0));
        assertEquals(2 * p + 4 * (1 - p), result.scoreSum(), 1e-12, "a binary scoreSum adds the second class's probability");
    }

    @Test
    void metadataThatDoesNotFitTheTreesIsRefusedNamingIt(@TempDir Path dir) throws Exception {
        String two = setup(dir, threeClasses(null), meta("binary", "[\"a\",\"b\"]"));
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> predict(dir, two, List.of()));
        assertEquals("modelUri", e.field());
        assertTrue(e.getMessage().contains("the trees score 3 classes, the metadata names 2 classes [a, b]"), e.getMessage());

        String task = setup(dir, threeClasses(null), meta("ranking", "[\"a\",\"b\",\"c\"]"));
        e = assertThrows(InvalidInputException.class, () -> predict(dir, task, List.of()));
        assertEquals("task", e.field());
        assertTrue(e.getMessage().contains("unknown task"), e.getMessage());

        String labels = setup(dir, threeClasses(List.of("x", "y", "z")), meta("multiclass", "[\"a\",\"b\",\"c\"]"));
        e = assertThrows(InvalidInputException.class, () -> predict(dir, labels, List.of()));
        assertTrue(e.getMessage().contains("the trees name their classes [x, y, z], the metadata [a, b, c]"), e.getMessage());

        String regression = setup(dir, threeClasses(null), meta("regression", null));
        e = assertThrows(InvalidInputException.class, () -> predict(dir, regression, List.of()));
        assertEquals("task", e.field());

        String clash = setup(dir, threeClasses(null), meta("multiclass", "[\"a\",\"b\",\"c\"]"));
        Files.write(dir.resolve("shard.parquet"), TestParquet.doubles(List.of("x0", "x1", "p_b"),
                new double[][]{X0.clone(), new double[X0.length], new double[X0.length]}, X0.length));
        Files.deleteIfExists(dir.resolve("out.parquet"));
        e = assertThrows(InvalidInputException.class, () -> predict(dir, clash, List.of("p_b")));
        assertEquals("keepColumns", e.field());
        assertTrue(e.getMessage().contains("p_b") && e.getMessage().contains("[prediction, p_a, p_b, p_c]"), e.getMessage());
        assertFalse(Files.exists(dir.resolve("out.parquet")));
    }

    @Test
    void aRowTheDropPolicyGivesNoPredictionIsNullInEveryColumn(@TempDir Path dir) throws Exception {
        String model = setup(dir, threeClasses(null), "{\"algorithm\":\"gradient_boosting\",\"features\":[\"x0\",\"x1\"],"
                + "\"task\":\"multiclass\",\"classes\":[\"a\",\"b\",\"c\"],\"encoding\":{\"missing\":\"drop\",\"features\":["
                + "{\"name\":\"x0\",\"categories\":null,\"fill\":null},{\"name\":\"x1\",\"categories\":null,\"fill\":null}]}}");
        double[] x0 = X0.clone();
        x0[2] = Double.NaN;
        Files.write(dir.resolve("shard.parquet"), TestParquet.doubles(F, new double[][]{x0, new double[X0.length]}, X0.length));
        PredictResult r = predict(dir, model, List.of());
        try (Connection duck = DriverManager.getConnection("jdbc:duckdb:")) {
            String file = "'" + dir.resolve("out.parquet") + "'";
            assertEquals("a,b,NULL,c,b,a", one(duck, "SELECT string_agg(coalesce(prediction, 'NULL'), ',') FROM " + file));
            assertEquals("1", one(duck, "SELECT count(*) FROM " + file + " WHERE p_a IS NULL AND p_b IS NULL AND p_c IS NULL"));
        }
        assertEquals(0 + 1 + 2 + 1 + 0, r.scoreSum(), 0.0, "the row without a prediction adds nothing");
        assertTrue(Files.readAllLines(Path.of(r.csvUri())).get(3).equals(",,,"), "a null row in the CSV copy");
    }

    @Test
    void withoutATaskTheTreesSayWhatTheyScore(@TempDir Path dir) throws Exception {
        String model = setup(dir, threeClasses(List.of("lo", "mid", "hi")), meta(null, null));
        predict(dir, model, List.of());
        try (Connection duck = DriverManager.getConnection("jdbc:duckdb:")) {
            assertEquals("lo,mid,hi,hi,mid,lo", one(duck, "SELECT string_agg(prediction, ',') FROM '" + dir.resolve("out.parquet") + "'"));
        }
        String unlabelled = setup(dir, threeClasses(null), meta(null, null));
        predict(dir, unlabelled, List.of());
        try (Connection duck = DriverManager.getConnection("jdbc:duckdb:")) {
            assertEquals("0,1,2,2,1,0", one(duck, "SELECT string_agg(prediction::VARCHAR, ',') FROM '" + dir.resolve("out.parquet") + "'"));
        }
    }
}
