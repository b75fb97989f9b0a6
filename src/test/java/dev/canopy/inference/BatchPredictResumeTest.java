package dev.canopy.inference;

import dev.canopy.error.ConflictException;
import dev.canopy.error.InvalidInputException;
import dev.canopy.invoke.FunctionInvocationException;
import dev.canopy.invoke.FunctionInvoker;
import dev.canopy.json.Json;
import dev.canopy.pool.CallState;
import dev.canopy.sample.TaxiShards;
import dev.canopy.storage.local.LocalObjectStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import static dev.canopy.inference.BatchPredictOutputsTest.datasetRows;
import static dev.canopy.inference.BatchPredictOutputsTest.names;
import static dev.canopy.inference.BatchPredictServiceTest.FAST;
import static dev.canopy.inference.BatchPredictServiceTest.LIMITS;
import static dev.canopy.inference.BatchPredictServiceTest.RULE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code resumeFrom}: a batch with a corrupt shard, repaired, then resumed. */
class BatchPredictResumeTest {
    @TempDir
    Path dir;
    List<String> shards = new ArrayList<>();
    long rows;
    byte[] good;
    final LocalObjectStore store = new LocalObjectStore();
    final Map<String, AtomicInteger> invoked = new ConcurrentHashMap<>();
    BatchPredictService service;

    @BeforeEach
    void shards() throws Exception {
        int[] sizes = {110, 130, 150, 170, 190};
        List<long[]> w = TaxiShards.write(dir.resolve("taxi"), sizes, 11);
        for (int i = 0; i < sizes.length; i++) {
            shards.add(dir.resolve("taxi").resolve(String.format(TaxiShards.NAME, i)).toString());
            rows += w.get(i)[0];
        }
        good = Files.readAllBytes(Path.of(shards.get(2)));
        FunctionInvoker local = BatchPredictServiceTest.localInvoker(store, new ConcurrentHashMap<>());
        service = new BatchPredictService(store, BatchPredictServiceTest.slotted((f, payload, slot) -> {
            invoked.computeIfAbsent(Json.request(payload, PredictRequest.class).shard(), k -> new AtomicInteger()).incrementAndGet();
            return local.invoke(f, payload, slot);
        }), LIMITS, FAST);
    }

    BatchPredictRequest resume(String runId, String model, List<String> shards, String shardPrefix, String out,
                               Boolean overwrite, String manifest) {
        return new BatchPredictRequest(runId, model, shards, shardPrefix, 2, out, null, 2, 30, 100.0, null, null, null,
                overwrite, manifest);
    }

    /** The first batch: shard 2 is not Parquet and fails; its manifest's URI. */
    String failedBatch(Path out) throws Exception {
        Files.write(Path.of(shards.get(2)), "these bytes are not Parquet".getBytes(StandardCharsets.UTF_8));
        BatchPredictResult first = service.run(new BatchPredictRequest("first", RULE, null, dir.resolve("taxi") + "/", 2,
                out.toString(), true, 2, 30, 100.0));
        assertEquals(4, first.succeeded());
        assertEquals(CallState.FAILED, first.shards().get(2).state());
        assertTrue(first.shards().get(2).error().contains("InvalidInputException"), first.shards().get(2).error());
        invoked.clear();
        return first.manifestUri();
    }

    @Test
    void aRepairedShardIsTheOnlyOneRunAndTheManifestMergesBothRuns() throws Exception {
        Path out = dir.resolve("preds");
        String manifest = failedBatch(out);
        Files.write(Path.of(shards.get(2)), good); // repaired

        BatchPredictResult r = service.run(resume(null, null, null, null, null, null, manifest));
        assertEquals(Map.of(shards.get(2), 1), Map.of(shards.get(2), invoked.get(shards.get(2)).get()));
        assertEquals(1, invoked.size(), "only the repaired shard ran: " + invoked);
        assertEquals(manifest, r.resumedFrom());
        assertEquals(5, r.succeeded());
        assertEquals(0, r.failed());
        assertEquals(rows, r.rows());
        assertEquals(IntStream.range(0, 5).boxed().toList(), r.shards().stream().map(ShardResult::index).toList(),
                "every shard exactly once");
        assertTrue(r.shards().stream().allMatch(x -> x.state() == CallState.SUCCEEDED));
        for (int i : new int[]{0, 1, 3, 4}) {
            assertEquals("first", r.shards().get(i).runId(), "carried over from the first run");
        }
        assertNull(r.shards().get(2).runId(), "produced by this run, whose id is the manifest's");
        BatchPredictResult written = Json.read(store.read(manifest), BatchPredictResult.class, "manifest");
        assertEquals(r.runId(), written.runId());
        assertEquals(5, written.succeeded());
        assertEquals(dir.resolve("taxi") + "/", written.shardPrefix(), "the first run's shardPrefix is kept");
        assertEquals(7, names(store, out).size(), "one predictions file per shard, the manifest and the progress: " + names(store, out));
        assertEquals(rows, datasetRows(out));

        // nothing left: the manifest comes back unchanged and nothing runs
        invoked.clear();
        BatchPredictResult again = service.run(resume(null, RULE, null, null, out.toString(), null, manifest));
        assertEquals(0, invoked.size());
        assertEquals(r.runId(), again.runId());
        assertEquals(written.shards(), again.shards());
    }

    @Test
    void stillBrokenShardsFailAgainAndStayResumable() throws Exception {
        Path out = dir.resolve("preds");
        String manifest = failedBatch(out);
        BatchPredictResult r = service.run(resume("second", null, null, null, null, null, manifest));
        assertEquals(1, invoked.size());
        assertEquals(4, r.succeeded());
        assertEquals(CallState.FAILED, r.shards().get(2).state());
        assertEquals(6, names(store, out).size(), "4 outputs, the manifest and the progress");
        Files.write(Path.of(shards.get(2)), good);
        invoked.clear();
        BatchPredictResult third = service.run(resume("third", null, null, null, null, null, manifest));
        assertEquals(1, invoked.size());
        assertEquals(5, third.succeeded());
        assertEquals("first", third.shards().get(0).runId());
        assertNull(third.shards().get(2).runId());
    }

    @Test
    void badResumeRequestsNameTheFieldAndRunNothing() throws Exception {
        Path out = dir.resolve("preds");
        String manifest = failedBatch(out);
        Files.write(Path.of(shards.get(2)), good);

        assertField("resumeFrom", "no manifest there", resume(null, null, null, null, null, null, out + "/missing.json"));
        Path notManifest = dir.resolve("other.json");
        Files.writeString(notManifest, "{\"runId\": \"x\", \"rows\": 3}");
        assertField("resumeFrom", "not a batch manifest", resume(null, null, null, null, null, null, notManifest.toString()));
        Files.writeString(notManifest, "not json at all");
        assertField("resumeFrom", "not a batch manifest", resume(null, null, null, null, null, null, notManifest.toString()));
        Path copy = dir.resolve("copy/_manifest.json");
        Files.createDirectories(copy.getParent());
        Files.copy(Path.of(manifest), copy);
        assertField("resumeFrom", "is not the manifest in its outputPrefix", resume(null, null, null, null, null, null, copy.toString()));
        assertField("modelUri", "contradicts the manifest's model " + RULE,
                resume(null, "rule:passenger_count>=3", null, null, null, null, manifest));
        assertField("shards", "contradicts the manifest's 5 shards", resume(null, null, shards.subList(0, 4), null, null, null, manifest));
        assertField("shardPrefix", "contradicts the manifest's shardPrefix", resume(null, null, null, dir + "/elsewhere/", null, null, manifest));
        assertField("outputPrefix", "contradicts the manifest's outputPrefix", resume(null, null, null, null, dir + "/other", null, manifest));
        assertField("keepColumns", "contradicts the manifest's []",
                new BatchPredictRequest(null, null, null, null, 2, null, null, 2, 30, 100.0, null, List.of("id"), null, null, manifest));
        assertField("outputFormat", "contradicts the manifest's parquet",
                new BatchPredictRequest(null, null, null, null, 2, null, null, 2, 30, 100.0, null, null, "csv", null, manifest));
        assertField("overwrite", "cannot be combined with resumeFrom", resume(null, null, null, null, null, true, manifest));
        assertEquals(0, invoked.size(), "nothing ran: " + invoked);
    }

    @Test
    void aModelThatChangedSinceTheBatchIsRefused() throws Exception {
        Path out = dir.resolve("preds");
        Files.createDirectories(out);
        Path model = dir.resolve("model.trees");
        Files.writeString(model, "trees");
        List<ShardResult> rows = new ArrayList<>();
        for (int i = 0; i < shards.size(); i++) {
            rows.add(new ShardResult(i, shards.get(i), i == 0 ? CallState.FAILED : CallState.SUCCEEDED, 1L, 0.0, 1,
                    null, null, 1, null, null));
        }
        BatchPredictResult m = new BatchPredictResult("old", model.toString(), 2, rows, 4, 0, 4, 1, 0, 0, 1, true,
                null, null, null, null, "version-then", null, out.toString(), null, null, "DONE");
        Path manifest = out.resolve("_manifest.json");
        Files.write(manifest, Json.write(m));
        ConflictException e = assertThrows(ConflictException.class,
                () -> service.run(resume(null, null, null, null, null, null, manifest.toString())));
        assertTrue(e.getMessage().startsWith("modelUri=\"" + model + "\" changed since the batch"), e.getMessage());
        assertTrue(e.getMessage().contains("version version-then, now "), e.getMessage());
        // a manifest from before Canopy recorded model versions cannot be checked, so it is not resumed
        Files.write(manifest, Json.write(new BatchPredictResult("old", model.toString(), 2, rows, 4, 0, 4, 1, 0, 0, 1,
                true, null, null, null, null, null, null, out.toString(), null, null, "DONE")));
        assertField("resumeFrom", "records no model version", resume(null, null, null, null, null, null, manifest.toString()));
        assertEquals(0, invoked.size());
    }

    void assertField(String field, String problem, BatchPredictRequest req) {
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> service.run(req));
        assertEquals(field, e.field(), e.getMessage());
        assertTrue(e.getMessage().contains(problem), e.getMessage());
    }

    @Test
    void aBatchThatDiedLeavesItsRunningManifestWhichResumes() throws Exception {
        Path out = dir.resolve("preds");
        Path manifest = out.resolve("_manifest.json");
        // what the manifest says while the shards run: read from inside the predictor calls
        List<byte[]> during = new java.util.concurrent.CopyOnWriteArrayList<>();
        FunctionInvoker local = BatchPredictServiceTest.localInvoker(store, new ConcurrentHashMap<>());
        BatchPredictService watched = new BatchPredictService(store, BatchPredictServiceTest.slotted((f, payload, slot) -> {
            during.add(store.read(manifest.toString()));
            return local.invoke(f, payload, slot);
        }), LIMITS, FAST);
        watched.run(new BatchPredictRequest("died", RULE, shards, null, 1, out.toString(), true, 1, 30, 100.0));
        BatchPredictResult running = Json.read(during.getFirst(), BatchPredictResult.class, "manifest");
        assertEquals("RUNNING", running.state());
        assertEquals(5, running.shards().size());
        assertTrue(running.shards().stream().allMatch(x -> x.state() == CallState.CANCELLED
                && x.error().startsWith("not finished")), running.shards().toString());
        // as if the orchestrator had died mid-batch, after three of its shards: their outputs are there (written
        // whole, with the run's lineage), the others' are not, and its manifest says RUNNING
        Files.write(manifest, during.getLast());
        Files.delete(Path.of(ShardOutputs.outputUri(out.toString(), shards.get(1))));
        Files.delete(Path.of(ShardOutputs.outputUri(out.toString(), shards.get(3))));
        BatchPredictResult r = service.run(resume(null, null, null, null, null, null, manifest.toString()));
        assertEquals(2, invoked.size(), "only the shards without an output run again (issue 24, item 2)");
        assertEquals(3, r.shards().stream().filter(x -> "died".equals(x.runId())).count(), "the others are carried");
        assertEquals(5, r.succeeded());
        assertEquals("DONE", r.state());
        assertEquals(7, names(store, out).size(), "one predictions file per shard, the manifest and the progress");
        assertEquals(rows, datasetRows(out));
    }

    @Test
    void aBatchCutShortByItsTimeBudgetResumes() throws Exception {
        Path out = dir.resolve("preds");
        // the orchestrator's time runs out once two shards are started: a shard queued by then does not start
        BatchPredictResult cut = service.run(new BatchPredictRequest("cut", RULE, shards, null, 1, out.toString(), true,
                1, 30, 100.0), () -> invoked.size() < 2 ? 1000 : 0);
        assertEquals(2, cut.succeeded());
        assertTrue(cut.shards().stream().skip(2).allMatch(x -> x.state() == CallState.CANCELLED && x.attempts() == 0),
                cut.shards().toString());
        invoked.clear();
        BatchPredictResult r = service.run(resume(null, null, null, null, null, null, cut.manifestUri()));
        assertEquals(3, invoked.size());
        assertEquals(5, r.succeeded());
        assertSame(null, r.shardPrefix());
        assertEquals(rows, datasetRows(out));
    }

    /**
     * A shard that fails while the time is running out is not tried again once it has: its last attempt started
     * before the deadline, so the function's timeout arithmetic holds whatever maxAttempts says.
     */
    @Test
    void afterTheDeadlineAFailedShardIsNotTriedAgainAndAResumeRunsIt() throws Exception {
        Path out = dir.resolve("preds");
        AtomicBoolean late = new AtomicBoolean();
        FunctionInvoker local = BatchPredictServiceTest.localInvoker(store, new ConcurrentHashMap<>());
        BatchPredictService throttled = new BatchPredictService(store, BatchPredictServiceTest.slotted((f, payload, slot) -> {
            String shard = Json.request(payload, PredictRequest.class).shard();
            invoked.computeIfAbsent(shard, k -> new AtomicInteger()).incrementAndGet();
            if (shard.equals(shards.get(0))) {
                late.set(true); // the time runs out while this call fails
                throw new FunctionInvocationException(f, FunctionInvocationException.Outcome.THROTTLED,
                        "TooManyRequestsException", "Rate exceeded", true, null);
            }
            return local.invoke(f, payload, slot);
        }), LIMITS, FAST);
        BatchPredictResult cut = throttled.run(new BatchPredictRequest("late", RULE, shards.subList(0, 1), null, 1,
                out.toString(), true, 5, 30, 100.0), () -> late.get() ? 0 : 1000);
        ShardResult first = cut.shards().getFirst();
        assertEquals(CallState.FAILED, first.state());
        assertEquals(1, invoked.get(shards.get(0)).get(), "a throttled call is retryable, but not after the deadline");
        assertTrue(first.error().contains("not tried again after attempt 1: the batch's time ran out"), first.error());
        invoked.clear();
        BatchPredictResult r = service.run(resume(null, null, null, null, null, null, cut.manifestUri()));
        assertEquals(1, r.succeeded());
        assertEquals(1, invoked.size());
    }
}
