package dev.canopy.function;

import dev.canopy.json.Json;
import dev.canopy.training.TrainerState;
import dev.canopy.training.TrainerStatus;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

/**
 * {@code status} through the Lambda mock event server, reading states a trainer left in the store, with its
 * bad-input table and a bounded fuzz ({@link BadInputContract}). One class per function: its profile boots in one
 * test fork.
 */
@QuarkusTest
@TestProfile(FunctionProfiles.Status.class)
class StatusFunctionTest extends BadInputContract {
    @Override
    String function() {
        return "status";
    }

    @Override
    String validRequest() {
        return "{\"runId\": \"fz-run\", \"out\": \"${D}/runs\"}";
    }

    @Test
    void readsEachTrainersLatestState() throws Exception {
        Path dir = FunctionProfiles.OUT.resolve("out/fn-status-1/status");
        Files.createDirectories(dir);
        Files.write(dir.resolve("random_forest.json"), Json.write(new TrainerStatus("random_forest",
                TrainerState.TRAINING, 0.4, "60/150 trees", Instant.now().toString(), null)));
        Files.write(dir.resolve("decision_tree.json"), Json.write(new TrainerStatus("decision_tree",
                TrainerState.DONE, 1, "mse 0.36", Instant.now().toString(), null)));
        given().contentType(ContentType.JSON).body(EventFixtures.event("status.json"))
                .when().post()
                .then().statusCode(200)
                .body("runId", equalTo("fn-status-1"))
                .body("trainers", hasSize(2))
                .body("trainers.find { it.algorithm == 'random_forest' }.state", equalTo("TRAINING"))
                .body("trainers.find { it.algorithm == 'random_forest' }.detail", equalTo("60/150 trees"))
                .body("trainers.find { it.algorithm == 'decision_tree' }.state", equalTo("DONE"));
    }

    @Test
    void unknownRunIsNotFoundAndATraversalRunIdIsRejected() {
        given().contentType(ContentType.JSON).body("{\"runId\": \"never-ran\"}")
                .when().post()
                .then().statusCode(500).body("errorMessage", containsString("ObjectNotFoundException"));
        given().contentType(ContentType.JSON).body("{\"runId\": \"../../etc\"}")
                .when().post()
                .then().statusCode(500).body("errorMessage", containsString("runId=\"../../etc\""));
    }
}
