package dev.canopy.inference;

import dev.canopy.error.InvalidInputException;
import dev.canopy.sample.TaxiShards;
import dev.canopy.storage.local.LocalObjectStore;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.canopy.inference.BatchPredictOutputsTest.counting;
import static dev.canopy.inference.BatchPredictServiceTest.FAST;
import static dev.canopy.inference.BatchPredictServiceTest.LIMITS;
import static dev.canopy.inference.BatchPredictServiceTest.RULE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 24, item 7: a model that is not a model, or kept columns the shards lack, gave one billed invocation
 * and one FAILED row per shard. Both are found once, before the first shard is sent.
 */
class BatchPreflightTest {
    @TempDir
    static Path dir;
    static List<String> shards = new ArrayList<>();

    @BeforeAll
    static void shards() throws Exception {
        TaxiShards.write(dir.resolve("in"), new int[]{40, 50, 60, 70, 80, 90, 100, 110}, 5);
        for (int i = 0; i < 8; i++) {
            shards.add(dir.resolve("in").resolve(String.format(TaxiShards.NAME, i)).toString());
        }
    }

    private static BatchPredictRequest request(String model, String out, List<String> keep) {
        return new BatchPredictRequest("pre", model, shards, null, 2, out, true, 1, 30, 100.0, null, keep, null, null, null);
    }

    @Test
    void aModelThatIsNotAModelFailsTheBatchOnceWithoutAnyCall() throws Exception {
        Path fake = dir.resolve("models/fake.trees");
        Files.createDirectories(fake.getParent());
        Files.writeString(fake, "this is not a model");
        Files.writeString(dir.resolve("models/fake.json"), "{\"algorithm\": \"random_forest\", \"features\": [\"trip_distance\"]}");
        AtomicInteger calls = new AtomicInteger();
        LocalObjectStore store = new LocalObjectStore();
        Path out = dir.resolve("out-fake");
        InvalidInputException e = assertThrows(InvalidInputException.class, () ->
                new BatchPredictService(store, counting(store, calls), LIMITS, FAST).run(request(fake.toString(), out.toString(), null)));
        assertEquals("modelUri", e.field(), e.getMessage());
        assertEquals(0, calls.get(), "no predictor was invoked");
        assertFalse(Files.exists(out.resolve("_manifest.json")), "and the output prefix is not claimed");

        Files.delete(dir.resolve("models/fake.json")); // no metadata beside it: found once too
        assertThrows(InvalidInputException.class, () ->
                new BatchPredictService(store, counting(store, calls), LIMITS, FAST).run(request(fake.toString(), out.toString(), null)));
        assertEquals(0, calls.get());
    }

    @Test
    void keptColumnsTheShardsLackFailTheBatchOnceWithoutAnyCall() {
        AtomicInteger calls = new AtomicInteger();
        LocalObjectStore store = new LocalObjectStore();
        Path out = dir.resolve("out-keep");
        InvalidInputException e = assertThrows(InvalidInputException.class, () ->
                new BatchPredictService(store, counting(store, calls), LIMITS, FAST).run(request(RULE, out.toString(),
                        List.of("passenger_count", "ride_id"))));
        assertEquals("keepColumns", e.field());
        assertTrue(e.getMessage().contains("no column \"ride_id\""), e.getMessage());
        assertEquals(0, calls.get());
        assertFalse(Files.exists(out.resolve("_manifest.json")));

        BatchPredictResult ok = new BatchPredictService(store, counting(store, calls), LIMITS, FAST)
                .run(request(RULE, out.toString(), List.of("passenger_count")));
        assertEquals(8, ok.succeeded(), "columns the shards have pass");
    }
}
