package dev.canopy.cli;

import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.junit.main.LaunchResult;
import io.quarkus.test.junit.main.QuarkusMainLauncher;
import io.quarkus.test.junit.main.QuarkusMainTest;
import dev.canopy.sample.BinaryHousing;
import dev.canopy.testing.TestData;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code demo} on a machine with no cached copy and no way to download one: it explains how to pass the data,
 * and {@code demo --task binary} trains on data it makes itself, or on {@code --data} with MedHouseVal made a
 * class.
 */
@QuarkusMainTest
@TestProfile(CanopyDemoTest.Offline.class)
class CanopyDemoTest {

    public static final class Offline implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("canopy.data.cache-dir", Path.of("target", "empty-cache").toAbsolutePath().toString(),
                    "canopy.data.california-housing-url", "http://127.0.0.1:9/cal_housing.tgz",
                    "canopy.data.http-timeout", "PT2S",
                    "quarkus.devservices.enabled", "false");
        }
    }

    @Test
    void explainsHowToPassTheDataWhenItCannotBeDownloaded(QuarkusMainLauncher launcher) {
        LaunchResult r = launcher.launch("demo", "--json");
        assertEquals(1, r.exitCode());
        assertTrue(r.getErrorOutput().contains("could not be downloaded")
                && r.getErrorOutput().contains("--data <path to california_housing.csv>"), r.getErrorOutput());
    }

    static final String[] FEW_TREES = {"--param", "random_forest.trees=20", "--param", "gradient_boosting.trees=30"};

    /** The ranking's rows of demo's table: algorithm names in the order printed. */
    static List<String> ranked(String out) {
        return out.lines().map(String::strip).filter(l -> l.matches("[0-9]+\\s+\\w+\\s+DONE.*"))
                .map(l -> l.split("\\s+")[1]).toList();
    }

    @Test
    void binaryWithoutDataTrainsOnRowsItMakesAndPrintsTheRanking(QuarkusMainLauncher launcher) throws Exception {
        Path out = Files.createTempDirectory("canopy-demo-binary");
        String[] args = {"demo", "--task", "binary", "--out", out.toString(), "--run-id", "made", FEW_TREES[0],
                FEW_TREES[1], FEW_TREES[2], FEW_TREES[3]};
        LaunchResult r = launcher.launch(args);
        assertEquals(0, r.exitCode(), r.getErrorOutput());
        assertTrue(r.getErrorOutput().contains("4000 rows made here"), r.getErrorOutput());
        List<String> lines = r.getOutput().lines().toList();
        assertTrue(lines.getFirst().startsWith("task binary") && lines.getFirst().contains(BinaryHousing.TARGET),
                r.getOutput());
        String header = lines.stream().filter(l -> l.startsWith("rank")).findFirst().orElseThrow();
        assertTrue(header.contains("log loss") && header.contains("roc auc") && !header.contains("mse"), header);
        assertEquals(3, ranked(r.getOutput()).size(), "the three algorithms, ranked: " + r.getOutput());
        assertTrue(Files.isRegularFile(out.resolve("demo-data").resolve("california_housing_binary.csv")));
        assertTrue(Files.isRegularFile(out.resolve("made").resolve("result.json")), "the run's result");
    }

    @Test
    void binaryWithDataDerivesItsClassFromMedHouseVal(QuarkusMainLauncher launcher) throws Exception {
        Path dir = Files.createTempDirectory("canopy-demo-binary-data");
        Path csv = dir.resolve("housing.csv");
        Files.writeString(csv, TestData.housingCsv(600, 5));
        String[] args = {"demo", "--task", "binary", "--data", csv.toString(), "--out", dir.resolve("out").toString(),
                FEW_TREES[0], FEW_TREES[1], FEW_TREES[2], FEW_TREES[3]};
        LaunchResult r = launcher.launch(args);
        assertEquals(0, r.exitCode(), r.getErrorOutput());
        assertTrue(r.getErrorOutput().contains("= MedHouseVal > 2, from " + csv), r.getErrorOutput());
        assertTrue(r.getOutput().lines().findFirst().orElseThrow().startsWith("task binary"), r.getOutput());
        assertTrue(r.getOutput().contains("600 rows"), r.getOutput());
        assertEquals(3, ranked(r.getOutput()).size(), r.getOutput());

        // data without California housing's target is refused, naming --data
        Path other = dir.resolve("other.csv");
        Files.writeString(other, "x,y\n1,2\n");
        LaunchResult bad = launcher.launch("demo", "--task", "binary", "--data", other.toString(), "--out",
                dir.resolve("out").toString());
        assertTrue(bad.exitCode() != 0, bad.getErrorOutput());
        assertTrue(bad.getErrorOutput().contains("--data") && bad.getErrorOutput().contains("no MedHouseVal column"),
                bad.getErrorOutput());
    }
}
