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
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Lambda's JSON log lines of a training tree: the trainers' lines name their algorithm. */
@QuarkusTest
@TestProfile(FunctionProfiles.Supervise.class)
class JsonLogSuperviseTest {
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
