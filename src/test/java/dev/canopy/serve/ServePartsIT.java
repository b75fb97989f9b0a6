package dev.canopy.serve;

import com.fasterxml.jackson.databind.JsonNode;
import dev.canopy.data.DatasetParts;
import dev.canopy.json.Json;
import dev.canopy.sample.RegressionParts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A folder of Parquet parts trains end to end through serve in lambda mode: the packaged command line invokes
 * supervise in serve, which pins the parts' version and invokes each train instance (its own JVM, heap sized as
 * Lambda's java25 runtime sizes it) through serve again; each trainer lists, reads and checks the parts.
 */
class ServePartsIT {
    @TempDir
    static Path dir;
    static ServeProcess serve;

    @BeforeAll
    static void start() throws Exception {
        // the shared 2-core machine can take over a minute to start three trainer JVMs at once (its first run
        // here failed so: serve's default 60 s init timeout); what this test checks is the parts, not init speed
        serve = ServeProcess.start(dir, "--quiet", "--init-timeout", "300");
    }

    @AfterAll
    static void stop() {
        if (serve != null) {
            serve.close();
        }
    }

    @Test
    void aFolderOfPartsTrainsThroughServe() throws Exception {
        Path parts = dir.resolve("trips");
        RegressionParts.write(parts, 12_000, 4, 3);
        Files.writeString(parts.resolve("_SUCCESS"), "");
        int code = serve.cli(dir, "train", "train", "--data", parts.toString(), "--target", RegressionParts.TARGET,
                "--categorical", "auto", "--out", dir.resolve("runs").toString(), "--run-id", "parts-1",
                "--param", "random_forest.trees=10", "--param", "gradient_boosting.trees=10", "--json");
        assertEquals(0, code, Files.readString(dir.resolve("train.err")));
        JsonNode r = Json.MAPPER.readTree(Files.readString(dir.resolve("train.out")));
        assertEquals(3, r.get("results").size(), r.toString());
        r.get("results").forEach(x -> assertEquals("DONE", x.get("state").asText(), x + "\n" + serve.stderrTail(80)));
        JsonNode d = r.get("dataset");
        assertEquals(12_000, d.get("rows").asInt(), d.toString());
        assertEquals(4, d.get("parts").size(), d.toString());
        assertTrue(d.get("version").asText().startsWith(DatasetParts.PARTS_VERSION + "4:"), d.toString());
    }
}
