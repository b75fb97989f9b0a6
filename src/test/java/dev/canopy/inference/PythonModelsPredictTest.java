package dev.canopy.inference;

import dev.canopy.error.InvalidInputException;
import dev.canopy.model.SyntheticModels;
import dev.canopy.storage.ObjectStore;
import dev.canopy.testing.InMemoryObjectStore;
import dev.canopy.testing.RecordingObjectStore;
import dev.canopy.testing.TestParquet;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * XGBoost and LightGBM models through the pool (batch-predict and its warm predictors): each is converted
 * once per instance, gaps reach the trees, a model without names takes {@code #features=}, and a file that
 * is not a model Canopy scores (a pickle, UBJSON, a ranking objective) is refused by batch-predict before any
 * shard is read.
 */
class PythonModelsPredictTest {
    static final List<String> F = List.of("f0", "f1", "f2", "f3", "f4");
    static final int SHARDS = 4;
    static final int ROWS = 500;

    record Setup(InMemoryObjectStore store, List<String> shards, double expectedSum) {
    }

    private static Setup setup(java.util.function.ToDoubleFunction<double[]> reference) throws Exception {
        InMemoryObjectStore store = new InMemoryObjectStore();
        List<String> shards = new ArrayList<>();
        double sum = 0;
        for (int s = 0; s < SHARDS; s++) {
            double[][] rows = SyntheticModels.rows(ROWS, F.size(), 100 + s);
            double[][] columns = new double[F.size()][ROWS];
            for (int i = 0; i < ROWS; i++) {
                for (int f = 0; f < F.size(); f++) {
                    columns[f][i] = rows[i][f];
                }
                sum += reference.applyAsDouble(rows[i]);
            }
            String uri = "mem://data/part-" + s + ".parquet";
            store.put(uri, TestParquet.doubles(F, columns, ROWS));
            shards.add(uri);
        }
        return new Setup(store, shards, sum);
    }

    private static BatchPredictService service(ObjectStore store) {
        return new BatchPredictService(store, BatchPredictServiceTest.localInvoker(store, new ConcurrentHashMap<>()),
                BatchPredictServiceTest.LIMITS, BatchPredictServiceTest.FAST);
    }

    private static BatchPredictRequest request(String model, List<String> shards) {
        return new BatchPredictRequest("py-1", model, shards, null, 2, null, true, 1, 30, 0.0);
    }

    @Test
    void anXgboostModelScoresEveryShardWithOneConversionPerInstance() throws Exception {
        SyntheticModels.Xgb m = SyntheticModels.xgboost(30, 5, F.size(), 9, "binary:logistic");
        Setup s = setup(m::predict);
        s.store().put("mem://models/m.json", m.json(true).getBytes(StandardCharsets.UTF_8));
        BatchPredictResult r = service(s.store()).run(request("mem://models/m.json", s.shards()));
        assertEquals(SHARDS, r.succeeded(), r.toString());
        assertEquals(SHARDS * ROWS, r.rows());
        assertEquals(s.expectedSum(), r.scoreSum(), 1e-5 * SHARDS * ROWS);
        assertTrue(r.modelLoads() >= 1 && r.modelLoads() <= 2, "one conversion per warm instance: " + r.modelLoads());
    }

    @Test
    void aLightgbmModelWithoutNamesTakesTheFeaturesFromTheUri() throws Exception {
        SyntheticModels.Lgb m = SyntheticModels.lightgbm(20, 15, F.size(), 4, "regression");
        Setup s = setup(m::predict);
        byte[] model = m.text().replace("feature_names=f0 f1 f2 f3 f4", "feature_names=Column_0 Column_1 Column_2 Column_3 Column_4")
                .getBytes(StandardCharsets.UTF_8);
        s.store().put("mem://models/m.txt", model);
        RecordingObjectStore store = new RecordingObjectStore(s.store());
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> service(store).run(request("mem://models/m.txt", s.shards())));
        assertTrue(e.getMessage().contains("saved without feature names") && e.getMessage().contains("--features"), e.getMessage());
        assertEquals(0, store.count("read", "part-") + store.count("range", "part-") + store.count("head", "part-"),
                "refused before any shard is read: " + store.calls);

        String uri = ModelRef.withFeatures("mem://models/m.txt", F);
        assertEquals("mem://models/m.txt#features=f0,f1,f2,f3,f4", uri);
        BatchPredictResult r = service(s.store()).run(request(uri, s.shards()));
        assertEquals(SHARDS, r.succeeded(), r.toString());
        assertEquals(s.expectedSum(), r.scoreSum(), 1e-9 * SHARDS * ROWS);

        // names in another order than the model's are a different model: a shard scored with them differs
        List<String> shuffled = List.of("f1", "f0", "f2", "f3", "f4");
        BatchPredictResult other = service(s.store()).run(request(ModelRef.withFeatures("mem://models/m.txt", shuffled), s.shards()));
        assertTrue(Math.abs(other.scoreSum() - r.scoreSum()) > 1e-6, "the features are bound by the given order");
    }

    @Test
    void aMultiClassModelScoresEveryShardAndAKeptColumnNamedAsItsProbabilitiesIsRefusedFirst() throws Exception {
        SyntheticModels.Xgb m = SyntheticModels.xgboost(3 * 10, 4, F.size(), 21, "multi:softprob", 3);
        // a multi-class model's scoreSum adds each row's most probable class code
        Setup s = setup(row -> {
            double[] p = m.probabilities(row, true);
            return p[0] >= p[1] && p[0] >= p[2] ? 0 : p[1] >= p[2] ? 1 : 2;
        });
        s.store().put("mem://models/multi.json", m.json(true).getBytes(StandardCharsets.UTF_8));
        BatchPredictResult r = service(s.store()).run(request("mem://models/multi.json", s.shards()));
        assertEquals(SHARDS, r.succeeded(), r.toString());
        assertEquals(s.expectedSum(), r.scoreSum(), 0.0);
        assertTrue(r.scoreSum() > 0.3 * SHARDS * ROWS, "classes 1 and 2 are predicted: " + r.scoreSum());

        RecordingObjectStore store = new RecordingObjectStore(s.store());
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> service(store).run(
                new BatchPredictRequest("py-2", "mem://models/multi.json", s.shards(), null, 2, "mem://out/multi", true, 1,
                        30, 0.0, null, List.of("f0", "p_2"), null, null, null)));
        assertEquals("keepColumns", e.field());
        assertTrue(e.getMessage().contains("p_2") && e.getMessage().contains("[prediction, p_0, p_1, p_2]"), e.getMessage());
        assertTrue(store.calls.stream().noneMatch(call -> call.contains("part-")), "refused before any shard: " + store.calls);
    }

    @Test
    void filesThatAreNotModelsCanopyScoresAreRefusedBeforeAnyShardIsRead() throws Exception {
        Setup s = setup(row -> 0);
        s.store().put("mem://models/m.pkl", "\u0080\u0004\u0095 a pickle".getBytes(StandardCharsets.ISO_8859_1));
        s.store().put("mem://models/m.ubj", "{L\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0007learner".getBytes(StandardCharsets.ISO_8859_1));
        s.store().put("mem://models/rank.json", SyntheticModels.xgboost(2, 2, F.size(), 1, "rank:pairwise").json(false)
                .getBytes(StandardCharsets.UTF_8));
        s.store().put("mem://models/missing.json", SyntheticModels.xgboost(2, 2, F.size(), 1, "reg:squarederror").json(false)
                .replace("\"f4\"", "\"tip_amount\"").getBytes(StandardCharsets.UTF_8));
        for (String[] c : new String[][]{{"m.pkl", "a Python pickle"}, {"m.ubj", "UBJSON"}, {"rank.json", "the objective is rank:pairwise"}}) {
            RecordingObjectStore store = new RecordingObjectStore(s.store());
            InvalidInputException e = assertThrows(InvalidInputException.class,
                    () -> service(store).run(request("mem://models/" + c[0], s.shards())));
            assertTrue(e.getMessage().contains(c[1]) && e.getMessage().contains("modelUri"), e.getMessage());
            assertTrue(store.calls.stream().noneMatch(call -> call.contains("part-")), c[0] + ": " + store.calls);
        }
        // a feature the shard lacks: the shard fails, naming the column and the shard's columns
        BatchPredictResult r = service(s.store()).run(request("mem://models/missing.json", s.shards().subList(0, 1)));
        assertEquals(1, r.failed());
        String error = r.shards().getFirst().error();
        assertTrue(error.contains("tip_amount") && error.contains("f0"), error);
    }
}
