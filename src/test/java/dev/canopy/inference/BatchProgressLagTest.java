package dev.canopy.inference;

import dev.canopy.json.Json;
import dev.canopy.sample.TaxiShards;
import dev.canopy.storage.ObjectStore;
import dev.canopy.storage.local.LocalObjectStore;
import dev.canopy.testing.RecordingObjectStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static dev.canopy.inference.BatchPredictServiceTest.FAST;
import static dev.canopy.inference.BatchPredictServiceTest.LIMITS;
import static dev.canopy.inference.BatchPredictServiceTest.RULE;
import static dev.canopy.inference.BatchPredictServiceTest.localInvoker;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 24, item 3: with several predictors scoring in process, the published progress stood at 0/50 while
 * the outputs piled up (its write waited for a virtual thread that the busy slots never let run). Here a pool
 * of 6 scores 50 shards in process and the test watches both the outputs and the published count.
 */
class BatchProgressLagTest {
    static final int SHARDS = 50;
    static final int POOL = 6;

    @TempDir
    Path dir;

    @Test
    void thePublishedCountNeverLagsTheOutputsByMoreThanThePoolSize() throws Exception {
        int[] sizes = new int[SHARDS];
        Arrays.fill(sizes, 4_000);
        TaxiShards.write(dir.resolve("in"), sizes, 11);
        List<String> shards = new ArrayList<>();
        for (int i = 0; i < SHARDS; i++) {
            shards.add(dir.resolve("in").resolve(String.format(TaxiShards.NAME, i)).toString());
        }
        Watch watch = new Watch();
        ObjectStore watched = new RecordingObjectStore(new LocalObjectStore()).afterWrite(watch::written);
        AtomicLong clock = new AtomicLong();
        // every reading of the clock is a second later: every completion is due for a snapshot
        BatchPredictService s = new BatchPredictService(watched, localInvoker(watched, new ConcurrentHashMap<>()), LIMITS, FAST)
                .progressClock(() -> clock.addAndGet(1000));
        String out = dir.resolve("out").toString();
        BatchPredictResult r = s.run(new BatchPredictRequest("lag", RULE, shards, null, POOL, out, true, 1, 60, 0.0));
        assertEquals(SHARDS, r.succeeded());
        assertEquals(SHARDS, watch.outputs.get());
        assertTrue(watch.worstLag.get() <= POOL, "the published count lagged the outputs by " + watch.worstLag.get()
                + " (pool of " + POOL + "); observations: " + watch.observations);
        assertEquals(SHARDS, watch.published.get(), "the last snapshot counts every shard");
    }

    /** Counts the predictions written and remembers, at each, how far the last published count was behind. */
    private static final class Watch {
        final AtomicInteger outputs = new AtomicInteger();
        final AtomicInteger published = new AtomicInteger();
        final AtomicInteger worstLag = new AtomicInteger();
        final List<String> observations = java.util.Collections.synchronizedList(new ArrayList<>());

        void written(String uri, byte[] data) {
            if (uri.endsWith(".predictions.parquet") && !uri.contains("/" + ShardOutputs.STAGING_FOLDER + "/")) {
                // a committed output (the staged one is the predictor's, not yet the batch's)
                int o = outputs.incrementAndGet();
                worstLag.accumulateAndGet(o - published.get(), Math::max);
                observations.add(o + "/" + published.get());
            } else if (uri.endsWith(BatchProgress.NAME)) {
                published.accumulateAndGet(Json.read(data, BatchProgress.class, "progress").done(), Math::max);
            }
        }
    }
}
