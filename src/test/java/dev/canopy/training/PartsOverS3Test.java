package dev.canopy.training;

import dev.canopy.data.DatasetParts;
import dev.canopy.error.ConflictException;
import dev.canopy.invoke.local.LocalFunctionInvoker;
import dev.canopy.sample.RegressionParts;
import dev.canopy.storage.ObjectStore;
import dev.canopy.storage.s3.S3ObjectStore;
import dev.canopy.testing.S3ProxyServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A prefix of Parquet parts on S3 (S3Proxy, the S3 HTTP API) trains end to end: list, pin, read, train, save. */
class PartsOverS3Test {
    static S3ProxyServer s3;
    static ObjectStore store;

    @BeforeAll
    static void start() throws Exception {
        s3 = new S3ProxyServer();
        s3.createBucket("data");
        s3.createBucket("canopy");
        store = new S3ObjectStore(s3.client());
    }

    @AfterAll
    static void stop() throws Exception {
        if (s3 != null) {
            s3.close();
        }
    }

    @Test
    void aPrefixOfPartsTrainsEndToEndAndItsVersionPinsEveryPart(@TempDir Path dir) throws Exception {
        RegressionParts.write(dir, 9_000, 3, 5);
        for (Path p : Files.list(dir).sorted().toList()) {
            store.write("s3://data/trips/" + p.getFileName(), Files.readAllBytes(p), "application/octet-stream");
        }
        store.write("s3://data/trips/_SUCCESS", new byte[0], "application/octet-stream");
        store.write("s3://data/trips-old/part-00000.parquet", Files.readAllBytes(dir.resolve("part-00000.parquet")),
                "application/octet-stream");

        TrainService train = new TrainService(store, Clock.systemUTC(), "s3://canopy/runs");
        SupervisorService supervisor = new SupervisorService(store, new LocalFunctionInvoker(Map.of(
                "train", new LocalFunctionInvoker.LocalFunction<>(TrainRequest.class, train::train))), Clock.systemUTC(),
                "s3://canopy/runs");
        SuperviseRequest req = new SuperviseRequest("parts-1", "s3://data/trips/", RegressionParts.TARGET, null,
                List.of("decision_tree", "gradient_boosting"), 0.2, 3L, null,
                Map.of("gradient_boosting", Map.of("trees", 20)), null, null, null, null, "auto", null);
        SuperviseResult r = supervisor.supervise(req);
        r.results().forEach(x -> assertEquals(TrainerState.DONE, x.state(), String.valueOf(x.error())));
        DatasetSummary d = r.dataset();
        assertEquals(9_000, d.rows());
        assertEquals(3, d.parts().size());
        assertTrue(d.version().startsWith(DatasetParts.PARTS_VERSION + "3:"), d.version());
        assertTrue(store.exists("s3://canopy/runs/parts-1/models/gradient_boosting.trees"));

        // a part rewritten after the run pinned the data: a trainer refuses to train on other bytes
        store.write("s3://data/trips/part-00001.parquet", Files.readAllBytes(dir.resolve("part-00000.parquet")),
                "application/octet-stream");
        TrainRequest pinned = new TrainRequest("parts-2", "s3://data/trips/", d.version(), RegressionParts.TARGET, null,
                "decision_tree", 0.2, 3L, null, null, Map.of(), "s3://canopy/runs");
        assertThrows(ConflictException.class, () -> train.train(pinned));
    }
}
