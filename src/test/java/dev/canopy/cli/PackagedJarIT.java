package dev.canopy.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.canopy.json.Json;
import dev.canopy.testing.TestData;
import io.quarkus.test.junit.main.LaunchResult;
import io.quarkus.test.junit.main.QuarkusMainIntegrationTest;
import io.quarkus.test.junit.main.QuarkusMainLauncher;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The packaged application (target/canopy-runner.jar with target/lib, what function.zip holds), launched as
 * a user launches it: the whole Parquet path (generate, score, write, read back) and the training tree
 * must work with only the run-time dependencies, without the test-only parquet-hadoop and Hadoop.
 */
@QuarkusMainIntegrationTest
class PackagedJarIT {
    static final Path DIR = Path.of("target", "packaged-it").toAbsolutePath();

    @Test
    void parquetAndTrainingWorkFromThePackage(QuarkusMainLauncher launcher) throws Exception {
        Files.createDirectories(DIR);
        Path shards = DIR.resolve("taxi");
        LaunchResult gen = launcher.launch("generate", "taxi", "--out", shards.toString(), "--rows", "3000", "--shards", "2");
        assertEquals(0, gen.exitCode(), gen.getErrorOutput());
        long twoPlus = Json.MAPPER.readTree(gen.getOutput()).get("passengerCountAtLeast2").asLong();

        Path out = DIR.resolve("predictions-" + System.currentTimeMillis()); // this build's own: target/ outlives builds
        LaunchResult predict = launcher.launch("predict", "--model", "rule:passenger_count>=2", "--shards", shards.toString(),
                "--pool-size", "2", "--out", out.toString(), "--json");
        assertEquals(0, predict.exitCode(), predict.getErrorOutput());
        JsonNode r = Json.MAPPER.readTree(predict.getOutput());
        assertEquals(6000, r.get("rows").asLong());
        assertEquals(twoPlus, r.get("scoreSum").asLong());

        // the predictions Canopy wrote, read back by Canopy: 1 where the rule held
        LaunchResult back = launcher.launch("predict", "--model", "rule:prediction>=1", "--shards", out.toString(), "--json");
        assertEquals(0, back.exitCode(), back.getErrorOutput());
        assertEquals(twoPlus, Json.MAPPER.readTree(back.getOutput()).get("scoreSum").asLong());

        Path data = DIR.resolve("housing.csv");
        Files.write(data, TestData.housingCsvBytes(400, 2));
        LaunchResult train = launcher.launch("train", "--data", data.toString(), "--out", DIR.resolve("runs").toString(),
                "--param", "random_forest.trees=10", "--param", "gradient_boosting.trees=10", "--json");
        assertEquals(0, train.exitCode(), train.getErrorOutput());
        JsonNode t = Json.MAPPER.readTree(train.getOutput());
        assertEquals(3, t.get("results").size());
        t.get("results").forEach(x -> assertEquals("DONE", x.get("state").asText(), x.toString()));
        assertTrue(t.get("results").get(0).get("modelUri").asText().endsWith(".trees"));
    }
}
