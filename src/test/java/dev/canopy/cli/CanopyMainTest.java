package dev.canopy.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.canopy.json.Json;
import dev.canopy.sample.TaxiShards;
import dev.canopy.testing.TestData;
import io.quarkus.test.junit.main.LaunchResult;
import io.quarkus.test.junit.main.QuarkusMainLauncher;
import io.quarkus.test.junit.main.QuarkusMainTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The command line, launched as `java -jar` would launch it. */
@QuarkusMainTest
class CanopyMainTest {
    static final Path DIR = Path.of("target", "cli-tests").toAbsolutePath();
    static Path data;

    @BeforeAll
    static void data() throws Exception {
        Files.createDirectories(DIR);
        // a fixed run id below rewrites the data each time: an earlier build's run of that id would be another request
        if (Files.exists(DIR.resolve("out"))) {
            try (var files = Files.walk(DIR.resolve("out"))) {
                for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
        data = DIR.resolve("housing.csv");
        Files.write(data, TestData.housingCsvBytes(500, 5));
    }

    private static String[] train(String... extra) {
        String[] base = {"train", "--data", data.toString(), "--out", DIR.resolve("out").toString(),
                "--param", "random_forest.trees=10", "--param", "gradient_boosting.trees=10"};
        String[] all = new String[base.length + extra.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(extra, 0, all, base.length, extra.length);
        return all;
    }

    @Test
    void jsonModePrintsExactlyTheSuperviseResponseOnStdout(QuarkusMainLauncher launcher) throws Exception {
        LaunchResult r = launcher.launch(train("--json", "--run-id", "cli-json-1"));
        assertEquals(0, r.exitCode(), r.getErrorOutput());
        JsonNode json = Json.MAPPER.readTree(r.getOutput());
        assertEquals("cli-json-1", json.get("runId").asText());
        assertEquals(3, json.get("results").size());
        assertEquals(json.get("results").get(0).get("algorithm").asText(), json.get("best").asText());
        assertEquals(500, json.get("dataset").get("rows").asInt());

        LaunchResult s = launcher.launch("status", "--run", "cli-json-1", "--out", DIR.resolve("out").toString(), "--json");
        assertEquals(0, s.exitCode(), s.getErrorOutput());
        JsonNode status = Json.MAPPER.readTree(s.getOutput());
        assertEquals(3, status.get("trainers").size());
        status.get("trainers").forEach(t -> assertEquals("DONE", t.get("state").asText()));
    }

    @Test
    void tableModeListsResultsBestFirst(QuarkusMainLauncher launcher) {
        LaunchResult r = launcher.launch("train", "--data", data.toString(), "--out", DIR.resolve("out").toString(),
                "--algorithms", "decision_tree,xgboost", "--param", "xgboost.trees=10");
        assertEquals(0, r.exitCode(), r.getErrorOutput());
        String out = r.getOutput();
        assertTrue(out.contains("rank") && out.contains("decision_tree") && out.contains("gradient_boosting"), out);
        assertTrue(out.contains("best: "), out);
    }

    @Test
    void badInputExitsNonZeroWithOneLineNamingTheField(QuarkusMainLauncher launcher) {
        LaunchResult r = launcher.launch(train("--algorithms", "random_forest,svm", "--json"));
        assertNotEquals(0, r.exitCode());
        assertEquals("", r.getOutput().trim(), "nothing on stdout");
        String err = r.getErrorOutput();
        assertTrue(err.contains("canopy: InvalidInputException: --algorithms[1]=\"svm\": unknown algorithm; valid: random_forest"), err);

        LaunchResult missing = launcher.launch("train", "--data", DIR.resolve("nope.csv").toString());
        assertEquals(1, missing.exitCode());
        assertTrue(missing.getErrorOutput().contains("ObjectNotFoundException: object not found"), missing.getErrorOutput());

        LaunchResult fraction = launcher.launch(train("--test-fraction", "1.5"));
        assertEquals(1, fraction.exitCode());
        assertTrue(fraction.getErrorOutput().contains("--test-fraction=\"1.5\""), fraction.getErrorOutput());

        LaunchResult param = launcher.launch(train("--param", "random_forest.depth=3"));
        assertEquals(1, param.exitCode());
        assertTrue(param.getErrorOutput().contains("params.random_forest.depth"), param.getErrorOutput());

        LaunchResult option = launcher.launch("train", "--data", data.toString(), "--colour", "red");
        assertEquals(2, option.exitCode());
        assertTrue(option.getErrorOutput().contains("canopy: Unknown options: '--colour', 'red'"), option.getErrorOutput());
    }

    @Test
    void aDataErrorEveryTrainerWouldHitFailsTheCommandOnce(QuarkusMainLauncher launcher) {
        LaunchResult r = launcher.launch(train("--target", "Price", "--json"));
        assertEquals(1, r.exitCode());
        assertTrue(r.getErrorOutput().contains("canopy: InvalidInputException: --target=\"Price\": no such column"), r.getErrorOutput());
    }

    @Test
    void predictScoresAShardDirectoryAndPrintsTheBatchResponse(QuarkusMainLauncher launcher) throws Exception {
        Path taxi = DIR.resolve("taxi");
        var written = TaxiShards.write(taxi, new int[]{400, 250, 90}, 2);
        LaunchResult r = launcher.launch("predict", "--model", "rule:passenger_count>=2", "--shards", taxi.toString(),
                "--pool-size", "2", "--json");
        assertEquals(0, r.exitCode(), r.getErrorOutput());
        JsonNode json = Json.MAPPER.readTree(r.getOutput());
        assertEquals(740, json.get("rows").asLong());
        assertEquals(written.stream().mapToLong(w -> w[1]).sum(), json.get("scoreSum").asLong());
        assertEquals(3, json.get("succeeded").asInt());
        assertTrue(json.get("modelLoads").asInt() <= 2);

        LaunchResult bad = launcher.launch("predict", "--model", "rule:passenger_count>=2", "--shards", taxi.toString(),
                "--pool-size", "0");
        assertEquals(1, bad.exitCode());
        assertTrue(bad.getErrorOutput().contains("--pool-size=\"0\": must be between 1 and"), bad.getErrorOutput());
    }

    @Test
    void noArgumentsPrintsUsageAndHelpGoesToStdout(QuarkusMainLauncher launcher) {
        LaunchResult r = launcher.launch();
        assertEquals(2, r.exitCode());
        assertTrue(r.getErrorOutput().contains("Usage: canopy [-hV] [COMMAND]"), r.getErrorOutput());

        LaunchResult help = launcher.launch("bench", "cold-start", "--help");
        assertEquals(0, help.exitCode(), help.getErrorOutput());
        assertTrue(help.getOutput().contains("Usage: canopy bench cold-start "), help.getOutput());
    }

    /** invoke in-process, through the application's own invoker: by deployed name, and a function's error. */
    @Test
    void invokePrintsTheFunctionsAnswerOrItsError(QuarkusMainLauncher launcher) throws Exception {
        Path taxi = DIR.resolve("invoke-taxi");
        long twoPlus = TaxiShards.write(taxi, new int[]{300}, 4).getFirst()[1];
        String shard = taxi.resolve(String.format(TaxiShards.NAME, 0)).toString();
        LaunchResult r = launcher.launch("invoke", "canopy-predict", "--payload",
                Json.writeString(java.util.Map.of("modelUri", "rule:passenger_count>=2", "shard", shard)));
        assertEquals(0, r.exitCode(), r.getErrorOutput());
        JsonNode answer = Json.MAPPER.readTree(r.getOutput());
        assertEquals(300, answer.get("rows").asLong());
        assertEquals(twoPlus, answer.get("scoreSum").asLong());

        LaunchResult bad = launcher.launch("invoke", "status", "--payload", "{\"runId\": \"../../etc\"}");
        assertEquals(1, bad.exitCode());
        assertEquals("", bad.getOutput().trim());
        assertTrue(bad.getErrorOutput().startsWith("canopy: InvalidInputException: runId=\"../../etc\""), bad.getErrorOutput());
    }
}
