package dev.canopy.function;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.lessThan;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code train} through the Lambda mock event server (the same runtime API loop as on Lambda), with its bad-input
 * table and a bounded fuzz ({@link BadInputContract}). One class per function: its profile boots in one test fork.
 */
@QuarkusTest
@TestProfile(FunctionProfiles.Train.class)
class TrainFunctionTest extends BadInputContract {
    @Override
    String function() {
        return "train";
    }

    @Override
    String validRequest() {
        return "{\"runId\": \"fz-t\", \"data\": \"${D}/housing.csv\", \"algorithm\": \"decision_tree\", \"out\": \"${OUT}\"}";
    }

    @Test
    void trainsOneAlgorithmAndSavesTheModel() {
        given().contentType(ContentType.JSON).body(EventFixtures.event("train.json"))
                .when().post()
                .then().statusCode(200)
                .body("algorithm", equalTo("gradient_boosting"))
                .body("state", equalTo("DONE"))
                .body("mse", greaterThan(0f)).body("mse", lessThan(1f))
                .body("params.n_estimators", equalTo(25))
                .body("dataset.rows", equalTo(700))
                .body("dataset.testRows", equalTo(140))
                .body("modelUri", containsString("fn-train-1/models/gradient_boosting.trees"));
        assertTrue(Files.exists(FunctionProfiles.OUT.resolve("out/fn-train-1/models/gradient_boosting.json")));
        assertTrue(Files.exists(FunctionProfiles.OUT.resolve("out/fn-train-1/models/gradient_boosting.xgboost.json")));
        assertTrue(Files.exists(FunctionProfiles.OUT.resolve("out/fn-train-1/status/gradient_boosting.json")));
    }

    @Test
    void badInputIsAFunctionErrorNamingTheField() {
        given().contentType(ContentType.JSON).body(EventFixtures.event("train-unknown-algorithm.json"))
                .when().post()
                .then().statusCode(500)
                .body("errorMessage", containsString("InvalidInputException: algorithm=\"svm\": unknown algorithm; valid: random_forest"));
    }
}
