package dev.canopy.inference;

import com.fasterxml.jackson.databind.JsonNode;
import dev.canopy.invoke.FunctionInvoker;
import dev.canopy.json.Json;
import dev.canopy.pool.CallState;
import dev.canopy.sample.TaxiShards;
import dev.canopy.storage.ObjectInfo;
import dev.canopy.storage.local.LocalObjectStore;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import static dev.canopy.inference.BatchPredictServiceTest.FAST;
import static dev.canopy.inference.BatchPredictServiceTest.LIMITS;
import static dev.canopy.inference.BatchPredictServiceTest.RULE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A call that batch-predict abandons (its client timed out) goes on running, as a Lambda does, and writes its
 * predictions after the batch has moved on: after a retry succeeded, after the batch deleted a failed shard's
 * output, or after another batch took the prefix over. Here such calls are held back and let write once the
 * batch has returned, and none of those late writes may change what the prefix holds as a data set.
 */
class AbandonedCallsTest {
    @TempDir
    static Path data;
    static final List<String> shards = new ArrayList<>();
    static final List<Long> rows = new ArrayList<>();

    @TempDir
    Path dir;

    @BeforeAll
    static void shards() throws Exception {
        int[] sizes = {110, 130, 150};
        List<long[]> w = TaxiShards.write(data.resolve("taxi"), sizes, 5);
        for (int i = 0; i < sizes.length; i++) {
            shards.add(data.resolve("taxi").resolve(String.format(TaxiShards.NAME, i)).toString());
            rows.add(w.get(i)[0]);
        }
    }

    /**
     * Local predictors whose listed (shard, attempt) calls outlive the client: the caller waits until its
     * timeout interrupts it, while the call itself is kept, to run later through {@link #runLate}.
     */
    static final class Abandoning {
        final FunctionInvoker invoker;
        final List<Runnable> late = new CopyOnWriteArrayList<>();

        Abandoning(LocalObjectStore store, Map<Integer, List<Integer>> abandonedAttempts) {
            FunctionInvoker local = BatchPredictServiceTest.localInvoker(store, new ConcurrentHashMap<>());
            invoker = BatchPredictServiceTest.slotted((f, payload, slot) -> {
                JsonNode q = read(payload);
                int shard = shards.indexOf(q.get("shard").asText());
                if (abandonedAttempts.getOrDefault(shard, List.of()).contains(q.get("attempt").asInt())) {
                    late.add(() -> local.invoke(f, payload, slot)); // the Lambda runs on, unseen
                    try {
                        Thread.sleep(30_000); // bounded: the 1 s call timeout interrupts it
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    throw new IllegalStateException("no answer: the client stopped waiting");
                }
                return local.invoke(f, payload, slot);
            });
        }

        /** The abandoned calls finish now, each writing where its request told it to. */
        void runLate() {
            assertFalse(late.isEmpty(), "the test abandoned no call");
            late.forEach(Runnable::run);
        }
    }

    static BatchPredictRequest batch(String runId, String model, String out, boolean overwrite) {
        return new BatchPredictRequest(runId, model, shards, null, 2, out, true, 2, 1, 100.0, null, null, null,
                overwrite, null);
    }

    @Test
    void aLateWriteAfterARetrySucceededOrTheShardFailedLeavesTheDataSetAsTheManifestSays() throws Exception {
        LocalObjectStore store = new LocalObjectStore();
        // shard 0: attempt 1 abandoned, attempt 2 succeeds; shard 1: both attempts abandoned, so it fails
        Abandoning predictors = new Abandoning(store, Map.of(0, List.of(1), 1, List.of(1, 2)));
        BatchPredictService s = new BatchPredictService(store, predictors.invoker, LIMITS, FAST);
        Path out = dir.resolve("preds");

        BatchPredictResult r = s.run(batch("late", RULE, out.toString(), false));
        assertEquals(CallState.SUCCEEDED, r.shards().get(0).state());
        assertEquals(2, r.shards().get(0).attempts());
        assertNotEquals(CallState.SUCCEEDED, r.shards().get(1).state());
        assertEquals(CallState.SUCCEEDED, r.shards().get(2).state());
        String failedOutput = ShardOutputs.outputUri(out.toString(), shards.get(1));

        predictors.runLate(); // three late writes: shard 0's first attempt, both of shard 1's
        assertFalse(Files.exists(Path.of(failedOutput)), "a failed shard's output came back after the batch: " + failedOutput);
        assertEquals(rows.get(0) + rows.get(2), datasetRows(out), "the prefix as a data set is the manifest's SUCCEEDED shards");
        assertEquals(2, datasetFiles(out));
        for (String shard : List.of(shards.get(0), shards.get(2))) {
            assertTrue(Files.exists(Path.of(ShardOutputs.outputUri(out.toString(), shard))));
        }

        // the same batch again: the late writes are not "foreign" objects that refuse the prefix, and are emptied
        BatchPredictService again = new BatchPredictService(store,
                new Abandoning(store, Map.of()).invoker, LIMITS, FAST);
        BatchPredictResult rerun = again.run(batch("late", RULE, out.toString(), false));
        assertEquals(3, rerun.succeeded());
        assertEquals(rows.get(0) + rows.get(1) + rows.get(2), datasetRows(out));
        assertEquals(List.of(), store.list(out + "/" + ShardOutputs.STAGING_FOLDER + "/"));
    }

    @Test
    void aLateWriteOfAnOverwrittenBatchDoesNotMixIntoTheNewOne() throws Exception {
        LocalObjectStore store = new LocalObjectStore();
        Path out = dir.resolve("preds");
        // batch A abandons shard 2's first attempt; its second succeeds
        Abandoning first = new Abandoning(store, Map.of(2, List.of(1)));
        BatchPredictResult a = new BatchPredictService(store, first.invoker, LIMITS, FAST)
                .run(batch("a", RULE, out.toString(), false));
        assertEquals(3, a.succeeded());

        // batch B, another model, takes the prefix over; then A's abandoned call writes
        String other = "rule:passenger_count>=4";
        BatchPredictResult b = new BatchPredictService(store, new Abandoning(store, Map.of()).invoker, LIMITS, FAST)
                .run(batch("b", other, out.toString(), true));
        assertEquals(3, b.succeeded());
        first.runLate();

        List<String> models = new ArrayList<>();
        for (ObjectInfo o : store.list(out + "/")) {
            if (o.uri().endsWith(".predictions.parquet") && !o.uri().contains("/" + ShardOutputs.STAGING_FOLDER + "/")) {
                models.add(metadata(o.uri(), Lineage.MODEL_URI));
            }
        }
        assertEquals(List.of(other, other, other), models, "every output of the prefix is batch B's");
        assertEquals(b.scoreSum(), datasetSum(out), 1e-9, "the data set's predictions are batch B's");
    }

    static JsonNode read(String payload) {
        try {
            return Json.MAPPER.readTree(payload);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A key of the file's Parquet key-value metadata, as DuckDB reads it. */
    static String metadata(String file, String key) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("select decode(value) from parquet_kv_metadata('" + file
                     + "') where decode(key) = '" + key + "'")) {
            assertTrue(rs.next(), key + " in " + file);
            return rs.getString(1);
        }
    }

    static long datasetRows(Path out) throws Exception {
        return query("select count(*) from read_parquet('" + out + "/*.parquet')");
    }

    static long datasetFiles(Path out) throws Exception {
        return query("select count(distinct filename) from read_parquet('" + out + "/*.parquet', filename = true)");
    }

    static double datasetSum(Path out) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("select sum(prediction) from read_parquet('" + out + "/*.parquet')")) {
            rs.next();
            return rs.getDouble(1);
        }
    }

    private static long query(String sql) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
