package dev.canopy.inference;

import dev.canopy.invoke.FunctionInvocationException;
import dev.canopy.invoke.FunctionInvoker;
import dev.canopy.invoke.local.LocalFunctionInvoker;
import dev.canopy.invoke.local.LocalFunctionInvoker.LocalFunction;
import dev.canopy.json.Json;
import dev.canopy.pool.Backoff;
import dev.canopy.pool.CallState;
import dev.canopy.sample.TaxiShards;
import dev.canopy.testing.InMemoryObjectStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The batch pool under load and faults, on one machine: 1,000 shards through a pool of 32 predictor
 * instances, with 10% of the shards hit by transient faults (throttling, 5xx, timeouts) and 1% by permanent
 * ones, on a seeded schedule. Every shard must be reported exactly once, with the state and attempt count
 * the schedule implies; no output may be written twice under two names; in-flight never exceeds the pool.
 * The figures (wall time, peak in-flight) are printed and kept in target/reliability/load.json for
 * docs/guarantees.md; the wall time is reported, not asserted, because it depends on the machine. No heap
 * figure: the plain tests share one JVM, whose heap holds the classes running beside this one
 * ({@code ModelCacheSoakTest}, isolated, bounds the heap).
 */
class LoadAndFaultTest {
    static final int SHARDS = 1000;
    static final int POOL = 32;
    static final int MAX_ATTEMPTS = 3;
    static final String RULE = "rule:passenger_count>=2";
    static final String OUT = "mem://load-out";

    enum Fault {
        /** Lambda's 429: the function never ran. */
        THROTTLED,
        /** A 5xx after the predictor ran and wrote its output: the response was lost. */
        SERVER_ERROR_AFTER_WRITE,
        /** The call outlives shardTimeoutSeconds; the pool gives up on it and retries. */
        TIMEOUT,
        /** Bad input inside the function: never retried. */
        PERMANENT
    }

    /** What happens to one shard: the faults its first attempts meet, in order. */
    record Plan(List<Fault> faults) {
        boolean permanent() {
            return !faults.isEmpty() && faults.getFirst() == Fault.PERMANENT;
        }

        boolean succeeds() {
            return !permanent() && faults.size() < MAX_ATTEMPTS;
        }

        int attempts() {
            return permanent() ? 1 : Math.min(MAX_ATTEMPTS, faults.size() + 1);
        }

        CallState state() {
            if (succeeds()) {
                return CallState.SUCCEEDED;
            }
            return !permanent() && faults.getLast() == Fault.TIMEOUT ? CallState.TIMED_OUT : CallState.FAILED;
        }

        /** Whether some attempt wrote the output (a success, or a 5xx after the write). */
        boolean wroteOutput() {
            return succeeds() || faults.contains(Fault.SERVER_ERROR_AFTER_WRITE);
        }
    }

    /**
     * Exactly 1% permanent and 10% transient shards, chosen by a seeded shuffle. Of the transient ones, 70
     * meet one fault, 20 meet two and 10 meet three, which uses up their attempts.
     */
    static List<Plan> schedule(long seed) {
        List<Integer> order = new ArrayList<>(IntStream.range(0, SHARDS).boxed().toList());
        Collections.shuffle(order, new java.util.Random(seed));
        SplittableRandom rnd = new SplittableRandom(seed);
        Fault[] transientKinds = {Fault.THROTTLED, Fault.SERVER_ERROR_AFTER_WRITE, Fault.TIMEOUT};
        List<Plan> plans = new ArrayList<>(Collections.nCopies(SHARDS, new Plan(List.of())));
        for (int k = 0; k < SHARDS / 100; k++) {
            plans.set(order.get(k), new Plan(List.of(Fault.PERMANENT)));
        }
        for (int k = 0; k < SHARDS / 10; k++) {
            int faults = k < 70 ? 1 : k < 90 ? 2 : 3;
            List<Fault> f = new ArrayList<>();
            for (int j = 0; j < faults; j++) {
                f.add(transientKinds[rnd.nextInt(transientKinds.length)]);
            }
            plans.set(order.get(SHARDS / 100 + k), new Plan(List.copyOf(f)));
        }
        return plans;
    }

    @TempDir
    Path dir;

    @Test
    void thousandShardsUnderTransientAndPermanentFaultsAreEachReportedExactlyOnce() throws Exception {
        List<long[]> written = TaxiShards.write(dir, new int[]{150}, 3);
        byte[] shardBytes = Files.readAllBytes(dir.resolve(String.format(TaxiShards.NAME, 0)));
        long rowsPerShard = written.getFirst()[0];
        long scorePerShard = written.getFirst()[1];
        InMemoryObjectStore store = new InMemoryObjectStore();
        List<String> shards = new ArrayList<>();
        for (int i = 0; i < SHARDS; i++) {
            String uri = String.format("mem://load/shard-%04d.parquet", i);
            store.put(uri, shardBytes);
            shards.add(uri);
        }
        List<Plan> plans = schedule(2026);
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < SHARDS; i++) {
            index.put(shards.get(i), i);
        }

        Map<Integer, PredictService> instances = new ConcurrentHashMap<>();
        LocalFunctionInvoker local = new LocalFunctionInvoker(Map.of(), Map.of("predict", slot -> {
            PredictService p = instances.computeIfAbsent(slot, k -> new PredictService(store, new ModelCache(1 << 20), "local-" + k));
            return new LocalFunction<>(PredictRequest.class, p::predict);
        }));
        Map<Integer, AtomicInteger> calls = new ConcurrentHashMap<>();
        Map<Fault, AtomicInteger> injected = new ConcurrentHashMap<>();
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger peakInFlight = new AtomicInteger();
        FunctionInvoker faulty = new FunctionInvoker() {
            @Override
            public String invoke(String function, String payload) {
                return invoke(function, payload, 0);
            }

            @Override
            public String invoke(String function, String payload, int instance) {
                peakInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
                try {
                    int i = index.get(Json.request(payload, PredictRequest.class).shard());
                    int call = calls.computeIfAbsent(i, k -> new AtomicInteger()).incrementAndGet();
                    List<Fault> faults = plans.get(i).faults();
                    Fault fault = call <= faults.size() ? faults.get(call - 1) : null;
                    if (fault != null) {
                        injected.computeIfAbsent(fault, k -> new AtomicInteger()).incrementAndGet();
                    }
                    if (fault == Fault.PERMANENT) {
                        throw new FunctionInvocationException(function, "InvalidInputException", "shard=\"" + i + "\": corrupt", false, null);
                    }
                    if (fault == Fault.THROTTLED) {
                        throw new FunctionInvocationException(function, "TooManyRequestsException", "Rate Exceeded.", true, null);
                    }
                    if (fault == Fault.TIMEOUT) {
                        // longer than shardTimeoutSeconds; the pool interrupts the call when it gives up
                        Thread.sleep(5_000);
                        throw new AssertionError("a timed-out call must be interrupted, not left running");
                    }
                    String answer = local.invoke(function, payload, instance);
                    if (fault == Fault.SERVER_ERROR_AFTER_WRITE) {
                        throw new FunctionInvocationException(function, "ServiceException", "HTTP 502 after the function returned", true, null);
                    }
                    return answer;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted", e);
                } finally {
                    inFlight.decrementAndGet();
                }
            }
        };

        long t0 = System.nanoTime();
        BatchPredictResult r = new BatchPredictService(store, faulty, new BatchPredictService.Limits(256, 10_000),
                new Backoff(Duration.ofMillis(2), Duration.ofMillis(50)))
                .run(new BatchPredictRequest("load-1", RULE, shards, null, POOL, OUT, false, MAX_ATTEMPTS, 1, 100.0));
        long wallMillis = (System.nanoTime() - t0) / 1_000_000;

        // every shard exactly once: none lost, none twice
        assertEquals(SHARDS, r.shards().size());
        assertEquals(IntStream.range(0, SHARDS).boxed().collect(Collectors.toSet()),
                r.shards().stream().map(ShardResult::index).collect(Collectors.toSet()));
        // each shard's state and attempts are what its fault schedule implies
        int expectOk = 0;
        for (ShardResult row : r.shards()) {
            Plan plan = plans.get(row.index());
            assertEquals(plan.state(), row.state(), "shard " + row.index() + " " + plan + ": " + row.error());
            assertEquals(plan.attempts(), row.attempts(), "shard " + row.index() + " " + plan);
            expectOk += plan.succeeds() ? 1 : 0;
        }
        assertEquals(expectOk, r.succeeded());
        assertEquals(SHARDS - expectOk, r.failed());
        assertEquals(expectOk * rowsPerShard, r.rows(), "rows counted once per succeeded shard");
        assertEquals(expectOk * scorePerShard, (long) r.scoreSum());
        // outputs: predictors write only in the staging folder, one object per attempt that wrote; the batch
        // writes a shard's final name once, when it accepts an attempt, so only succeeded shards have one
        Map<String, Long> finalWrites = store.writes().stream().filter(w -> w.uri().endsWith(".predictions.parquet"))
                .filter(w -> !w.uri().contains("/" + ShardOutputs.STAGING_FOLDER + "/"))
                .collect(Collectors.groupingBy(InMemoryObjectStore.Write::uri, LinkedHashMap::new, Collectors.counting()));
        Set<String> expectedOutputs = new HashSet<>();
        Set<String> expectedStaged = new HashSet<>();
        for (ShardResult row : r.shards()) {
            if (row.state() == CallState.SUCCEEDED) {
                expectedOutputs.add(BatchPredictService.outputUri(OUT, row.shard()));
            }
            if (plans.get(row.index()).wroteOutput()) {
                expectedStaged.add(BatchPredictService.outputUri(OUT, row.shard()));
            }
        }
        assertEquals(expectedOutputs, finalWrites.keySet(), "no output under a second name, none for a failed shard");
        assertEquals(Set.of(1L), Set.copyOf(finalWrites.values()), "each output committed once: " + finalWrites);
        Map<String, Long> writesByUri = store.writes().stream().filter(w -> w.uri().contains("/" + ShardOutputs.STAGING_FOLDER + "/"))
                .collect(Collectors.groupingBy(w -> OUT + "/" + w.uri().substring(w.uri().lastIndexOf('/') + 1),
                        LinkedHashMap::new, Collectors.counting()));
        assertEquals(expectedStaged, writesByUri.keySet(), "every attempt that wrote, wrote in the staging folder");
        assertEquals(List.of(), store.list(OUT + "/" + ShardOutputs.STAGING_FOLDER + "/"), "the staging folder is emptied");
        long rewrites = writesByUri.values().stream().mapToLong(n -> n - 1).sum();
        // the manifest is the commit record: it names an output for exactly the shards that succeeded
        BatchPredictResult manifest = Json.read(store.read(r.manifestUri()), BatchPredictResult.class, "manifest");
        assertEquals(expectOk, manifest.shards().stream().filter(s -> s.outputUri() != null).count());
        assertTrue(peakInFlight.get() <= POOL, "in flight " + peakInFlight.get());
        assertTrue(r.modelLoads() <= POOL, "model loads " + r.modelLoads());

        int transientShards = (int) plans.stream().filter(p -> !p.faults().isEmpty() && !p.permanent()).count();
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("shards", SHARDS);
        figures.put("poolSize", POOL);
        figures.put("transientShards", transientShards);
        figures.put("permanentShards", plans.stream().filter(Plan::permanent).count());
        figures.put("faultsInjected", injected.entrySet().stream()
                .collect(Collectors.toMap(e -> e.getKey().name(), e -> e.getValue().get(), (a, b) -> a, java.util.TreeMap::new)));
        figures.put("calls", calls.values().stream().mapToInt(AtomicInteger::get).sum());
        figures.put("succeeded", r.succeeded());
        figures.put("failed", r.failed());
        figures.put("lost", SHARDS - r.shards().size());
        figures.put("duplicateReports", r.shards().size() - new HashSet<>(r.shards().stream().map(ShardResult::index).toList()).size());
        figures.put("outputObjects", writesByUri.size());
        figures.put("stagedWritesPastTheFirst", rewrites);
        figures.put("committedOutputs", finalWrites.size());
        figures.put("peakInFlight", peakInFlight.get());
        figures.put("modelLoads", r.modelLoads());
        figures.put("wallMillis", wallMillis);
        Path report = Path.of("target", "reliability", "load.json");
        Files.createDirectories(report.getParent());
        Files.write(report, Json.write(figures));
        System.out.println("load and fault test: " + Json.writeString(figures));
    }
}
