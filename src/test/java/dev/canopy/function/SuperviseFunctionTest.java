package dev.canopy.function;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;
import java.util.Set;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code supervise} through the Lambda mock event server, its trainers in-process (local mode), with its bad-input
 * table and a bounded fuzz ({@link BadInputContract}) and its JSON log lines. One class per function: its profile
 * boots in one test fork.
 */
@QuarkusTest
@TestProfile(FunctionProfiles.Supervise.class)
class SuperviseFunctionTest extends BadInputContract {
    @Override
    String function() {
        return "supervise";
    }

    @Override
    String validRequest() {
        return "{\"runId\": \"fz-s\", \"data\": \"${D}/housing.csv\", \"algorithms\": [\"decision_tree\"], \"out\": \"${OUT}\", \"params\": {\"decision_tree\": {\"max_depth\": 4}}}";
    }

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

    /** Lambda's JSON log lines of a training tree: the trainers' lines name their algorithm. */
    @Test
    void trainerLinesNameTheirAlgorithm() throws IOException {
        given().contentType(ContentType.JSON).body(EventFixtures.event("supervise.json").replace("fn-supervise-1", "log-sup-1"))
                .when().post().then().statusCode(200);
        List<JsonNode> lines = JsonLogs.lines("supervise-log.json", "log-sup-1");
        Set<String> algorithms = new java.util.TreeSet<>();
        for (JsonNode l : lines) {
            JsonLogs.assertLabelled(l, Set.of("supervise", "train"));
            if (l.path("mdc").path("function").asText().equals("train")) {
                algorithms.add(l.path("mdc").path("algorithm").asText());
            }
        }
        assertEquals(Set.of("decision_tree", "gradient_boosting", "random_forest"), algorithms, lines.toString());
        assertTrue(lines.stream().anyMatch(l -> l.path("message").asText().startsWith("ranked 3 trainers")), lines.toString());
    }
}
