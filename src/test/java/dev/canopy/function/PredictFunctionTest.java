package dev.canopy.function;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

/**
 * {@code predict} through the Lambda mock event server: one warm instance, so the second call hits the cache. With
 * its bad-input table and a bounded fuzz ({@link BadInputContract}). One class per function: its profile boots in
 * one test fork.
 */
@QuarkusTest
@TestProfile(FunctionProfiles.Predict.class)
class PredictFunctionTest extends BadInputContract {
    @Override
    String function() {
        return "predict";
    }

    @Override
    String validRequest() {
        return "{\"modelUri\": \"rule:passenger_count>=2\", \"shard\": \"${D}/taxi/fe41422b01c04169af2a65a83b753e0f_000000.parquet\", \"outputUri\": \"${OUT}/p.parquet\"}";
    }

    @Test
    void scoresAShardAndReusesTheModelOnTheWarmInstance() {
        String event = EventFixtures.event("predict.json");
        String instance = given().contentType(ContentType.JSON).body(event).when().post()
                .then().statusCode(200)
                .body("rows", equalTo(300))
                .body("instanceId", notNullValue())
                .extract().path("instanceId");
        given().contentType(ContentType.JSON).body(event).when().post()
                .then().statusCode(200)
                .body("modelLoaded", equalTo(false))
                .body("instanceId", equalTo(instance));
    }

    @Test
    void aMissingColumnIsAClearFunctionError() {
        given().contentType(ContentType.JSON)
                .body(EventFixtures.event("predict.json").replace("passenger_count", "passengers"))
                .when().post()
                .then().statusCode(500)
                .body("errorMessage", containsString("InvalidInputException: shard="))
                .body("errorMessage", containsString("has no column \"passengers\""));
    }
}
