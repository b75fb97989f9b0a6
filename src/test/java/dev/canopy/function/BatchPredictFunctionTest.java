package dev.canopy.function;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Set;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.lessThanOrEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code batch-predict} through the Lambda mock event server, its predictors in-process (local mode), with its
 * bad-input table and a bounded fuzz ({@link BadInputContract}) and its JSON log lines. One class per function: its
 * profile boots in one test fork.
 */
@QuarkusTest
@TestProfile(FunctionProfiles.BatchPredict.class)
class BatchPredictFunctionTest extends BadInputContract {
    @Override
    String function() {
        return "batch-predict";
    }

    @Override
    String validRequest() {
        return "{\"runId\": \"fz-b\", \"modelUri\": \"rule:passenger_count>=2\", \"shardPrefix\": \"${D}/taxi/\", \"poolSize\": 2, \"outputPrefix\": \"${OUT}\"}";
    }

    @Test
    void scoresEveryShardUnderThePrefixAndWritesAManifest() {
        given().contentType(ContentType.JSON).body(EventFixtures.event("batch-predict.json"))
                .when().post()
                .then().statusCode(200)
                .body("runId", equalTo("fn-batch-1"))
                .body("shards", hasSize(2))
                .body("shards.state", everyItem(equalTo("SUCCEEDED")))
                .body("rows", equalTo(500))
                .body("succeeded", equalTo(2))
                .body("failed", equalTo(0))
                .body("modelLoads", lessThanOrEqualTo(2))
                .body("toleranceExceeded", equalTo(false))
                .body("manifestUri", containsString("fn-batch-1/_manifest.json"));
        assertTrue(Files.exists(FunctionProfiles.OUT.resolve("out/fn-batch-1/_manifest.json")));
    }

    @Test
    void absurdPoolSizeIsRejected() {
        given().contentType(ContentType.JSON)
                .body("{\"modelUri\": \"rule:passenger_count>=2\", \"shards\": [\"a.parquet\"], \"poolSize\": 1000000}")
                .when().post()
                .then().statusCode(500)
                .body("errorMessage", containsString("poolSize=\"1000000\": must be between 1 and 256"));
    }

    /** Lambda's JSON log lines of a batch: every line names the run, the function, the shard and the attempt. */
    @Test
    void everyLineNamesRunFunctionShardAndAttempt() throws IOException {
        given().contentType(ContentType.JSON).body(EventFixtures.event("batch-predict.json")
                        .replace("fn-batch-1", "log-batch-1").replace("\"outputPrefix\": \"" + FunctionProfiles.OUT.resolve("out"), "\"outputPrefix\": \"" + FunctionProfiles.OUT.resolve("log-out")))
                .when().post().then().statusCode(200);
        List<JsonNode> lines = JsonLogs.lines("batch-log.json", "log-batch-1");
        long perShard = lines.stream().filter(l -> l.path("mdc").has("shard")).count();
        assertTrue(perShard >= 2, "one line per predicted shard at least: " + lines);
        for (JsonNode l : lines) {
            JsonLogs.assertLabelled(l, Set.of("batch-predict", "predict"));
            if (l.path("loggerName").asText().equals("dev.canopy.inference.PredictService")) {
                assertEquals("predict", l.path("mdc").path("function").asText(), l.toString());
                assertTrue(l.path("mdc").path("shard").asText().endsWith(".parquet"), l.toString());
            }
        }
        assertTrue(lines.stream().anyMatch(l -> l.path("message").asText().startsWith("batch done: 2 shards")), lines.toString());
        assertFalse(lines.stream().anyMatch(l -> l.toString().contains("scoreSum")), "no response payload is logged");
    }

    @Test
    void theRuntimesFailureLineStillNamesTheRun() throws IOException {
        given().contentType(ContentType.JSON)
                .body("{\"runId\": \"log-batch-bad\", \"modelUri\": \"rule:passenger_count>=2\", \"shards\": [], \"poolSize\": 2}")
                .when().post().then().statusCode(500);
        List<JsonNode> lines = JsonLogs.lines("batch-log.json", "log-batch-bad");
        JsonNode failure = lines.stream().filter(l -> l.path("level").asText().equals("ERROR")).findFirst().orElseThrow(
                () -> new AssertionError("no ERROR line for the failed invocation: " + lines));
        assertEquals("batch-predict", failure.path("mdc").path("function").asText());
        assertTrue(failure.toString().contains("InvalidInputException"), failure.toString());
    }
}
