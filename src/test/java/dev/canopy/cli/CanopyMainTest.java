package dev.canopy.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.canopy.json.Json;
import io.quarkus.test.junit.main.LaunchResult;
import io.quarkus.test.junit.main.QuarkusMainLauncher;
import io.quarkus.test.junit.main.QuarkusMainTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real main, launched as {@code java -jar} would launch it, for what only the main wires: its stdout,
 * stderr and exit code. Each launch boots Quarkus (a second of CPU), so these are few; the commands themselves
 * run in-process in one booted Quarkus ({@link InProcessCli}, {@link CanopyCommandTest} and the other CLI tests).
 */
@QuarkusMainTest
class CanopyMainTest {
    static final Path DIR = Path.of("target", "cli-tests").toAbsolutePath();
    static Path data;

    @BeforeAll
    static void data() throws Exception {
        // a fixed run id below rewrites the data each time: an earlier build's run of that id would be another request
        if (Files.exists(DIR.resolve("out"))) {
            try (var files = Files.walk(DIR.resolve("out"))) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
        data = SmallTraining.housing(DIR);
    }

    private static String[] train(String... extra) {
        return SmallTraining.args(data, DIR.resolve("out"), extra);
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
    void aDataErrorEveryTrainerWouldHitFailsTheCommandOnce(QuarkusMainLauncher launcher) {
        LaunchResult r = launcher.launch(train("--target", "Price", "--json"));
        assertEquals(1, r.exitCode());
        assertTrue(r.getErrorOutput().contains("canopy: InvalidInputException: --target=\"Price\": no such column"), r.getErrorOutput());
        assertEquals(1, canopyLines(r.getErrorOutput()), r.getErrorOutput());
    }

    @Test
    void aUsageErrorExitsTwoWithOneLine(QuarkusMainLauncher launcher) {
        LaunchResult option = launcher.launch("train", "--data", data.toString(), "--colour", "red");
        assertEquals(2, option.exitCode());
        assertTrue(option.getErrorOutput().contains("canopy: Unknown options: '--colour', 'red'"), option.getErrorOutput());
        assertEquals(1, canopyLines(option.getErrorOutput()), option.getErrorOutput());
    }

    private static long canopyLines(String stderr) {
        return stderr.lines().filter(l -> l.startsWith("canopy: ")).count();
    }
}
