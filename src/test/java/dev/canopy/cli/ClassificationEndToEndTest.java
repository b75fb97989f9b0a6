package dev.canopy.cli;

import dev.canopy.cli.InProcessCli.Run;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.Locale;
import java.util.Random;

import static dev.canopy.testing.DuckDb.exec;
import static dev.canopy.testing.DuckDb.one;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 25 end to end, as a user runs it: {@code train} a text target (three classes, then two), each algorithm
 * saving its {@code .trees}; {@code predict} with those models on Parquet shards of the same rows without the
 * target, through batch-predict's pool; the predictions, read back by DuckDB, hold the original labels in
 * {@code prediction} and the classes' probabilities ({@code p_<label>}, or {@code probability} for binary), the
 * label being the most probable class, and they agree with the target.
 */
@QuarkusTest
class ClassificationEndToEndTest {
    static final Path DIR = Path.of("target", "classification-e2e").toAbsolutePath();
    static final int ROWS = 1200;

    /** Rows with an id, two features and a text label: {@code labels[c]} in bands of x1 + x2, with some noise. */
    static Path csv(Path dir, String... labels) throws Exception {
        Random random = new Random(25);
        StringBuilder csv = new StringBuilder("id,x1,x2,label\n");
        for (int i = 0; i < ROWS; i++) {
            double x1 = 10 * random.nextDouble();
            double x2 = 10 * random.nextDouble();
            int c = Math.clamp((long) ((x1 + x2 + random.nextGaussian()) / (20.0 / labels.length)), 0, labels.length - 1);
            csv.append(1000 + i).append(String.format(Locale.ROOT, ",%.3f,%.3f,", x1, x2)).append(labels[c]).append('\n');
        }
        Path data = dir.resolve("data.csv");
        Files.writeString(data, csv);
        return data;
    }

    /** The rows without their label, in two Parquet shards written by DuckDB. */
    static Path shards(Connection duck, Path data, Path dir) throws Exception {
        Path shards = dir.resolve("shards");
        Files.createDirectories(shards);
        for (int s = 0; s < 2; s++) {
            exec(duck, "COPY (SELECT * EXCLUDE (label) FROM read_csv('" + data + "', header = true) WHERE id % 2 = " + s
                    + ") TO '" + shards.resolve("part-" + s + ".parquet") + "' (FORMAT parquet)");
        }
        return shards;
    }

    @Test
    void aMulticlassTextTargetIsTrainedThenPredictedWithItsLabels() throws Exception {
        Path dir = Files.createDirectories(DIR.resolve("multi-" + System.nanoTime()));
        Path data = csv(dir, "low", "mid", "high");
        Path out = dir.resolve("out");
        Run train = InProcessCli.run("train", "--data", data.toString(), "--target", "label", "--exclude", "id",
                "--out", out.toString(), "--run-id", "classes-1", "--algorithms",
                "random_forest,decision_tree,gradient_boosting", "--param", "random_forest.trees=30",
                "--param", "gradient_boosting.trees=30");
        assertEquals(0, train.exitCode(), train.stderr());
        assertTrue(train.stdout().lines().findFirst().orElseThrow().startsWith("task multiclass (auto)"),
                train.stdout());
        try (Connection duck = DriverManager.getConnection("jdbc:duckdb:")) {
            Path shards = shards(duck, data, dir);
            for (String algorithm : new String[]{"random_forest", "decision_tree", "gradient_boosting"}) {
                Path model = out.resolve("classes-1/models/" + algorithm + ".trees");
                assertTrue(Files.isRegularFile(model), model + " written");
                Path predictions = dir.resolve("predictions-" + algorithm);
                Run predict = InProcessCli.run("predict", "--model", model.toString(), "--shards",
                        shards.toString(), "--out", predictions.toString(), "--keep-columns", "id", "--pool-size", "2");
                assertEquals(0, predict.exitCode(), algorithm + ": " + predict.stderr());

                String p = "read_parquet('" + predictions + "/*.parquet')";
                assertEquals("id,prediction,p_high,p_low,p_mid", one(duck, "SELECT string_agg(name, ',' ORDER BY "
                        + "ordinal) FROM (SELECT column_name AS name, row_number() OVER () AS ordinal FROM (DESCRIBE "
                        + "SELECT * FROM " + p + "))"), algorithm + ": the columns");
                assertEquals("VARCHAR", one(duck, "SELECT typeof(prediction) FROM " + p + " LIMIT 1"));
                assertEquals(String.valueOf(ROWS), one(duck, "SELECT count(*) FROM " + p));
                assertEquals("high,low,mid", one(duck, "SELECT string_agg(DISTINCT prediction, ',' ORDER BY prediction)"
                        + " FROM " + p), algorithm + ": the original labels");
                assertEquals("0", one(duck, "SELECT count(*) FROM " + p + " WHERE abs(p_high + p_low + p_mid - 1) > 1e-9"
                        + " OR least(p_high, p_low, p_mid) < 0"), algorithm + ": probabilities");
                assertEquals("0", one(duck, "SELECT count(*) FROM " + p + " WHERE prediction <> CASE"
                        + " WHEN p_high >= p_low AND p_high >= p_mid THEN 'high' WHEN p_low >= p_mid THEN 'low'"
                        + " ELSE 'mid' END"), algorithm + ": the label is the most probable class");
                double agree = Double.parseDouble(one(duck, "SELECT avg(CASE WHEN d.label = p.prediction THEN 1 ELSE 0"
                        + " END) FROM read_csv('" + data + "', header = true) d JOIN " + p + " p USING (id)"));
                assertTrue(agree > 0.8, algorithm + " agrees with the target on " + agree + " of the rows");
            }
        }
    }

    @Test
    void aBinaryTextTargetGivesItsLabelAndOneProbability() throws Exception {
        Path dir = Files.createDirectories(DIR.resolve("binary-" + System.nanoTime()));
        Path data = csv(dir, "stay", "churn"); // "churn" sorts first: class 0 is churn, the positive class stay
        Path out = dir.resolve("out");
        Run train = InProcessCli.run("train", "--data", data.toString(), "--target", "label", "--exclude", "id",
                "--out", out.toString(), "--run-id", "binary-1", "--algorithms", "random_forest",
                "--param", "random_forest.trees=30");
        assertEquals(0, train.exitCode(), train.stderr());
        assertTrue(train.stdout().lines().findFirst().orElseThrow().startsWith("task binary (auto)"), train.stdout());
        Path model = out.resolve("binary-1/models/random_forest.trees");
        assertTrue(train.stdout().contains("model " + model), train.stdout());
        try (Connection duck = DriverManager.getConnection("jdbc:duckdb:")) {
            Path shards = shards(duck, data, dir);
            Path predictions = dir.resolve("predictions");
            Run predict = InProcessCli.run("predict", "--model", model.toString(), "--shards", shards.toString(),
                    "--out", predictions.toString(), "--keep-columns", "id", "--pool-size", "2");
            assertEquals(0, predict.exitCode(), predict.stderr());
            String p = "read_parquet('" + predictions + "/*.parquet')";
            assertEquals("id,prediction,probability", one(duck, "SELECT string_agg(column_name, ',') FROM (DESCRIBE "
                    + "SELECT * FROM " + p + ")"));
            assertEquals("churn,stay", one(duck, "SELECT string_agg(DISTINCT prediction, ',' ORDER BY prediction) FROM " + p));
            // probability is the second class's (stay), and the label follows it
            assertEquals("0", one(duck, "SELECT count(*) FROM " + p + " WHERE (probability > 0.5) <> (prediction = 'stay')"
                    + " OR probability < 0 OR probability > 1"));
            double agree = Double.parseDouble(one(duck, "SELECT avg(CASE WHEN d.label = p.prediction THEN 1 ELSE 0 END)"
                    + " FROM read_csv('" + data + "', header = true) d JOIN " + p + " p USING (id)"));
            assertTrue(agree > 0.85, "agrees with the target on " + agree + " of the rows");
        }
    }
}
