package dev.canopy.inference;

import dev.canopy.invoke.local.LocalFunctionInvoker;
import dev.canopy.invoke.local.LocalFunctionInvoker.LocalFunction;
import dev.canopy.json.Json;
import dev.canopy.pool.Backoff;
import dev.canopy.testing.InMemoryObjectStore;
import dev.canopy.testing.TestData;
import dev.canopy.testing.TestParquet;
import dev.canopy.training.TrainRequest;
import dev.canopy.training.TrainResult;
import dev.canopy.training.TrainService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A soak of 50 batch runs in one process, cycling through four trained models on the same warm predictor
 * instances, as a long-lived Lambda would see them. Each instance's model cache must stay within its byte
 * bound after every run, evicting the least recently used model, and every run must score the same rows to
 * the same sums, and the heap that survives a full GC may grow from run 10 to run 50 by less than half the
 * bytes of the models loaded meanwhile. Cache and heap figures are printed and kept in target/reliability/soak.json.
 */
@Isolated("it measures the heap after a GC, which classes running beside it would add to")
class ModelCacheSoakTest {
    static final int RUNS = 50;
    static final int POOL = 4;
    static final List<String> FEATURES = List.of("MedInc", "HouseAge", "AveRooms", "AveBedrms", "Population",
            "AveOccup", "Latitude", "Longitude");

    @Test
    void fiftyRunsOverFourModelsKeepEveryInstancesCacheWithinItsBound() throws Exception {
        InMemoryObjectStore store = new InMemoryObjectStore();
        store.put("mem://data/housing.csv", TestData.housingCsvBytes(600, 12));
        TrainService trainer = new TrainService(store, Clock.systemUTC(), "mem://runs");
        List<String> models = new ArrayList<>();
        long largest = 0;
        String[][] variants = {{"decision_tree", "max_depth", "4"}, {"decision_tree", "max_depth", "12"},
                {"gradient_boosting", "trees", "20"}, {"gradient_boosting", "trees", "60"}};
        for (String[] v : variants) {
            TrainResult t = trainer.train(new TrainRequest("soak", "mem://data/housing.csv", null, null, null, v[0],
                    0.2, 1L, null, null, Map.of(v[1], Integer.parseInt(v[2])), "mem://runs/" + v[0] + "-" + v[2]));
            models.add(t.modelUri());
        }
        // shards with the housing columns: what the trained models score
        List<String> shards = new ArrayList<>();
        for (int s = 0; s < 8; s++) {
            String csv = TestData.housingCsv(400, 100 + s);
            String[] lines = csv.split("\n");
            double[][] cols = new double[FEATURES.size()][lines.length - 1];
            for (int i = 1; i < lines.length; i++) {
                String[] cells = lines[i].split(",");
                for (int j = 0; j < FEATURES.size(); j++) {
                    cols[j][i - 1] = Double.parseDouble(cells[j]);
                }
            }
            String uri = "mem://shards/housing-" + s + ".parquet";
            store.put(uri, TestParquet.doubles(FEATURES, cols, lines.length - 1));
            shards.add(uri);
        }
        // the bound: room for the largest model, but not for all four, so cycling through them must evict
        List<Long> sizes = new ArrayList<>();
        for (String m : models) {
            sizes.add(ModelLoader.load(store, m, ModelLoader.version(store, m)).bytes());
            largest = Math.max(largest, sizes.getLast());
        }
        long bound = Math.max(largest, sizes.stream().mapToLong(Long::longValue).sum() / 2);
        Map<Integer, PredictService> instances = new ConcurrentHashMap<>();
        LocalFunctionInvoker local = new LocalFunctionInvoker(Map.of(), Map.of("predict", slot -> {
            PredictService p = instances.computeIfAbsent(slot, k -> new PredictService(store, new ModelCache(bound), "soak-" + k));
            return new LocalFunction<>(PredictRequest.class, p::predict);
        }));
        BatchPredictService batch = new BatchPredictService(store, local, new BatchPredictService.Limits(64, 1000),
                new Backoff(Duration.ofMillis(1), Duration.ofMillis(5)));

        Map<String, BatchPredictResult> firstByModel = new HashMap<>();
        long peakCacheBytes = 0;
        long heapAfter10 = 0;
        long loads = 0;
        long loadedBytesAfter10 = 0;
        for (int run = 1; run <= RUNS; run++) {
            String model = models.get(run % models.size());
            BatchPredictResult r = batch.run(new BatchPredictRequest("soak-" + run, model, shards, null, POOL, null,
                    true, 1, 60, 0.0));
            assertEquals(shards.size(), r.succeeded(), "run " + run);
            BatchPredictResult first = firstByModel.putIfAbsent(model, r);
            if (first != null) {
                assertEquals(first.rows(), r.rows(), "run " + run);
                assertEquals(first.scoreSum(), r.scoreSum(), 1e-9 * Math.abs(first.scoreSum()), "run " + run);
            }
            loads += r.modelLoads();
            if (run > 10) {
                loadedBytesAfter10 += r.modelLoads() * sizes.get(models.indexOf(model));
            }
            for (PredictService p : instances.values()) {
                long b = p.cache().bytes();
                assertTrue(b <= bound, "run " + run + ": " + p.instanceId() + " holds " + b + " bytes, bound " + bound);
                peakCacheBytes = Math.max(peakCacheBytes, b);
            }
            if (run == 10) {
                heapAfter10 = usedHeapAfterGc();
            }
        }
        long heapAfter50 = usedHeapAfterGc();
        long instanceLoads = instances.values().stream().mapToLong(p -> p.cache().loads()).sum();
        long cached = instances.values().stream().mapToLong(p -> p.cache().size()).sum();
        assertEquals(loads, instanceLoads, "every load is reported by the run that made it");
        assertTrue(instanceLoads - cached > 0, "the bound forced evictions");
        // Memory stays bounded: once the first runs have warmed everything up, the heap that survives a full GC
        // may grow over the next 40 runs by less than half the bytes of the models those runs loaded. Keeping
        // the evicted models alive would retain all of them; keeping anything per run of a model's size fails too.
        long retainedBound = loadedBytesAfter10 / 2;
        assertTrue(heapAfter50 - heapAfter10 < retainedBound, "heap after a full GC grew by "
                + ((heapAfter50 - heapAfter10) >> 10) + " KiB from run 10 to run " + RUNS + ", bound "
                + (retainedBound >> 10) + " KiB (half the " + (loadedBytesAfter10 >> 10) + " KiB of models loaded)");

        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("runs", RUNS);
        figures.put("models", models.size());
        figures.put("instances", instances.size());
        figures.put("modelBytes", sizes);
        figures.put("cacheBoundBytes", bound);
        figures.put("peakCacheBytes", peakCacheBytes);
        figures.put("modelLoads", instanceLoads);
        figures.put("evictions", instanceLoads - cached);
        figures.put("heapAfterRun10MiB", heapAfter10 >> 20);
        figures.put("heapAfterRun50MiB", heapAfter50 >> 20);
        figures.put("heapGrowthRun10To50KiB", (heapAfter50 - heapAfter10) >> 10);
        figures.put("heapGrowthBoundKiB", (loadedBytesAfter10 / 2) >> 10);
        Path report = Path.of("target", "reliability", "soak.json");
        Files.createDirectories(report.getParent());
        Files.write(report, Json.write(figures));
        System.out.println("model cache soak: " + new String(Json.write(figures), StandardCharsets.UTF_8).replaceAll("\\s+", " "));
    }

    private static long usedHeapAfterGc() {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
