package dev.canopy.function;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.lessThanOrEqualTo;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code batch-predict} through the Lambda mock event server, its predictors in-process (local mode). */
@QuarkusTest
@TestProfile(FunctionProfiles.BatchPredict.class)
class BatchPredictFunctionTest {

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
}
