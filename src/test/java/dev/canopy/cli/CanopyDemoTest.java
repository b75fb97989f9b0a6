package dev.canopy.cli;

import dev.canopy.cli.InProcessCli.Run;
import dev.canopy.sample.BinaryHousing;
import dev.canopy.testing.TestData;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code demo} on a machine with no cached copy and no way to download one: it explains how to pass the data,
 * and {@code demo --task binary} trains on data it makes itself, or on {@code --data} with MedHouseVal made a
 * class. The test profile (application.properties, {@code %test.canopy.data.*}) is that machine: an empty
 * cache and a download URL nothing answers.
 */
@QuarkusTest
class CanopyDemoTest {

    @Test
    void explainsHowToPassTheDataWhenItCannotBeDownloaded() {
        Run r = InProcessCli.run("demo", "--json");
        assertEquals(1, r.exitCode());
        assertTrue(r.stderr().contains("could not be downloaded")
                && r.stderr().contains("--data <path to california_housing.csv>"), r.stderr());
    }

    static final String[] FEW_TREES = {"--param", "random_forest.trees=20", "--param", "gradient_boosting.trees=30"};

    /** The ranking's rows of demo's table: algorithm names in the order printed. */
    static List<String> ranked(String out) {
        return out.lines().map(String::strip).filter(l -> l.matches("[0-9]+\\s+\\w+\\s+DONE.*"))
                .map(l -> l.split("\\s+")[1]).toList();
    }

    @Test
    void binaryWithoutDataTrainsOnRowsItMakesAndPrintsTheRanking(@TempDir Path out) throws Exception {
        String[] args = {"demo", "--task", "binary", "--out", out.toString(), "--run-id", "made", FEW_TREES[0],
                FEW_TREES[1], FEW_TREES[2], FEW_TREES[3]};
        Run r = InProcessCli.run(args);
        assertEquals(0, r.exitCode(), r.stderr());
        assertTrue(r.stderr().contains("4000 rows made here"), r.stderr());
        List<String> lines = r.stdout().lines().toList();
        assertTrue(lines.getFirst().startsWith("task binary") && lines.getFirst().contains(BinaryHousing.TARGET),
                r.stdout());
        String header = lines.stream().filter(l -> l.startsWith("rank")).findFirst().orElseThrow();
        assertTrue(header.contains("log loss") && header.contains("roc auc") && !header.contains("mse"), header);
        assertEquals(3, ranked(r.stdout()).size(), "the three algorithms, ranked: " + r.stdout());
        assertTrue(Files.isRegularFile(out.resolve("demo-data").resolve("california_housing_binary.csv")));
        assertTrue(Files.isRegularFile(out.resolve("made").resolve("result.json")), "the run's result");
    }

    @Test
    void binaryWithDataDerivesItsClassFromMedHouseVal(@TempDir Path dir) throws Exception {
        Path csv = dir.resolve("housing.csv");
        Files.writeString(csv, TestData.housingCsv(600, 5));
        String[] args = {"demo", "--task", "binary", "--data", csv.toString(), "--out", dir.resolve("out").toString(),
                FEW_TREES[0], FEW_TREES[1], FEW_TREES[2], FEW_TREES[3]};
        Run r = InProcessCli.run(args);
        assertEquals(0, r.exitCode(), r.stderr());
        assertTrue(r.stderr().contains("= MedHouseVal > 2, from " + csv), r.stderr());
        assertTrue(r.stdout().lines().findFirst().orElseThrow().startsWith("task binary"), r.stdout());
        assertTrue(r.stdout().contains("600 rows"), r.stdout());
        assertEquals(3, ranked(r.stdout()).size(), r.stdout());

        // data without California housing's target is refused, naming --data
        Path other = dir.resolve("other.csv");
        Files.writeString(other, "x,y\n1,2\n");
        Run bad = InProcessCli.run("demo", "--task", "binary", "--data", other.toString(), "--out",
                dir.resolve("out").toString());
        assertTrue(bad.exitCode() != 0, bad.stderr());
        assertTrue(bad.stderr().contains("--data") && bad.stderr().contains("no MedHouseVal column"),
                bad.stderr());
    }
}
