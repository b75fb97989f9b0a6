package dev.canopy.cli;

import dev.canopy.cli.InProcessCli.Run;
import dev.canopy.testing.TestData;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** train says where the run went and which model is best; status lists runs and says where it looked. */
@QuarkusTest
class RunLocationsTest {
    static final Path DIR = Path.of("target", "cli-run-locations").toAbsolutePath();

    @Test
    void trainNamesTheRunAndBestModelAndStatusListsRuns() throws Exception {
        Files.createDirectories(DIR);
        Path data = DIR.resolve("housing;gaps.csv");
        // semicolons, a pandas index, a text column and a gap: what a user's file looks like
        StringBuilder csv = new StringBuilder(";");
        String[] lines = TestData.housingCsv(300, 4).split("\n");
        csv.append(lines[0].replace(',', ';')).append(";region\n");
        for (int i = 1; i < lines.length; i++) {
            String row = lines[i].replace(',', ';');
            csv.append(i - 1).append(';').append(i == 7 ? row.replaceFirst("^[^;]*", "NA") : row)
                    .append(';').append(i % 3 == 0 ? "A" : "B").append('\n');
        }
        Files.writeString(data, csv);
        Path out = DIR.resolve("out-" + System.nanoTime());
        Run r = InProcessCli.run("train", "--data", data.toString(), "--out", out.toString(), "--run-id", "loc-1",
                "--algorithms", "decision_tree", "--missing", "drop", "--categorical", "auto");
        assertEquals(0, r.exitCode(), r.stderr());
        String text = r.stdout();
        assertTrue(text.contains("best: decision_tree  model " + out + "/loc-1/models/decision_tree.trees"), text);
        assertTrue(text.contains("run written to " + out + "/loc-1"), text);
        assertTrue(text.contains("features: MedInc, HouseAge, AveRooms, AveBedrms, Population, AveOccup, Latitude, "
                + "Longitude, region (categorical)"), text);
        assertTrue(text.contains("left out: (unnamed first column)"), text);
        assertTrue(text.contains("missing values (policy drop): MedInc 1; 1 rows dropped"), text);

        Run second = InProcessCli.run("train", "--data", data.toString(), "--out", out.toString(), "--run-id",
                "loc-2", "--algorithms", "decision_tree", "--missing", "impute");
        assertEquals(0, second.exitCode(), second.stderr());
        Run list = InProcessCli.run("status", "--out", out.toString());
        assertEquals(0, list.exitCode(), list.stderr());
        String runs = list.stdout();
        assertTrue(runs.contains("runs under " + out + ", newest first"), runs);
        assertTrue(runs.indexOf("loc-2") >= 0 && runs.indexOf("loc-2") < runs.indexOf("loc-1"), runs);

        Run unknown = InProcessCli.run("status", "--run", "loc-9", "--out", out.toString());
        assertEquals(1, unknown.exitCode());
        assertTrue(unknown.stderr().contains("canopy: ObjectNotFoundException: no run \"loc-9\" under " + out
                + " (looked for " + out + "/loc-9/status/); the newest there: loc-2, loc-1"), unknown.stderr());
    }
}
