package dev.canopy.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.canopy.cli.InProcessCli.Run;
import dev.canopy.json.Json;
import dev.canopy.sample.TaxiShards;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The command line's commands, run in-process ({@link InProcessCli}): the table, errors, predict, help and
 * invoke. {@link CanopyMainTest} launches the real main for what only the main wires.
 */
@QuarkusTest
class CanopyCommandTest {
    // not CanopyMainTest's folder: that class empties its out/ folder, maybe while this one runs in the other fork
    static final Path DIR = Path.of("target", "cli-commands").toAbsolutePath();
    static Path data;

    @BeforeAll
    static void data() throws Exception {
        data = SmallTraining.housing(DIR);
    }

    private static String[] train(String... extra) {
        return SmallTraining.args(data, DIR.resolve("out"), extra);
    }

    @Test
    void tableModeListsResultsBestFirst() {
        Run r = InProcessCli.run("train", "--data", data.toString(), "--out", DIR.resolve("out").toString(),
                "--algorithms", "decision_tree,xgboost", "--param", "xgboost.trees=10");
        assertEquals(0, r.exitCode(), r.stderr());
        String out = r.stdout();
        assertTrue(out.contains("rank") && out.contains("decision_tree") && out.contains("gradient_boosting"), out);
        assertTrue(out.contains("best: "), out);
    }

    /** (The usage error, exit 2, is CanopyMainTest's: the real main's.) */
    @Test
    void badInputExitsNonZeroWithOneLineNamingTheField() {
        Run r = InProcessCli.run(train("--algorithms", "random_forest,svm", "--json"));
        assertNotEquals(0, r.exitCode());
        assertEquals("", r.stdout().trim(), "nothing on stdout");
        String err = r.stderr();
        assertTrue(err.contains("canopy: InvalidInputException: --algorithms[1]=\"svm\": unknown algorithm; valid: random_forest"), err);

        Run missing = InProcessCli.run("train", "--data", DIR.resolve("nope.csv").toString());
        assertEquals(1, missing.exitCode());
        assertTrue(missing.stderr().contains("ObjectNotFoundException: object not found"), missing.stderr());

        Run fraction = InProcessCli.run(train("--test-fraction", "1.5"));
        assertEquals(1, fraction.exitCode());
        assertTrue(fraction.stderr().contains("--test-fraction=\"1.5\""), fraction.stderr());

        Run param = InProcessCli.run(train("--param", "random_forest.depth=3"));
        assertEquals(1, param.exitCode());
        assertTrue(param.stderr().contains("params.random_forest.depth"), param.stderr());
    }

    @Test
    void predictScoresAShardDirectoryAndPrintsTheBatchResponse() throws Exception {
        Path taxi = DIR.resolve("taxi");
        var written = TaxiShards.write(taxi, new int[]{400, 250, 90}, 2);
        Run r = InProcessCli.run("predict", "--model", "rule:passenger_count>=2", "--shards", taxi.toString(),
                "--pool-size", "2", "--json");
        assertEquals(0, r.exitCode(), r.stderr());
        JsonNode json = Json.MAPPER.readTree(r.stdout());
        assertEquals(740, json.get("rows").asLong());
        assertEquals(written.stream().mapToLong(w -> w[1]).sum(), json.get("scoreSum").asLong());
        assertEquals(3, json.get("succeeded").asInt());
        // at most one load a worker; fewer when an earlier command in this JVM left the model in the cache
        assertTrue(json.get("modelLoads").asInt() <= 2);

        Run bad = InProcessCli.run("predict", "--model", "rule:passenger_count>=2", "--shards", taxi.toString(),
                "--pool-size", "0");
        assertEquals(1, bad.exitCode());
        assertTrue(bad.stderr().contains("--pool-size=\"0\": must be between 1 and"), bad.stderr());
    }

    @Test
    void noArgumentsPrintsUsageAndHelpGoesToStdout() {
        Run r = InProcessCli.run();
        assertEquals(2, r.exitCode());
        assertTrue(r.stderr().contains("Usage: canopy [-hV] [COMMAND]"), r.stderr());

        Run help = InProcessCli.run("bench", "cold-start", "--help");
        assertEquals(0, help.exitCode(), help.stderr());
        assertTrue(help.stdout().contains("Usage: canopy bench cold-start "), help.stdout());
    }

    /** invoke in-process, through the application's own invoker: by deployed name, and a function's error. */
    @Test
    void invokePrintsTheFunctionsAnswerOrItsError() throws Exception {
        Path taxi = DIR.resolve("invoke-taxi");
        long twoPlus = TaxiShards.write(taxi, new int[]{300}, 4).getFirst()[1];
        String shard = taxi.resolve(String.format(TaxiShards.NAME, 0)).toString();
        Run r = InProcessCli.run("invoke", "canopy-predict", "--payload",
                Json.writeString(java.util.Map.of("modelUri", "rule:passenger_count>=2", "shard", shard)));
        assertEquals(0, r.exitCode(), r.stderr());
        JsonNode answer = Json.MAPPER.readTree(r.stdout());
        assertEquals(300, answer.get("rows").asLong());
        assertEquals(twoPlus, answer.get("scoreSum").asLong());

        Run bad = InProcessCli.run("invoke", "status", "--payload", "{\"runId\": \"../../etc\"}");
        assertEquals(1, bad.exitCode());
        assertEquals("", bad.stdout().trim());
        assertTrue(bad.stderr().startsWith("canopy: InvalidInputException: runId=\"../../etc\""), bad.stderr());
    }
}
