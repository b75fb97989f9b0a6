package dev.canopy.cli;

import dev.canopy.cli.InProcessCli.Run;
import dev.canopy.sample.TaxiShards;
import dev.canopy.testing.TestData;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Progress on stderr as the command line shows it where stderr is not a terminal (as here, in a Surefire
 * fork): plain lines, the last one with the totals; and log lines about a shard name the shard.
 */
@QuarkusTest
class CliProgressTest {
    static final Path DIR = Path.of("target", "cli-progress").toAbsolutePath();
    static Path taxi;

    @BeforeAll
    static void shards() throws Exception {
        taxi = DIR.resolve("taxi");
        TaxiShards.write(taxi, new int[]{300, 200, 100}, 6);
    }

    private static List<String> progressLines(String stderr, String unit) {
        return stderr.lines().filter(l -> l.startsWith(unit + " ")).toList();
    }

    @Test
    void predictPrintsProgressLinesEndingWithTheTotals() {
        Path out = DIR.resolve("out-" + System.currentTimeMillis()); // this build's own: target/ outlives builds
        Run r = InProcessCli.run("predict", "--model", "rule:passenger_count>=2", "--shards", taxi.toString(),
                "--pool-size", "2", "--out", out.toString());
        assertEquals(0, r.exitCode(), r.stderr());
        String err = r.stderr();
        assertFalse(err.contains("\r") || err.contains("\033"), "no terminal control in a log: " + err);
        List<String> lines = progressLines(err, "shards");
        assertFalse(lines.isEmpty(), err);
        assertTrue(lines.getLast().matches("shards 3/3 · [\\d,]+ rows/s · 0 failed · done in \\d+:\\d\\d"), lines.toString());
        for (String l : lines) {
            assertTrue(l.matches("shards \\d/3 · ([\\d,]+|–) rows/s · \\d failed · (~\\d+:\\d\\d left|– left|done in \\d+:\\d\\d)"), l);
        }
        assertTrue(Files.exists(out.resolve("_progress.json")), "the batch published its progress");

        String runId = "quiet-" + System.nanoTime();
        Run quiet = InProcessCli.run("predict", "--model", "rule:passenger_count>=2", "--shards", taxi.toString(),
                "--progress", "none", "--json", "--run-id", runId);
        assertEquals(0, quiet.exitCode(), quiet.stderr());
        assertEquals(List.of(), progressLines(quiet.stderr(), "shards"));
        // issue 24, item 10: a batch without --out keeps its progress under canopy.output-uri, which tests set to
        // target/canopy-out: a test run leaves nothing in the user's ./canopy-out
        assertTrue(Files.exists(Path.of("target", "canopy-out", "_progress-" + runId + ".json")));
        assertFalse(Files.exists(Path.of("canopy-out", "_progress-" + runId + ".json")));
    }

    @Test
    void aFailedShardsLogLineNamesTheShard() throws Exception {
        Path mixed = DIR.resolve("mixed");
        TaxiShards.write(mixed, new int[]{120}, 7);
        Path corrupt = mixed.resolve("corrupt.parquet");
        Files.writeString(corrupt, "not parquet at all");
        Run r = InProcessCli.run("predict", "--model", "rule:passenger_count>=2", "--shards", mixed.toString(),
                "--tolerated-failure-percentage", "100", "--json");
        assertEquals(0, r.exitCode(), r.stderr());
        // (log lines are on stderr, as in a real run; both streams are searched, so none is missed)
        String all = r.stdout() + r.stderr();
        List<String> warnings = all.lines().filter(l -> l.matches("^\\d{4}-\\d\\d-\\d\\d .* WARN .*")).toList();
        assertFalse(warnings.isEmpty(), all);
        for (String w : warnings) {
            assertTrue(w.contains("shard=" + corrupt + "}") || w.contains("shard=" + corrupt + ","), w);
        }
        assertTrue(progressLines(r.stderr(), "shards").getLast().matches("shards 2/2 · .* · 1 failed · done in .*"),
                r.stderr());
    }

    @Test
    void trainPrintsTrainerProgressEndingWithTheTotals() throws Exception {
        Files.createDirectories(DIR);
        Path data = DIR.resolve("housing.csv");
        Files.write(data, TestData.housingCsvBytes(300, 3));
        Run r = InProcessCli.run("train", "--data", data.toString(), "--out", DIR.resolve("runs").toString(),
                "--algorithms", "decision_tree,random_forest", "--param", "random_forest.trees=5", "--progress", "lines");
        assertEquals(0, r.exitCode(), r.stderr());
        List<String> lines = progressLines(r.stderr(), "trainers");
        assertFalse(lines.isEmpty(), r.stderr());
        assertTrue(lines.getLast().matches("trainers 2/2 · 0 failed · done in \\d+:\\d\\d"), lines.toString());

        Run bad = InProcessCli.run("train", "--data", data.toString(), "--progress", "sometimes");
        assertEquals(2, bad.exitCode());
        assertTrue(bad.stderr().contains("canopy: Invalid value for option '--progress'")
                && bad.stderr().contains("'sometimes'"), bad.stderr());
    }
}
