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
 * The example in docs/data.md ("End to end"), as a user runs it: a CSV of their own (ids, a text column, gaps written as
 * empty cells and NA) is trained with {@code --categorical auto} and a missing-value policy; the same rows
 * without the target, as Parquet shards written by DuckDB, are scored with {@code --keep-columns id}; the
 * predictions, read back by DuckDB and joined by id to the input, give every id exactly one prediction.
 */
@QuarkusTest
class KeepColumnsEndToEndTest {
    static final Path DIR = Path.of("target", "keep-columns-e2e").toAbsolutePath();
    static final int ROWS = 2000;

    @Test
    void trainPredictWithKeptIdsAndJoinBackById() throws Exception {
        Path dir = DIR.resolve("run-" + System.nanoTime());
        Files.createDirectories(dir);
        Path data = dir.resolve("customers.csv");
        Random random = new Random(14);
        String[] cities = {"Lisbon", "Porto", "Braga", "Faro"};
        StringBuilder csv = new StringBuilder("customer_id,city,income,age,visits,spend\n");
        for (int i = 0; i < ROWS; i++) {
            int city = random.nextInt(cities.length);
            double income = 20 + 80 * random.nextDouble();
            double age = 18 + random.nextInt(60);
            double visits = random.nextInt(30);
            double spend = 3 * income + 40 * city - 0.5 * age + visits + 5 * random.nextGaussian();
            // ids that are not row numbers, and gaps as users have them: empty cells and NA
            csv.append(100_000 + 7L * i).append(',').append(cities[city]).append(',')
                    .append(i % 37 == 5 ? "" : String.format(Locale.ROOT, "%.2f", income)).append(',')
                    .append(i % 53 == 9 ? "NA" : String.format(Locale.ROOT, "%.1f", age)).append(',')
                    .append(String.format(Locale.ROOT, "%.1f", visits)).append(',')
                    .append(String.format(Locale.ROOT, "%.3f", spend)).append('\n');
        }
        Files.writeString(data, csv);
        Path out = dir.resolve("out");
        Run train = InProcessCli.run("train", "--data", data.toString(), "--target", "spend", "--out", out.toString(),
                "--run-id", "own-1", "--algorithms", "decision_tree", "--categorical", "auto", "--missing", "impute");
        assertEquals(0, train.exitCode(), train.stderr());
        assertTrue(train.stdout().contains("city (categorical)"), train.stdout());
        String model = out.resolve("own-1/models/decision_tree.trees").toString();
        assertTrue(train.stdout().contains("model " + model), train.stdout());

        Path shards = dir.resolve("shards");
        Files.createDirectories(shards);
        Path predictions = dir.resolve("predictions");
        try (Connection duck = DriverManager.getConnection("jdbc:duckdb:")) {
            String input = "read_csv('" + data + "', header = true, nullstr = ['', 'NA'])";
            // the same rows without the target, in three shards
            for (int s = 0; s < 3; s++) {
                exec(duck, "COPY (SELECT * EXCLUDE (spend) FROM " + input + " WHERE ((customer_id - 100000) // 7) % 3 = " + s
                        + ") TO '" + shards.resolve("part-" + s + ".parquet") + "' (FORMAT parquet)");
            }
            assertEquals("VARCHAR", one(duck, "SELECT typeof(city) FROM read_parquet('" + shards + "/part-0.parquet') LIMIT 1"));
            assertTrue(Long.parseLong(one(duck, "SELECT count(*) FROM read_parquet('" + shards + "/*.parquet') WHERE income IS NULL"
                    + " OR age IS NULL")) > 0, "the shards have gaps");

            Run predict = InProcessCli.run("predict", "--model", model, "--shards", shards.toString(), "--out",
                    predictions.toString(), "--keep-columns", "customer_id", "--pool-size", "2");
            assertEquals(0, predict.exitCode(), predict.stderr());

            String joined = "SELECT d.customer_id, count(p.customer_id) AS n, any_value(p.prediction) AS prediction FROM "
                    + input + " d LEFT JOIN read_parquet('" + predictions + "/*.parquet') p USING (customer_id) GROUP BY d.customer_id";
            assertEquals(ROWS, Long.parseLong(one(duck, "SELECT count(*) FROM (" + joined + ")")));
            assertEquals(0, Long.parseLong(one(duck, "SELECT count(*) FROM (" + joined + ") WHERE n <> 1")),
                    "every id has exactly one prediction");
            assertEquals(ROWS, Long.parseLong(one(duck, "SELECT count(*) FROM read_parquet('" + predictions + "/*.parquet')")));
            assertEquals(0, Long.parseLong(one(duck, "SELECT count(*) FROM (" + joined + ") WHERE prediction IS NULL")),
                    "impute: rows with gaps are scored too");
            // lineage: the trained model's URI and algorithm, from its metadata
            String lineage = "SELECT string_agg(DISTINCT decode(value), ',') FROM parquet_kv_metadata('" + predictions
                    + "/*.parquet') WHERE decode(key) = '%s'";
            assertEquals(model, one(duck, lineage.formatted("canopy.model_uri")));
            assertEquals("decision_tree", one(duck, lineage.formatted("canopy.algorithm")));
            // the model is worth joining: its predictions follow the target
            double correlation = Double.parseDouble(one(duck, "SELECT corr(j.prediction, d.spend) FROM (" + joined + ") j JOIN "
                    + input + " d USING (customer_id)"));
            assertTrue(correlation > 0.9, "correlation " + correlation);

            // the same command again (a new run id, as every command gets) is the same batch: allowed, nothing added
            Run again = InProcessCli.run("predict", "--model", model, "--shards", shards.toString(), "--out",
                    predictions.toString(), "--keep-columns", "customer_id", "--pool-size", "2");
            assertEquals(0, again.exitCode(), again.stderr());
            assertEquals(ROWS, Long.parseLong(one(duck, "SELECT count(*) FROM read_parquet('" + predictions + "/*.parquet')")));
            // another batch into the same folder is refused, and changes nothing
            Run other = InProcessCli.run("predict", "--model", "rule:income>=3", "--shards", shards.toString(), "--out",
                    predictions.toString(), "--keep-columns", "customer_id", "--pool-size", "2");
            assertEquals(1, other.exitCode(), other.stderr());
            assertTrue(other.stderr().contains("holds the outputs of another batch"), other.stderr());
            assertEquals(model, one(duck, lineage.formatted("canopy.model_uri")));
        }
    }
}
