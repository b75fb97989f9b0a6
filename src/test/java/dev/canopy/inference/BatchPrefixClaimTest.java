package dev.canopy.inference;

import dev.canopy.error.ConflictException;
import dev.canopy.sample.TaxiShards;
import dev.canopy.storage.local.LocalObjectStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.canopy.inference.BatchPredictOutputsTest.batch;
import static dev.canopy.inference.BatchPredictOutputsTest.counting;
import static dev.canopy.inference.BatchPredictServiceTest.FAST;
import static dev.canopy.inference.BatchPredictServiceTest.LIMITS;
import static dev.canopy.inference.BatchPredictServiceTest.RULE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Issue 24, item 4: a batch that wrote nothing does not claim its output prefix; one that wrote outputs does. */
class BatchPrefixClaimTest {
    @TempDir
    Path dir;

    @Test
    void aBatchThatWroteNothingDoesNotBlockTheNextOneWithAnotherModel() throws Exception {
        Path in = Files.createDirectories(dir.resolve("in"));
        Files.writeString(in.resolve("a.parquet"), "not parquet");
        Files.writeString(in.resolve("b.parquet"), "not parquet either");
        List<String> shards = List.of(in.resolve("a.parquet").toString(), in.resolve("b.parquet").toString());
        LocalObjectStore store = new LocalObjectStore();
        BatchPredictService s = new BatchPredictService(store, counting(store, new AtomicInteger()), LIMITS, FAST);
        String out = dir.resolve("out").toString();

        BatchPredictResult failed = s.run(batch("first", "rule:passenger_count>=9", shards, out, null));
        assertEquals(2, failed.failed());
        // the same command with another model: the first batch claims nothing, so this one runs
        BatchPredictResult second = s.run(batch("second", RULE, shards, out, null));
        assertEquals("second", second.runId());
        assertEquals(2, second.failed());
    }

    @Test
    void aBatchWithOutputsStillClaimsItsPrefix() throws Exception {
        Path in = Files.createDirectories(dir.resolve("in"));
        TaxiShards.write(in, new int[]{50}, 1);
        List<String> shards = List.of(in.resolve(String.format(TaxiShards.NAME, 0)).toString());
        LocalObjectStore store = new LocalObjectStore();
        BatchPredictService s = new BatchPredictService(store, counting(store, new AtomicInteger()), LIMITS, FAST);
        String out = dir.resolve("out").toString();
        assertEquals(1, s.run(batch("first", "rule:passenger_count>=9", shards, out, null)).succeeded());
        assertThrows(ConflictException.class, () -> s.run(batch("second", RULE, shards, out, null)));
    }
}
