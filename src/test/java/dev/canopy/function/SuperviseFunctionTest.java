package dev.canopy.function;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;

/** {@code supervise} through the Lambda mock event server; its trainers run in-process (local mode). */
@QuarkusTest
@TestProfile(FunctionProfiles.Supervise.class)
class SuperviseFunctionTest {

    @Test
    void trainsEveryAlgorithmAndRanksThem() {
        var response = given().contentType(ContentType.JSON).body(EventFixtures.event("supervise.json"))
                .when().post()
                .then().statusCode(200)
                .body("runId", equalTo("fn-supervise-1"))
                .body("results", hasSize(3))
                .body("results.state", everyItem(equalTo("DONE")))
                .body("dataset.trainRows", equalTo(560))
                .body("dataset.features", hasSize(8))
                .body("best", notNullValue())
                .extract().jsonPath();
        java.util.List<Float> mses = response.getList("results.mse", Float.class);
        org.junit.jupiter.api.Assertions.assertEquals(mses.stream().sorted().toList(), mses, "best first");
        org.junit.jupiter.api.Assertions.assertEquals(response.getString("results[0].algorithm"), response.getString("best"));
    }

    @Test
    void unknownFieldIsRejected() {
        given().contentType(ContentType.JSON).body("{\"data\": \"x.csv\", \"algoritms\": [\"random_forest\"]}")
                .when().post()
                .then().statusCode(500)
                .body("errorMessage", containsString("algoritms=\"algoritms\": unknown field; known fields: algorithms, categorical, classWeight, data"));
    }

    @Test
    void missingDataObjectIsNotFound() {
        // inside the locations the profile allows, so that it is the object, not the location, that is refused
        String missing = FunctionProfiles.OUT.resolve("nonexistent").resolve("housing.csv").toString();
        given().contentType(ContentType.JSON).body("{\"data\": \"" + missing + "\"}")
                .when().post()
                .then().statusCode(500)
                .body("errorMessage", containsString("ObjectNotFoundException: object not found: " + missing));
    }
}
