package dev.canopy.serve;

import com.fasterxml.jackson.databind.JsonNode;
import dev.canopy.data.DatasetParts;
import dev.canopy.json.Json;
import dev.canopy.sample.RegressionParts;
import dev.canopy.sample.TaxiShards;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The production wiring over HTTP: the packaged command line in {@code canopy.invoke.mode=lambda} with
 * {@code canopy.invoke.endpoint} at serve invokes supervise and batch-predict there; they, running in serve's
 * instances with the template's {@code CANOPY_INVOKE_MODE=lambda}, reach train and predict through serve
 * again. Every hop is the AWS SDK for Java's Lambda client configured by {@code CanopyBeans}. The training data is
 * a folder of Parquet parts: supervise pins the parts' version and each trainer (its own JVM, heap sized as Lambda's
 * java25 runtime sizes it) lists, reads and checks them.
 */
class ServeLambdaModeIT {
    private static final int MAX_ATTEMPTS = 3;
    @TempDir
    static Path dir;
    static ServeProcess serve;

    @BeforeAll
    static void start() throws Exception {
        // predict's reserved concurrency (2) below the batch's pool (4): the orchestrator is throttled. The shared
        // 2-core machine can take over a minute to start three trainer JVMs at once (serve's default init timeout
        // is 60 s); what this test checks is the wiring and the parts, not init speed.
        serve = ServeProcess.start(dir, "--quiet", "--reserved-concurrency", "PredictFunction=2", "--init-timeout", "300");
    }

    @AfterAll
    static void stop() {
        if (serve != null) {
            serve.close();
        }
    }

    private static List<JsonNode> ends(String function) {
        return serve.invocations().stream().filter(n -> n.get("event").asText().equals("end")
                && n.get("function").asText().equals(function)).toList();
    }

    @Test
    void aFolderOfPartsTrainsWithTheSupervisorReachingEveryTrainerThroughServe() throws Exception {
        Path parts = dir.resolve("trips");
        RegressionParts.write(parts, 12_000, 4, 3);
        Files.writeString(parts.resolve("_SUCCESS"), "");
        int code = serve.cli(dir, "train", "train", "--data", parts.toString(), "--target", RegressionParts.TARGET,
                "--categorical", "auto", "--out", dir.resolve("runs").toString(), "--run-id", "lambda-mode-1",
                "--param", "random_forest.trees=10", "--param", "gradient_boosting.trees=10", "--json");
        assertEquals(0, code, Files.readString(dir.resolve("train.err")));
        JsonNode r = Json.MAPPER.readTree(Files.readString(dir.resolve("train.out")));
        assertEquals(3, r.get("results").size(), r.toString());
        r.get("results").forEach(x -> assertEquals("DONE", x.get("state").asText(), x + "\n" + serve.stderrTail(80)));
        JsonNode d = r.get("dataset");
        assertEquals(12_000, d.get("rows").asInt(), d.toString());
        assertEquals(4, d.get("parts").size(), d.toString());
        assertTrue(d.get("version").asText().startsWith(DatasetParts.PARTS_VERSION + "4:"), d.toString());

        List<JsonNode> supervise = ends("canopy-supervise");
        assertEquals(1, supervise.size(), supervise.toString());
        assertEquals("Success", supervise.getFirst().get("outcome").asText());
        List<JsonNode> trains = ends("canopy-train");
        assertEquals(Set.of("random_forest", "decision_tree", "gradient_boosting"), trains.stream()
                .filter(n -> n.get("outcome").asText().equals("Success"))
                .map(n -> payload(n).get("algorithm").asText()).collect(Collectors.toSet()), trains.toString());
        trains.forEach(n -> assertEquals("lambda-mode-1", payload(n).get("runId").asText()));
    }

    /**
     * Retries that do not multiply: with predict throttled, no shard may be called more than maxAttempts times
     * in all, counting every call serve received for it (throttled ones included).
     */
    @Test
    void underThrottlingNoShardIsCalledMoreThanMaxAttemptsTimes() throws Exception {
        Path taxi = dir.resolve("taxi");
        int[] rows = new int[8];
        java.util.Arrays.fill(rows, 2000);
        TaxiShards.write(taxi, rows, 11);
        int code = serve.cli(dir, "predict", "predict", "--model", "rule:passenger_count>=2", "--shards", taxi.toString(),
                "--pool-size", "4", "--max-attempts", String.valueOf(MAX_ATTEMPTS), "--out", dir.resolve("predictions").toString(),
                "--json");
        String err = Files.readString(dir.resolve("predict.err"));
        assertTrue(code == 0 || code == 1, "exit " + code + ": " + err);
        JsonNode result = Json.MAPPER.readTree(Files.readString(dir.resolve("predict.out")));
        assertEquals(8, result.get("shards").size(), result.toString());
        assertEquals(1, ends("canopy-batch-predict").size());

        List<JsonNode> calls = ends("canopy-predict");
        Map<String, Long> perShard = new TreeMap<>(calls.stream().collect(Collectors.groupingBy(
                n -> Path.of(payload(n).get("shard").asText()).getFileName().toString(), Collectors.counting())));
        Map<String, Long> throttledPerShard = new TreeMap<>(calls.stream().filter(n -> n.get("status").asInt() == 429)
                .collect(Collectors.groupingBy(n -> Path.of(payload(n).get("shard").asText()).getFileName().toString(),
                        Collectors.counting())));
        Map<String, Integer> attemptsReported = new TreeMap<>();
        result.get("shards").forEach(s -> attemptsReported.put(Path.of(s.get("shard").asText()).getFileName().toString(),
                s.get("attempts").asInt()));
        System.out.println("serve: predict calls per shard " + perShard + ", throttled (429) " + throttledPerShard
                + ", attempts reported by batch-predict " + attemptsReported + ", succeeded " + result.get("succeeded")
                + " of 8");

        assertEquals(8, perShard.size(), "every shard was called: " + perShard);
        assertTrue(calls.stream().anyMatch(n -> n.get("status").asInt() == 429),
                "predict was throttled (reserved concurrency 2 < pool 4): " + perShard);
        perShard.forEach((shard, n) -> assertTrue(n <= MAX_ATTEMPTS, shard + " was called " + n + " times, more than "
                + "maxAttempts " + MAX_ATTEMPTS + ": " + perShard));
    }

    private static JsonNode payload(JsonNode record) {
        try {
            return Json.MAPPER.readTree(record.get("payload").asText());
        } catch (Exception e) {
            throw new AssertionError("unreadable payload in " + record, e);
        }
    }
}
