package dev.canopy.cli;

import dev.canopy.inference.BatchPredictRequest;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** predict's --keep-columns and --output-format reach the request; bad values are usage errors (exit 2). */
class PredictKeepOptionsTest {

    private static BatchPredictRequest request(String... args) {
        CommandLine cl = CanopyCommand.commandLine(CommandLine.defaultFactory());
        PredictCommand predict = (PredictCommand) cl.parseArgs(args).subcommand().commandSpec().userObject();
        return predict.batch.request();
    }

    @Test
    void optionsReachTheRequest() {
        BatchPredictRequest r = request("predict", "--model", "rule:x>1", "--shards", "s/", "--out", "o/",
                "--keep-columns", "id, name", "--keep-columns", "region", "--output-format", "CSV");
        assertEquals(List.of("id", "name", "region"), r.keepColumns());
        assertEquals("csv", r.outputFormat());
        BatchPredictRequest none = request("predict", "--model", "rule:x>1", "--shards", "s/");
        assertNull(none.keepColumns());
        assertNull(none.outputFormat(), "the service applies the default (parquet)");
        assertEquals("parquet", request("predict", "--model", "rule:x>1", "--shards", "s/", "--output-format", "parquet")
                .outputFormat());
    }

    @Test
    void badValuesAreUsageErrors() {
        record Case(String stderr, String... args) {
        }
        for (Case c : List.of(
                new Case("Invalid value for option '--output-format': expected one of [parquet, csv] (case-insensitive) but was 'xml'",
                        "--output-format", "xml"),
                new Case("Invalid value for option '--keep-columns': keepColumns=\"id\": the column is named twice",
                        "--keep-columns", "id,id"),
                new Case("Invalid value for option '--keep-columns': keepColumns=\"prediction\"", "--keep-columns", "prediction"),
                new Case("Invalid value for option '--keep-columns': keepColumns=\"[id, , name]\": a column name is blank",
                        "--keep-columns", "id,,name"),
                new Case("Missing required parameter for option '--keep-columns'", "--keep-columns"))) {
            String[] args = java.util.stream.Stream.concat(java.util.stream.Stream.of("predict", "--model", "rule:x>1",
                    "--shards", "s/", "--out", "o/"), java.util.Arrays.stream(c.args())).toArray(String[]::new);
            CommandLineTest.Result r = CommandLineTest.run(args);
            assertEquals(2, r.exit(), List.of(args) + ": " + r.err());
            assertTrue(r.err().startsWith("canopy: " + c.stderr()), r.err());
            assertEquals("", r.out());
        }
    }

    @Test
    void helpListsTheOptions() {
        CommandLineTest.Result r = CommandLineTest.run("predict", "--help");
        assertTrue(r.out().contains("--keep-columns=<column>[,<column>...]") && r.out().contains("--output-format=parquet|csv"),
                r.out());
    }
}
