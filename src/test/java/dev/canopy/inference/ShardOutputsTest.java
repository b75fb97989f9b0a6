package dev.canopy.inference;

import dev.canopy.error.InvalidInputException;
import dev.canopy.invoke.local.LocalFunctionInvoker;
import dev.canopy.invoke.local.LocalFunctionInvoker.LocalFunction;
import dev.canopy.json.Json;
import dev.canopy.pool.Backoff;
import dev.canopy.pool.CallState;
import dev.canopy.sample.TaxiShards;
import dev.canopy.storage.StorageUri;
import dev.canopy.testing.InMemoryObjectStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * batch-predict and the Distributed Map workflow write a shard's predictions to the same object: the
 * orchestrator derives {@code outputUri} from its {@code outputPrefix}, the workflow passes the prefix and the
 * predictor derives the same name. And a summary-only batch answer stays small, its rows in the manifest.
 */
class ShardOutputsTest {
    static final String RULE = "rule:passenger_count>=2";

    @Test
    void thePredictorDerivesTheNameTheOrchestratorGives(@TempDir Path dir) throws Exception {
        TaxiShards.write(dir, new int[]{300}, 4);
        InMemoryObjectStore store = new InMemoryObjectStore();
        store.put("mem://s/taxi/0.parquet", Files.readAllBytes(dir.resolve(TaxiShards.NAME.formatted(0))));
        PredictService p = new PredictService(store, new ModelCache(1 << 20), "i");

        PredictResult fromPrefix = p.predict(new PredictRequest(RULE, "mem://s/taxi/0.parquet", null, "r", 1, "mem://out/"));
        String orchestrators = BatchPredictService.outputUri("mem://out/", "mem://s/taxi/0.parquet");
        assertEquals(orchestrators, fromPrefix.outputUri());
        assertTrue(orchestrators.matches("mem://out/0-[0-9a-f]{8}\\.predictions\\.parquet"), orchestrators);
        assertEquals(1, store.list("mem://out/").size());
        // the hash covers the whole URI: the same file name in another folder is another object
        assertNotEquals(orchestrators, ShardOutputs.outputUri("mem://out/", "mem://s/other/0.parquet"));

        InvalidInputException both = assertThrows(InvalidInputException.class,
                () -> p.predict(new PredictRequest(RULE, "mem://s/taxi/0.parquet", "mem://out/x.parquet", null, null, "mem://out/")));
        assertEquals("outputPrefix", both.field());
    }

    @Test
    void aSummaryOnlyAnswerLeavesTheRowsToTheManifest() throws Exception {
        InMemoryObjectStore store = new InMemoryObjectStore();
        for (int i = 0; i < 50; i++) {
            store.put("mem://s/%02d.parquet".formatted(i), new byte[]{1});
        }
        LocalFunctionInvoker predictor = new LocalFunctionInvoker(Map.of("predict", new LocalFunction<>(PredictRequest.class,
                q -> {
                    store.write(q.outputUri(), new byte[]{2}, "application/vnd.apache.parquet"); // what the batch commits
                    return new PredictResult(q.shard(), 10, 4, "stand-in", false, 1, q.outputUri());
                })));
        BatchPredictService batch = new BatchPredictService(store, predictor, new BatchPredictService.Limits(8, 100), Backoff.DEFAULT);

        BatchPredictResult summary = batch.run(new BatchPredictRequest("sum", RULE, null, "mem://s/", 4, "mem://out/", null, null,
                null, null, true));
        assertEquals(List.of(), summary.shards());
        assertEquals(50, summary.succeeded());
        assertEquals(500, summary.rows());
        assertEquals("mem://out/_manifest.json", summary.manifestUri());
        assertNull(summary.resultUri());
        assertEquals(50, Json.MAPPER.readTree(store.read(summary.manifestUri())).get("shards").size());

        // without an output prefix the rows go to resultUri
        BatchPredictResult noPrefix = batch.run(new BatchPredictRequest("sum2", RULE, null, "mem://s/", 4, null, null, null,
                null, null, true));
        assertEquals(List.of(), noPrefix.shards());
        assertEquals(50, Json.MAPPER.readTree(store.read(noPrefix.resultUri())).get("shards").size());

        // and by default the answer still carries its rows
        assertEquals(50, batch.run(new BatchPredictRequest("full", RULE, null, "mem://s/", 4, "mem://out2/", null, null, null,
                null)).shards().size());
    }

    @Test
    void aManifestAccountsForItsShardsOutputsTheirCsvCopiesAndItself() {
        List<ShardResult> rows = List.of(
                new ShardResult(0, "s3://b/in/a.parquet", CallState.SUCCEEDED, 1L, 1.0, 1, null, null, 1,
                        ShardOutputs.outputUri("s3://b/out", "s3://b/in/a.parquet"), null),
                new ShardResult(1, "s3://b/in/b.parquet", CallState.FAILED, null, null, 1, null, null, 1,
                        null, "x"));
        BatchPredictResult m = new BatchPredictResult("r", RULE, 1, rows, 1, 1, 1, 1, 0, 0, 1, true, null, null);
        String a = ShardOutputs.outputUri("s3://b/out", "s3://b/in/a.parquet");
        String b = ShardOutputs.outputUri("s3://b/out", "s3://b/in/b.parquet");
        assertEquals(List.of(a, ShardOutputs.csvCopyUri(a), b, ShardOutputs.csvCopyUri(b), "s3://b/out/_manifest.json"),
                List.copyOf(ShardOutputs.written("s3://b/out", m)), "a failed shard's name too: an attempt may have written it");
        // the copies sit in a '_' folder, which dataset readers skip: the prefix still reads as Parquet alone
        assertEquals(a.substring(0, a.lastIndexOf('/')) + "/_csv/" + a.substring(a.lastIndexOf('/') + 1).replace(".parquet", ".csv"),
                ShardOutputs.csvCopyUri(a));
        assertThrows(IllegalArgumentException.class, () -> ShardOutputs.csvCopyUri("s3://b/out/x.csv"));
        assertTrue(ShardOutputs.bookkeeping("_result-r.json"));
        assertTrue(!ShardOutputs.bookkeeping("_manifest.json") && !ShardOutputs.bookkeeping("sub/_x.json")
                && !ShardOutputs.bookkeeping("_x.parquet") && !ShardOutputs.bookkeeping("x.json"));
        // names below a prefix, whatever spelling of the location the listing uses
        assertEquals("a/b.json", StorageUri.relative("out", Path.of("out/a/b.json").toAbsolutePath().toString()));
        assertEquals("k.json", StorageUri.relative("s3://b/p/", "s3://b/p/k.json"));
        assertNull(StorageUri.relative("s3://b/p", "s3://b/p2/k.json"), "a sibling prefix is not below");
        assertNull(StorageUri.relative("s3://b/p", "s3://c/p/k.json"));
        assertTrue(StorageUri.same("file:" + Path.of("x/y").toAbsolutePath(), "x/y"));
    }
}
