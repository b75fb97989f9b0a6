package dev.canopy.inference;

import dev.canopy.error.InvalidInputException;
import dev.canopy.error.ObjectNotFoundException;
import dev.canopy.sample.TaxiShards;
import dev.canopy.storage.ObjectInfo;
import dev.canopy.storage.local.LocalObjectStore;
import dev.canopy.storage.s3.S3ObjectStore;
import dev.canopy.testing.InMemoryObjectStore;
import dev.canopy.testing.RecordingObjectStore;
import dev.canopy.testing.S3ProxyServer;
import dev.canopy.testing.SharedData;
import dev.canopy.testing.TestData;
import dev.canopy.testing.TestParquet;
import dev.canopy.training.TrainRequest;
import dev.canopy.training.TrainResult;
import dev.canopy.training.TrainService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PredictServiceTest {
    static final String RULE = "rule:passenger_count>=2";

    @TempDir
    static Path dir;
    static List<long[]> generated;
    static S3ProxyServer s3;
    static S3Client client;

    @BeforeAll
    static void setUp() throws Exception {
        // three shards, the last with several row groups
        generated = TaxiShards.write(dir.resolve("taxi"), new int[]{1500, 10, 120_000}, 3);
        s3 = new S3ProxyServer();
        s3.createBucket("shards");
        client = s3.client();
    }

    @AfterAll
    static void tearDown() throws Exception {
        client.close();
        s3.close();
    }

    static String shard(int i) {
        return dir.resolve("taxi").resolve(String.format(TaxiShards.NAME, i)).toString();
    }

    @Test
    void ruleModelCountsMatchTheGeneratorAndTheModelLoadsOncePerInstance() {
        PredictService p = new PredictService(new LocalObjectStore(), new ModelCache(1 << 20), "i-1");
        PredictResult first = p.predict(new PredictRequest(RULE, shard(0), null));
        assertEquals(generated.get(0)[0], first.rows());
        assertEquals(generated.get(0)[1], (long) first.scoreSum());
        assertTrue(first.modelLoaded());
        PredictResult second = p.predict(new PredictRequest(RULE, shard(2), null));
        assertEquals(generated.get(2)[0], second.rows());
        assertEquals(generated.get(2)[1], (long) second.scoreSum());
        assertFalse(second.modelLoaded(), "the warm instance reuses its model");
        assertEquals("i-1", second.instanceId());
        assertEquals(1, p.cache().loads());
    }

    @Test
    void readsOnlyTheProjectedColumnFromS3WithRangedReads() throws Exception {
        byte[] bytes = Files.readAllBytes(Path.of(shard(2)));
        new S3ObjectStore(client).write("s3://shards/taxi/big.parquet", bytes, "application/octet-stream");
        RecordingObjectStore rec = new RecordingObjectStore(new S3ObjectStore(client));
        PredictService p = new PredictService(rec, new ModelCache(1 << 20), "s3");
        PredictResult r = p.predict(new PredictRequest(RULE, "s3://shards/taxi/big.parquet", null));
        assertEquals(generated.get(2)[0], r.rows());
        assertEquals(generated.get(2)[1], (long) r.scoreSum());
        assertEquals(0, rec.count("read", "big.parquet"), "no whole-object download");
        long rowGroups = (generated.get(2)[0] + TaxiShards.ROW_GROUP - 1) / TaxiShards.ROW_GROUP;
        // the tail with the footer, then one read per row group for the projected chunk, unless the tail holds it
        assertTrue(rec.count("range", "big.parquet") <= 1 + rowGroups && rec.count("range", "big.parquet") >= rowGroups,
                "one request for the footer, one per row group for the projected chunk: " + rec.calls);
        assertTrue(rec.bytesRead.get() < bytes.length / 4, "read " + rec.bytesRead.get() + " of " + bytes.length + " bytes");
    }

    @Test
    void pyarrowSampleShardsGiveTheDocumentedTotals() {
        Path sample = SharedData.require("data/nyc-taxi-sample");
        PredictService p = new PredictService(new LocalObjectStore(), new ModelCache(1 << 20), "x");
        long rows = 0;
        double sum = 0;
        for (ObjectInfo o : new LocalObjectStore().list(sample.toAbsolutePath() + "/")) {
            PredictResult r = p.predict(new PredictRequest(RULE, o.uri(), null));
            rows += r.rows();
            sum += r.scoreSum();
            // rate_code_id is null in every row: no operator may score a null as 1
            assertEquals(0, p.predict(new PredictRequest("rule:rate_code_id!=1", o.uri(), null)).scoreSum());
            // int8 and timestamp[us] columns read as numbers
            assertEquals(r.rows(), (long) p.predict(new PredictRequest("rule:pickup_at>0", o.uri(), null)).scoreSum());
        }
        assertEquals(34_205, rows);
        assertEquals(10_973, (long) sum);
    }

    @Test
    void writesPredictionsToTheGivenObjectAndRewritesItOnRetry() {
        InMemoryObjectStore mem = new InMemoryObjectStore();
        LocalObjectStore local = new LocalObjectStore();
        mem.put("mem://s/0.parquet", local.read(shard(0)));
        PredictService p = new PredictService(mem, new ModelCache(1 << 20), "w");
        PredictResult r = p.predict(new PredictRequest(RULE, "mem://s/0.parquet", "mem://out/0.predictions.parquet"));
        p.predict(new PredictRequest(RULE, "mem://s/0.parquet", "mem://out/0.predictions.parquet"));
        assertEquals("mem://out/0.predictions.parquet", r.outputUri());
        assertEquals(1, mem.list("mem://out/").size(), "a repeated call overwrites, never duplicates");
        PredictResult check = p.predict(new PredictRequest("rule:prediction==1", "mem://out/0.predictions.parquet", null));
        assertEquals(r.rows(), check.rows());
        assertEquals(r.scoreSum(), check.scoreSum());
    }

    @Test
    void trainedModelScoresShardsByColumnNameWithCanopysTrees() throws Exception {
        InMemoryObjectStore mem = new InMemoryObjectStore();
        mem.put("mem://data/h.csv", TestData.housingCsvBytes(400, 8));
        TrainResult t = new TrainService(mem, Clock.systemUTC(), "mem://out").train(new TrainRequest("m1",
                "mem://data/h.csv", null, null, null, "gradient_boosting", 0.2, 1L, null, null, Map.of("trees", 10), null, null, null, null,
                null, "impute", null, null));
        // a shard whose columns come in another order, with an extra column and a null (imputed: the model's policy)
        List<String> names = List.of("Longitude", "extra", "MedInc", "HouseAge", "AveRooms", "AveBedrms", "Population",
                "AveOccup", "Latitude");
        double[][] cols = new double[names.size()][3];
        for (int j = 0; j < names.size(); j++) {
            cols[j] = new double[]{1 + j, 2 + j, Double.NaN};
        }
        mem.put("mem://s/h.parquet", TestParquet.doubles(names, cols, 3));
        PredictResult r = new PredictService(mem, new ModelCache(1 << 20), "t")
                .predict(new PredictRequest(t.modelUri(), "mem://s/h.parquet", null));
        assertEquals(3, r.rows());
        assertTrue(Double.isFinite(r.scoreSum()));
    }

    // ---- bad input: each is a clear error naming the field --------------------------------------

    @Test
    void missingShardModelAndColumnsAreClearErrors() throws Exception {
        InMemoryObjectStore mem = new InMemoryObjectStore();
        mem.put("mem://s/0.parquet", new LocalObjectStore().read(shard(1)));
        mem.put("mem://s/empty.parquet", new byte[0]);
        mem.put("mem://s/corrupt.parquet", "PAR1 this is not parquet PAR1".getBytes());
        PredictService p = new PredictService(mem, new ModelCache(1 << 20), "e");

        assertThrows(ObjectNotFoundException.class, () -> p.predict(new PredictRequest(RULE, "mem://s/none.parquet", null)));
        assertTrue(assertThrows(InvalidInputException.class, () -> p.predict(new PredictRequest(RULE, "mem://s/empty.parquet", null)))
                .getMessage().startsWith("shard=\"mem://s/empty.parquet\": the shard is empty"));
        assertTrue(assertThrows(InvalidInputException.class, () -> p.predict(new PredictRequest(RULE, "mem://s/corrupt.parquet", null)))
                .getMessage().contains("not a readable Parquet file"));
        InvalidInputException missingColumn = assertThrows(InvalidInputException.class,
                () -> p.predict(new PredictRequest("rule:passengers>=2", "mem://s/0.parquet", null)));
        assertTrue(missingColumn.getMessage().contains("has no column \"passengers\""), missingColumn.getMessage());
        InvalidInputException wrongType = assertThrows(InvalidInputException.class,
                () -> p.predict(new PredictRequest("rule:vendor_id==1", "mem://s/0.parquet", null)));
        assertTrue(wrongType.getMessage().contains("column \"vendor_id\" is string, not numeric"), wrongType.getMessage());
        ObjectNotFoundException noModel = assertThrows(ObjectNotFoundException.class,
                () -> p.predict(new PredictRequest("mem://models/none.model", "mem://s/0.parquet", null)));
        assertTrue(noModel.getMessage().contains("mem://models/none.model"));
        assertEquals("modelUri", assertThrows(InvalidInputException.class,
                () -> p.predict(new PredictRequest("rule:nonsense", "mem://s/0.parquet", null))).field());
    }

    @Test
    void aModelWhoseFeaturesTheShardLacksNamesTheMissingColumn() {
        InMemoryObjectStore mem = new InMemoryObjectStore();
        mem.put("mem://data/h.csv", TestData.housingCsvBytes(300, 2));
        TrainResult t = new TrainService(mem, Clock.systemUTC(), "mem://out").train(new TrainRequest("m2",
                "mem://data/h.csv", null, null, null, "decision_tree", 0.2, 1L, null, null, null, null));
        mem.put("mem://s/0.parquet", new LocalObjectStore().read(shard(1)));
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> new PredictService(mem,
                new ModelCache(1 << 20), "f").predict(new PredictRequest(t.modelUri(), "mem://s/0.parquet", null)));
        assertTrue(e.getMessage().contains("has no column \"MedInc\""), e.getMessage());
    }
}
