package dev.canopy.inference;

import dev.canopy.cost.PriceTable;
import dev.canopy.error.StorageException;
import dev.canopy.json.Json;
import dev.canopy.sample.TaxiShards;
import dev.canopy.storage.ObjectInfo;
import dev.canopy.storage.ObjectStore;
import dev.canopy.storage.local.LocalObjectStore;
import dev.canopy.testing.InMemoryObjectStore;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

import static dev.canopy.inference.BatchPredictServiceTest.FAST;
import static dev.canopy.inference.BatchPredictServiceTest.LIMITS;
import static dev.canopy.inference.BatchPredictServiceTest.RULE;
import static dev.canopy.inference.BatchPredictServiceTest.localInvoker;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What batch-predict publishes while it runs ({@link BatchProgress}), for callers that see its answer only at the end. */
class BatchProgressTest {
    static final int N = 12;
    static final int MISSING = 5;

    @TempDir
    static Path dir;
    static InMemoryObjectStore store;
    static List<String> shards = new ArrayList<>();

    @BeforeAll
    static void shards() throws Exception {
        int[] sizes = IntStream.range(0, N).map(i -> 50 + 11 * i).toArray();
        TaxiShards.write(dir, sizes, 3);
        store = new InMemoryObjectStore();
        LocalObjectStore local = new LocalObjectStore();
        for (int i = 0; i < N; i++) {
            String uri = "mem://shards/" + i + ".parquet";
            if (i != MISSING) { // a permanent failure: object not found, not retried
                store.put(uri, local.read(dir.resolve(String.format(TaxiShards.NAME, i)).toString()));
            }
            shards.add(uri);
        }
    }

    private static BatchPredictRequest request(String runId, String out) {
        return new BatchPredictRequest(runId, RULE, shards, null, 3, out, true, 3, 30, 100.0);
    }

    private static List<BatchProgress> published(ObjectStore written, String uri) {
        return ((InMemoryObjectStore) written).writes().stream().filter(w -> w.uri().equals(uri))
                .map(w -> Json.read(w.data(), BatchProgress.class, "progress")).toList();
    }

    @Test
    void snapshotsCountUpMonotonicallyAndTheLastCarriesTheBatchTotals() {
        AtomicLong clock = new AtomicLong();
        // every reading of the fake clock is a second later: every completion is due for a snapshot
        BatchPredictService s = new BatchPredictService(store, localInvoker(store, new ConcurrentHashMap<>()), LIMITS, FAST)
                .progressClock(() -> clock.addAndGet(1000));
        BatchPredictResult r = s.run(request("progress-1", "mem://progress-out"));
        assertEquals(N - 1, r.succeeded());
        assertEquals(1, r.failed());

        List<BatchProgress> ps = published(store, "mem://progress-out/" + BatchProgress.NAME);
        // the first snapshot is written before any shard runs, and the first completion always finds no write
        // in flight: so at least one snapshot lies between the first and the last
        assertTrue(ps.size() >= 3, ps.toString());
        BatchProgress first = ps.getFirst();
        assertEquals(new BatchProgress("progress-1", N, 0, 0, 0, first.startedAt(), 0, false), first);
        BatchProgress last = ps.getLast();
        assertEquals(new BatchProgress("progress-1", N, r.succeeded() + r.failed(), r.failed(), r.rows(), first.startedAt(),
                last.elapsedMillis(), true), last);
        for (int i = 1; i < ps.size(); i++) {
            BatchProgress a = ps.get(i - 1);
            BatchProgress b = ps.get(i);
            assertTrue(b.done() >= a.done() && b.failed() >= a.failed() && b.rows() >= a.rows()
                    && b.elapsedMillis() > a.elapsedMillis(), a + " then " + b);
            assertTrue(b.failed() <= b.done() && b.done() <= b.total(), b.toString());
            assertEquals(i == ps.size() - 1, b.finished(), b.toString());
        }
    }

    @Test
    void atMostOneSnapshotPerIntervalBesidesTheFirstAndTheLast() {
        InMemoryObjectStore out = new InMemoryObjectStore();
        // the clock stands still: no interval ever passes
        BatchPredictService s = new BatchPredictService(new TeeStore(store, out), localInvoker(store, new ConcurrentHashMap<>()),
                LIMITS, FAST).progressClock(() -> 42);
        BatchPredictResult r = s.run(request("progress-2", null));
        List<BatchProgress> ps = published(out, "canopy-out/_progress-progress-2.json");
        assertEquals(List.of(new BatchProgress("progress-2", N, 0, 0, 0, 42, 0, false),
                new BatchProgress("progress-2", N, N, 1, r.rows(), 42, 0, true)), ps);
    }

    @Test
    void aProgressObjectThatCannotBeWrittenDoesNotFailTheBatch() {
        ObjectStore refusing = new TeeStore(store, null);
        BatchPredictService s = new BatchPredictService(refusing, localInvoker(refusing, new ConcurrentHashMap<>()), LIMITS, FAST)
                .progressClock(new AtomicLong()::incrementAndGet);
        BatchPredictResult r = s.run(request("progress-3", "mem://progress-out-3"));
        assertEquals(N - 1, r.succeeded());
        assertTrue(store.exists(r.manifestUri()), "the manifest is written");
        assertFalse(store.exists("mem://progress-out-3/" + BatchProgress.NAME));
    }

    @Test
    void withoutAnOutputPrefixTheBookkeepingGoesToTheDeploymentsOutputLocation() {
        // on Lambda canopy.output-uri is an S3 folder: the function's working directory cannot be written
        BatchPredictService s = new BatchPredictService(store, localInvoker(store, new ConcurrentHashMap<>()), LIMITS, FAST,
                PriceTable.DEFAULT, "mem://deployment/canopy");
        BatchPredictResult r = s.run(new BatchPredictRequest("no-prefix", RULE, shards, null, 3, null, true, 3, 30, 100.0, true));
        assertEquals("mem://deployment/canopy/_result-no-prefix.json", r.resultUri(), "the spilled answer");
        List<BatchProgress> progress = published(store, "mem://deployment/canopy/_progress-no-prefix.json");
        assertTrue(progress.getLast().finished(), String.valueOf(progress));
        assertEquals(N, progress.getLast().done());
    }

    @Test
    void progressLivesBesideTheManifestOrElseUnderTheRunsName() {
        assertEquals("s3://b/preds/_progress.json", BatchProgress.uri("s3://b/preds/", "canopy-out", "r1"));
        assertEquals("out/_progress.json", BatchProgress.uri("out", "canopy-out", "r1"));
        assertEquals("canopy-out/_progress-r1.json", BatchProgress.uri(null, "canopy-out", "r1"));
        assertEquals("s3://b/canopy/_progress-r1.json", BatchProgress.uri(null, "s3://b/canopy", "r1"), "the deployment's output-uri");
        assertEquals("canopy-out/_progress-r1.json", BatchProgress.uri(" ", "canopy-out", "r1"));
    }

    /**
     * Reads and writes {@code main}, except progress objects: those go to {@code progress}, or, when it is null,
     * fail as a storage outage would.
     */
    private record TeeStore(ObjectStore main, ObjectStore progress) implements ObjectStore {
        @Override
        public byte[] read(String uri) {
            return main.read(uri);
        }

        @Override
        public byte[] read(String uri, String expectedVersion) {
            return main.read(uri, expectedVersion);
        }

        @Override
        public byte[] readRange(String uri, long offset, int length, String expectedVersion) {
            return main.readRange(uri, offset, length, expectedVersion);
        }

        @Override
        public Suffix readSuffix(String uri, int length) {
            return main.readSuffix(uri, length);
        }

        @Override
        public void write(String uri, byte[] data, String contentType) {
            if (!uri.substring(uri.lastIndexOf('/') + 1).startsWith("_progress")) {
                main.write(uri, data, contentType);
            } else if (progress != null) {
                progress.write(uri, data, contentType);
            } else {
                throw new StorageException("HTTP 503 SlowDown writing " + uri, true, null);
            }
        }

        @Override
        public void delete(String uri) {
            main.delete(uri);
        }

        @Override
        public List<ObjectInfo> list(String prefixUri) {
            return main.list(prefixUri);
        }

        @Override
        public ObjectInfo head(String uri) {
            return main.head(uri);
        }
    }
}
