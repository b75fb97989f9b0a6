package dev.canopy.cli;

import dev.canopy.cli.InProcessCli.Run;
import dev.canopy.testing.TestData;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The command line's part of the bad-input table: every bad invocation exits non-zero (2 for a usage error,
 * 1 for a failed command) with one {@code canopy:} line on stderr naming the option or field, prints nothing
 * on stdout and writes nothing but FAILED status.
 */
@QuarkusTest
class CliBadInputTest {
    static final Path DIR = Path.of("target", "cli-bad-inputs").toAbsolutePath();

    record Case(String name, int exit, String stderr, String... args) {
    }

    @Test
    void everyBadInvocationExitsNonZeroWithOneLineNamingTheField() throws IOException {
        Files.createDirectories(DIR);
        Path data = DIR.resolve("housing.csv");
        Files.write(data, TestData.housingCsvBytes(200, 8));
        Path nanTarget = DIR.resolve("nan.csv");
        Files.writeString(nanTarget, TestData.housingCsv(200, 8).replaceFirst("\n([^\n]*),[^,\n]*\n", "\n$1,NaN\n"));
        Path gaps = DIR.resolve("gaps.csv");
        Files.writeString(gaps, TestData.housingCsv(200, 8).replaceFirst("\n[^,\n]*,", "\nNA,"));
        String d = data.toString();
        List<Case> cases = List.of(
                new Case("unknown command", 2, "Unmatched argument at index 0: 'fly'", "fly"),
                new Case("unknown option", 2, "Unknown options: '--colour', 'red'", "train", "--data", d, "--colour", "red"),
                new Case("option without its value", 2, "Missing required parameter for option '--data'", "train", "--data"),
                new Case("pool size not a number", 2, "Invalid value for option '--pool-size': 'six' is not an int", "predict",
                        "--model", "rule:passenger_count>=2", "--shards", DIR.toString(), "--pool-size", "six"),
                new Case("repeat on predict", 2, "Unknown options: '--repeat', '3'", "predict", "--model",
                        "rule:passenger_count>=2", "--shards", DIR.toString(), "--repeat", "3"),
                new Case("stray word", 2, "Unmatched argument at index 5: 'HouseAge'", "train", "--data", d, "--features",
                        "MedInc", "HouseAge", "--out", "${OUT}"),
                new Case("negative pool size", 1, "--pool-size=\"-2\": must be between 1 and", "predict", "--model",
                        "rule:passenger_count>=2", "--shards", DIR.toString(), "--pool-size", "-2"),
                new Case("unknown missing policy", 1, "missing=\"maybe\": unknown missing-value policy", "train", "--data", d,
                        "--missing", "maybe", "--out", "${OUT}"),
                new Case("unknown categorical mode", 1, "categorical=\"yes\": must be auto", "train", "--data", d,
                        "--categorical", "yes", "--out", "${OUT}"),
                new Case("category cap of one", 1, "--max-categories=\"1\": must be between 2", "train", "--data", d,
                        "--max-categories", "1", "--out", "${OUT}"),
                new Case("unknown task", 1, "--task=\"clustering\": must be one of auto, regression, binary, multiclass",
                        "train", "--data", d, "--task", "clustering", "--out", "${OUT}"),
                new Case("unknown class weight", 1, "--class-weight=\"heavy\": must be none", "train", "--data", d,
                        "--class-weight", "heavy", "--out", "${OUT}"),
                new Case("unknown metric", 1, "--metric=\"f2\": must be one of log_loss", "train", "--data", d,
                        "--metric", "f2", "--out", "${OUT}"),
                new Case("a class cap of one", 1, "--max-classes=\"1\": must be between 2 and 1000", "train", "--data", d,
                        "--max-classes", "1", "--out", "${OUT}"),
                new Case("stratified regression", 1, "--stratify=\"true\": a stratified split needs a classification",
                        "train", "--data", d, "--stratify", "--out", "${OUT}"),
                new Case("two-character delimiter", 1, "delimiter=\"::\": a delimiter is one character", "train", "--data", d,
                        "--delimiter", "::", "--out", "${OUT}"),
                new Case("gaps under the default policy", 1, "canopy: InvalidInputException: features=\"MedInc\": has 1 of 200 rows without a value", "train",
                        "--data", gaps.toString(), "--algorithms", "decision_tree", "--out", "${OUT}", "--json"),
                new Case("unknown algorithm", 1, "algorithms[0]=\"svm\": unknown algorithm", "train", "--data", d,
                        "--algorithms", "svm", "--out", "${OUT}"),
                new Case("NaN test fraction", 1, "--test-fraction=\"NaN\"", "train", "--data", d, "--test-fraction", "NaN",
                        "--out", "${OUT}"),
                new Case("NaN in the target column", 1, "MedHouseVal", "train", "--data", nanTarget.toString(),
                        "--algorithms", "decision_tree", "--out", "${OUT}", "--json"),
                new Case("huge parameter", 1, "params.gradient_boosting.trees=\"1e12\"", "train", "--data", d,
                        "--param", "gradient_boosting.trees=1e12", "--out", "${OUT}"),
                new Case("run id that climbs out", 1, "runId=\"../../etc\"", "status", "--run", "../../etc", "--out", "${OUT}"),
                new Case("missing data file", 1, "ObjectNotFoundException: object not found", "train", "--data",
                        DIR.resolve("nope.csv").toString(), "--out", "${OUT}"),
                new Case("bad rule", 1, "modelUri=\"rule:passenger_count=>2\"", "predict", "--model", "rule:passenger_count=>2",
                        "--shards", DIR.toString()),
                new Case("overwrite takes no value", 2, "Unmatched argument at index 4: 'yes'", "train", "--data", d,
                        "--overwrite", "yes", "--out", "${OUT}"),
                new Case("resume from a missing manifest", 1, "resumeFrom=\"" + DIR.resolve("none/_manifest.json")
                        + "\": no manifest there", "predict", "--resume", DIR.resolve("none/_manifest.json").toString()),
                new Case("resume and overwrite at once", 1, "overwrite=\"true\": cannot be combined with resumeFrom",
                        "predict", "--resume", DIR.resolve("none/_manifest.json").toString(), "--overwrite"),
                new Case("predict without a model or a manifest", 2, "Missing required option: '--model=<uri|rule:EXPR>'",
                        "predict", "--shards", DIR.toString()),
                new Case("unsupported storage scheme", 1, "unsupported scheme", "train", "--data", "ftp://example.com/h.csv",
                        "--out", "${OUT}"),
                new Case("cold start of an unknown function", 1, "--function=\"fly\": must be one of", "bench",
                        "cold-start", "--function", "fly"),
                new Case("cold start in an unknown layout", 2, "Invalid value for option '--layout'", "bench",
                        "cold-start", "--layout", "jar"),
                new Case("cold start with too little memory", 1, "--memory=\"64\": must be between 128 and 10240", "bench",
                        "cold-start", "--memory", "64"),
                new Case("cold start on no CPU", 1, "--cpus=\"0\": must be between 1 and", "bench", "cold-start",
                        "--target", DIR.toString(), "--cpus", "0"),
                new Case("AOT cache in the zip layout", 1, "--aot-cache=\"x.aot\": needs --layout classpath", "bench",
                        "cold-start", "--aot-cache", "x.aot"),
                new Case("runtime cache with the class-path layout", 1, "--runtime-aot-cache=\"r.aot\": is the runtime's",
                        "bench", "cold-start", "--layout", "classpath", "--runtime-aot-cache", "r.aot"));
        List<String> failures = new ArrayList<>();
        int n = 0;
        // target/ outlives a build: a folder of this build's own, so an earlier build's outputs are never in the way
        String build = Long.toString(System.currentTimeMillis(), 36);
        for (Case c : cases) {
            Path out = DIR.resolve("out-" + build + "-" + n++);
            String[] args = Stream.of(c.args()).map(a -> a.replace("${OUT}", out.toString())).toArray(String[]::new);
            Run r = InProcessCli.run(args);
            String err = r.stderr();
            List<String> errorLines = err.lines().filter(l -> l.startsWith("canopy: ")).toList();
            // (log lines are on stderr, as in a real run, where they never start with "canopy: ")
            // (a training run whose every trainer failed still prints its result, which lists each failure)
            boolean stdoutEmpty = r.stdout().lines().allMatch(l -> l.isBlank()
                    || l.startsWith("{\"runId\"") && !l.contains("\"state\":\"DONE\""));
            if (r.exitCode() != c.exit() || !stdoutEmpty || errorLines.size() != 1
                    || !errorLines.getFirst().contains(c.stderr()) || !leftNothing(out)) {
                failures.add(c.name() + ": exit " + r.exitCode() + ", stdout [" + r.stdout() + "], stderr [" + err + "]");
            }
        }
        assertEquals(List.of(), failures);
    }

    /** Nothing but the record of a failed run: no model, no predictions, no manifest. */
    private static boolean leftNothing(Path out) throws IOException {
        if (!Files.exists(out)) {
            return true;
        }
        try (Stream<Path> files = Files.walk(out)) {
            // a failed run's record (status FAILED, a result listing only failures, the request) is not output
            return files.filter(Files::isRegularFile).allMatch(p -> p.getParent().getFileName().toString().equals("status")
                    ? readQuietly(p).contains("\"FAILED\"")
                    : p.getFileName().toString().equals("request.json")
                    || p.getFileName().toString().equals("result.json") && !readQuietly(p).contains("\"DONE\""));
        }
    }

    private static String readQuietly(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            return "";
        }
    }
}
