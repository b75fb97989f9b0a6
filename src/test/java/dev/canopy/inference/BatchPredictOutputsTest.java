package dev.canopy.inference;

import dev.canopy.error.ConflictException;
import dev.canopy.error.InvalidInputException;
import dev.canopy.invoke.FunctionInvoker;
import dev.canopy.json.Json;
import dev.canopy.pool.CallState;
import dev.canopy.sample.TaxiShards;
import dev.canopy.storage.GuardedObjectStore;
import dev.canopy.storage.ObjectInfo;
import dev.canopy.storage.ObjectStore;
import dev.canopy.storage.local.LocalObjectStore;
import dev.canopy.storage.s3.S3ObjectStore;
import dev.canopy.testing.RecordingObjectStore;
import dev.canopy.testing.S3ProxyServer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;

import java.nio.charset.StandardCharsets;
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
import java.util.concurrent.atomic.AtomicInteger;

import static dev.canopy.inference.BatchPredictServiceTest.FAST;
import static dev.canopy.inference.BatchPredictServiceTest.LIMITS;
import static dev.canopy.inference.BatchPredictServiceTest.RULE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** An output prefix holds exactly one batch's predictions: refusals, idempotent re-runs, overwrite, early checks. */
class BatchPredictOutputsTest {
    @TempDir
    static Path data;
    static List<String> shards = new ArrayList<>();
    static long rows;

    @TempDir
    Path dir;

    @BeforeAll
    static void shards() throws Exception {
        int[] sizes = {120, 150, 170, 190};
        List<long[]> w = TaxiShards.write(data.resolve("taxi"), sizes, 3);
        for (int i = 0; i < sizes.length; i++) {
            shards.add(data.resolve("taxi").resolve(String.format(TaxiShards.NAME, i)).toString());
            rows += w.get(i)[0];
        }
    }

    /** Counts predict invocations on top of the local predictors. */
    static FunctionInvoker counting(ObjectStore store, AtomicInteger calls) {
        FunctionInvoker local = BatchPredictServiceTest.localInvoker(store, new ConcurrentHashMap<>());
        return BatchPredictServiceTest.slotted((f, payload, slot) -> {
            calls.incrementAndGet();
            return local.invoke(f, payload, slot);
        });
    }

    static BatchPredictRequest batch(String runId, String model, List<String> shards, String out, Boolean overwrite) {
        return new BatchPredictRequest(runId, model, shards, null, 2, out, true, 1, 30, 100.0, null, null, null,
                overwrite, null);
    }

    /** What DuckDB reads from {@code out/*.parquet}: the prefix as a data set. */
    static long datasetRows(Path out) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("select count(*) from read_parquet('" + out + "/*.parquet')")) {
            r.next();
            return r.getLong(1);
        }
    }

    static List<String> names(ObjectStore store, Path out) {
        return store.list(out + "/").stream().map(ObjectInfo::uri).map(u -> u.substring(u.lastIndexOf('/') + 1)).sorted().toList();
    }

    @Test
    void theSameBatchAgainIsIdempotentAndAnotherIsRefusedUnlessOverwrite() throws Exception {
        LocalObjectStore store = new LocalObjectStore();
        AtomicInteger calls = new AtomicInteger();
        BatchPredictService s = new BatchPredictService(store, counting(store, calls), LIMITS, FAST);
        Path out = dir.resolve("preds");
        BatchPredictResult first = s.run(batch("b1", RULE, shards, out.toString(), null));
        assertEquals(4, first.succeeded());
        assertEquals("DONE", first.state());
        assertEquals("rule", first.modelVersion());
        assertEquals(out.toString(), first.outputPrefix());
        List<String> written = names(store, out);
        assertEquals(6, written.size(), "4 outputs, the manifest and the progress: " + written);
        assertTrue(written.contains("_progress.json"), "the progress is the batch's own: " + written);

        // the same request again, and the same request without a run id: allowed, the same objects rewritten
        s.run(batch("b1", RULE, shards, out.toString(), null));
        s.run(batch(null, RULE, shards, out.toString(), null));
        // and under another run id, as the command line sends every batch: the same outputs, the manifest names it
        BatchPredictResult renamed = s.run(batch("b1-again", RULE, shards, out.toString(), null));
        assertEquals(4, renamed.succeeded());
        assertEquals("b1-again", Json.read(store.read(out + "/_manifest.json"), BatchPredictResult.class, "manifest").runId());
        assertEquals(written, names(store, out));
        assertEquals(rows, datasetRows(out));

        // another model into the same prefix: refused before any shard runs
        calls.set(0);
        String other = "rule:passenger_count>=3";
        ConflictException refused = assertThrows(ConflictException.class,
                () -> s.run(batch("b2", other, shards.subList(0, 2), out.toString(), null)));
        assertTrue(refused.getMessage().contains("outputPrefix=\"" + out + "\" holds the outputs of another batch"), refused.getMessage());
        assertTrue(refused.getMessage().contains("modelUri: " + RULE + " → " + other), refused.getMessage());
        assertTrue(refused.getMessage().contains("shards: 4 → 2"), refused.getMessage());
        assertTrue(refused.getMessage().contains("--overwrite"), refused.getMessage());
        assertEquals(0, calls.get());
        assertEquals(written, names(store, out), "a refusal changes nothing");

        // with overwrite the previous batch's outputs go first: the prefix reads as the new batch alone
        BatchPredictResult second = s.run(batch("b2", other, shards.subList(0, 2), out.toString(), true));
        assertEquals(2, second.succeeded());
        assertEquals(4, names(store, out).size(), "2 outputs, the manifest and the progress: " + names(store, out));
        assertEquals(second.rows(), datasetRows(out));
        BatchPredictResult manifest = Json.read(store.read(out + "/_manifest.json"), BatchPredictResult.class, "manifest");
        assertEquals("b2", manifest.runId());
        assertEquals(other, manifest.modelUri());
    }

    @Test
    void objectsCanopyDidNotWriteAreNeverDeletedAndRefuseTheBatch() throws Exception {
        LocalObjectStore store = new LocalObjectStore();
        AtomicInteger calls = new AtomicInteger();
        BatchPredictService s = new BatchPredictService(store, counting(store, calls), LIMITS, FAST);
        Path out = dir.resolve("mixed");
        Files.createDirectories(out.resolve("sub"));
        Files.writeString(out.resolve("theirs.parquet"), "someone else's");
        Files.writeString(out.resolve("sub/notes.txt"), "x");
        for (Boolean overwrite : new Boolean[]{null, true}) {
            ConflictException e = assertThrows(ConflictException.class, () -> s.run(batch("b1", RULE, shards, out.toString(), overwrite)));
            assertTrue(e.getMessage().contains("outputPrefix=\"" + out + "\" holds 2 object(s) that no Canopy manifest there accounts for"),
                    e.getMessage());
            assertTrue(e.getMessage().contains("theirs.parquet") && e.getMessage().contains("notes.txt"), e.getMessage());
        }
        assertEquals(0, calls.get());
        assertTrue(Files.exists(out.resolve("theirs.parquet")) && Files.exists(out.resolve("sub/notes.txt")));

        // beside a batch's outputs: a foreign object is refused too, and a manifest Canopy cannot read is foreign
        Path ours = dir.resolve("ours");
        s.run(batch("b1", RULE, shards, ours.toString(), null));
        Files.writeString(ours.resolve("extra.parquet"), "x");
        ConflictException e = assertThrows(ConflictException.class, () -> s.run(batch("b9", RULE, shards, ours.toString(), true)));
        assertTrue(e.getMessage().contains("1 object(s) that its manifest does not list: " + ours.resolve("extra.parquet")), e.getMessage());
        Path bad = dir.resolve("bad-manifest");
        Files.createDirectories(bad);
        Files.writeString(bad.resolve("_manifest.json"), "{\"hello\": 1}");
        assertTrue(assertThrows(ConflictException.class, () -> s.run(batch("b1", RULE, shards, bad.toString(), true)))
                .getMessage().contains("_manifest.json"));
        assertEquals("{\"hello\": 1}", Files.readString(bad.resolve("_manifest.json")));

        // Canopy's bookkeeping (a spilled _result-*.json, progress) is no obstacle
        Path kept = dir.resolve("kept");
        Files.createDirectories(kept);
        Files.writeString(kept.resolve("_result-old.json"), "{}");
        assertEquals(4, s.run(batch("b1", RULE, shards, kept.toString(), null)).succeeded());
        assertTrue(Files.exists(kept.resolve("_result-old.json")));
    }

    @Test
    void aShardThatFailsNowLeavesNoOutputFromAnEarlierRunOfTheSameBatch() throws Exception {
        LocalObjectStore store = new LocalObjectStore();
        Path copies = dir.resolve("copies");
        List<String> mine = new ArrayList<>();
        for (String shard : shards) {
            Path p = copies.resolve(Path.of(shard).getFileName());
            Files.createDirectories(copies);
            Files.copy(Path.of(shard), p);
            mine.add(p.toString());
        }
        BatchPredictService s = new BatchPredictService(store, counting(store, new AtomicInteger()), LIMITS, FAST);
        Path out = dir.resolve("again");
        s.run(batch("b1", RULE, mine, out.toString(), null));
        Files.write(Path.of(mine.get(1)), "not parquet".getBytes(StandardCharsets.UTF_8));
        BatchPredictResult r = s.run(batch("b1", RULE, mine, out.toString(), null));
        assertEquals(CallState.FAILED, r.shards().get(1).state());
        assertFalse(store.exists(ShardOutputs.outputUri(out.toString(), mine.get(1))), "the stale output is gone");
        assertEquals(5, names(store, out).size(), "3 outputs, the manifest and the progress");
        assertEquals(r.rows(), datasetRows(out));
    }

    @Test
    void aBatchCutShortSendsNoDeleteForTheShardsItNeverStarted() {
        RecordingObjectStore store = new RecordingObjectStore(new LocalObjectStore());
        BatchPredictService s = new BatchPredictService(store, counting(store, new AtomicInteger()), LIMITS, FAST);
        AtomicInteger checks = new AtomicInteger();
        // the time runs out at the submit loop's second look (on this thread)
        Thread caller = Thread.currentThread();
        BatchPredictResult r = s.run(new BatchPredictRequest("cut", RULE, shards, null, 1, dir.resolve("cut").toString(),
                true, 1, 30, 100.0), () -> Thread.currentThread() != caller ? 1000 : checks.incrementAndGet() <= 1 ? 1000 : 0);
        assertEquals(1, r.succeeded());
        assertEquals(3, r.shards().stream().filter(x -> x.state() == CallState.CANCELLED).count());
        // the one started shard's staged attempt is emptied; no other shard is sent a delete
        assertEquals(0, store.calls.stream().filter(c -> c.startsWith("delete ") && !c.contains("/_attempts/")).count(),
                "deletes: " + store.calls);
        assertEquals(1, store.count("delete", "/_attempts/"), "deletes: " + store.calls);
    }

    @Test
    void outputsOutsideTheAllowedLocationsAreRefusedBeforeAnyShardIsRead() throws Exception {
        RecordingObjectStore recording = new RecordingObjectStore(new LocalObjectStore());
        ObjectStore guarded = new GuardedObjectStore(recording, List.of(data.toString(), dir.resolve("allowed").toString()));
        AtomicInteger calls = new AtomicInteger();
        BatchPredictService s = new BatchPredictService(guarded, counting(guarded, calls), LIMITS, FAST);
        String outside = dir.resolve("elsewhere").toString();
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> s.run(batch("b1", RULE, shards, outside, null)));
        assertEquals("outputPrefix", e.field());
        assertTrue(e.getMessage().contains("outside the allowed locations"), e.getMessage());
        assertEquals(0, calls.get());
        assertEquals(0, recording.calls.stream().filter(c -> c.contains("/taxi/")).count(), "no shard read: " + recording.calls);

        // a prefix whose folder cannot be created (a file is in the way): the early manifest write fails
        Path file = dir.resolve("allowed/file");
        Files.createDirectories(file.getParent());
        Files.writeString(file, "x");
        RuntimeException blocked = assertThrows(RuntimeException.class, () -> s.run(batch("b1", RULE, shards, file + "/out", null)));
        assertTrue(blocked.getMessage().contains(file + "/out/_manifest.json"), blocked.getMessage());
        assertEquals(0, calls.get());
        assertEquals(0, recording.calls.stream().filter(c -> c.contains("/taxi/")).count());
    }

    @Test
    void aMissingBucketIsOneClearErrorBeforeAnyShardIsRead() throws Exception {
        try (S3ProxyServer server = new S3ProxyServer(); S3Client client = server.client()) {
            server.createBucket("data");
            RecordingObjectStore s3 = new RecordingObjectStore(new S3ObjectStore(client));
            List<String> s3Shards = new ArrayList<>();
            for (String shard : shards.subList(0, 2)) {
                String uri = "s3://data/taxi/" + Path.of(shard).getFileName();
                s3.write(uri, Files.readAllBytes(Path.of(shard)), "application/octet-stream");
                s3Shards.add(uri);
            }
            s3.calls.clear();
            AtomicInteger calls = new AtomicInteger();
            BatchPredictService s = new BatchPredictService(s3, counting(s3, calls), LIMITS, FAST);
            InvalidInputException e = assertThrows(InvalidInputException.class,
                    () -> s.run(batch("b1", RULE, s3Shards, "s3://no-such-bucket/preds", null)));
            assertEquals("outputPrefix", e.field());
            assertTrue(e.getMessage().startsWith("outputPrefix=\"s3://no-such-bucket/preds\": bucket 'no-such-bucket' does not exist"),
                    e.getMessage());
            assertEquals(0, calls.get());
            assertEquals(0, s3.calls.stream().filter(c -> c.contains("s3://data/")).count(), "no shard read: " + s3.calls);

            // and into a bucket that exists, the batch runs and the prefix reads as its outputs
            server.createBucket("out");
            BatchPredictResult r = s.run(batch("b1", RULE, s3Shards, "s3://out/preds", null));
            assertEquals(2, r.succeeded());
            assertEquals(4, s3.list("s3://out/preds/").size(), "2 outputs, the manifest and the progress");
        }
    }
}
