package dev.canopy.inference;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.canopy.cost.PriceTable;
import dev.canopy.error.InvalidInputException;
import dev.canopy.error.ObjectNotFoundException;
import dev.canopy.invoke.FunctionInvocationException;
import dev.canopy.invoke.FunctionInvoker;
import dev.canopy.invoke.lambda.LambdaFunctionInvoker;
import dev.canopy.invoke.local.LocalFunctionInvoker;
import dev.canopy.invoke.local.LocalFunctionInvoker.LocalFunction;
import dev.canopy.json.Json;
import dev.canopy.pool.Backoff;
import dev.canopy.pool.CallState;
import dev.canopy.sample.TaxiShards;
import dev.canopy.storage.ObjectStore;
import dev.canopy.storage.local.LocalObjectStore;
import dev.canopy.testing.InMemoryObjectStore;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.lambda.LambdaClient;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.exactly;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BatchPredictServiceTest {
    static final String RULE = "rule:passenger_count>=2";
    static final Backoff FAST = new Backoff(Duration.ofMillis(1), Duration.ofMillis(3));
    static final BatchPredictService.Limits LIMITS = new BatchPredictService.Limits(64, 500);
    /** Where a batch without an output prefix keeps its progress: under target/, not the user's ./canopy-out. */
    static final String BOOKKEEPING = "target/canopy-out";

    @TempDir
    static Path dir;
    static List<String> shards = new ArrayList<>();
    static long rows;
    static long twoPlus;

    @BeforeAll
    static void shards() throws Exception {
        int[] sizes = IntStream.range(0, 10).map(i -> 200 + 37 * i).toArray();
        List<long[]> w = TaxiShards.write(dir.resolve("taxi"), sizes, 5);
        for (int i = 0; i < sizes.length; i++) {
            shards.add(dir.resolve("taxi").resolve(String.format(TaxiShards.NAME, i)).toString());
            rows += w.get(i)[0];
            twoPlus += w.get(i)[1];
        }
    }

    /** The local invoker as the one-machine mode builds it: one predictor, with its own cache, per slot. */
    static LocalFunctionInvoker localInvoker(ObjectStore store, Map<Integer, PredictService> instances) {
        return new LocalFunctionInvoker(Map.of(), Map.of("predict", slot -> {
            PredictService p = instances.computeIfAbsent(slot, k -> new PredictService(store, new ModelCache(1 << 20), "local-" + k));
            return new LocalFunction<>(PredictRequest.class, p::predict);
        }));
    }

    /** An invoker defined by its per-instance call, as the orchestrator uses it. */
    interface SlottedCall {
        String call(String function, String payload, int instance);
    }

    static FunctionInvoker slotted(SlottedCall body) {
        return new FunctionInvoker() {
            @Override
            public String invoke(String function, String payload) {
                return body.call(function, payload, 0);
            }

            @Override
            public String invoke(String function, String payload, int instance) {
                return body.call(function, payload, instance);
            }
        };
    }

    static BatchPredictRequest request(List<String> shards, int pool, String out, Double tolerated) {
        return new BatchPredictRequest("b1", RULE, shards, null, pool, out, true, 3, 30, tolerated);
    }

    @Test
    void scoresEveryShardOnceWithOneModelLoadPerInstance() {
        LocalObjectStore store = new LocalObjectStore();
        Map<Integer, PredictService> instances = new ConcurrentHashMap<>();
        BatchPredictService s = new BatchPredictService(store, localInvoker(store, instances), LIMITS, FAST, PriceTable.DEFAULT, BOOKKEEPING);
        BatchPredictResult r = s.run(request(shards, 3, null, null));
        assertEquals(10, r.succeeded());
        assertEquals(0, r.failed());
        assertEquals(rows, r.rows());
        assertEquals(twoPlus, (long) r.scoreSum());
        assertTrue(r.modelLoads() <= 3 && r.modelLoads() >= 1, "loads " + r.modelLoads());
        assertTrue(r.instances() <= 3);
        assertEquals(IntStream.range(0, 10).boxed().toList(), r.shards().stream().map(ShardResult::index).toList());
        // a second batch on the same warm instances loads the model only on a slot that has not run yet:
        // over both batches each of the 3 instances loads it at most once
        BatchPredictResult again = s.run(request(shards, 3, null, null));
        assertTrue(r.modelLoads() + again.modelLoads() <= 3, r.modelLoads() + " + " + again.modelLoads());
        assertEquals(instances.values().stream().mapToLong(p -> p.cache().loads()).sum(), r.modelLoads() + again.modelLoads());
    }

    @Test
    void shardPrefixListsTheParquetObjects() {
        LocalObjectStore store = new LocalObjectStore();
        BatchPredictService s = new BatchPredictService(store, localInvoker(store, new ConcurrentHashMap<>()), LIMITS, FAST, PriceTable.DEFAULT, BOOKKEEPING);
        BatchPredictResult r = s.run(new BatchPredictRequest(null, RULE, null, dir.resolve("taxi") + "/", 4, null,
                false, null, null, null));
        assertEquals(10, r.succeeded());
        assertEquals(rows, r.rows());
    }

    @Test
    void outputsAreIdempotentAndAManifestListsEveryShard() {
        LocalObjectStore store = new LocalObjectStore();
        String out = dir.resolve("predictions").toString();
        // the first call for every third shard fails after the predictor wrote its output: the retry
        // writes the same object
        Map<String, AtomicInteger> callsByShard = new ConcurrentHashMap<>();
        LocalFunctionInvoker local = localInvoker(store, new ConcurrentHashMap<>());
        FunctionInvoker flaky = slotted((function, payload, instance) -> {
                String answer = local.invoke(function, payload, instance);
                String shard = Json.request(payload, PredictRequest.class).shard();
                int call = callsByShard.computeIfAbsent(shard, k -> new AtomicInteger()).incrementAndGet();
                if (call == 1 && shards.indexOf(shard) % 3 == 0) {
                    throw new FunctionInvocationException(function, "ServiceException", "connection reset after write", true, null);
                }
                return answer;
        });
        BatchPredictService s = new BatchPredictService(store, flaky, LIMITS, FAST, PriceTable.DEFAULT, BOOKKEEPING);
        BatchPredictResult first = s.run(request(shards, 4, out, null));
        BatchPredictResult second = s.run(request(shards, 4, out, null));
        assertEquals(10, first.succeeded());
        assertEquals(10, second.succeeded());
        assertTrue(first.shards().stream().anyMatch(r -> r.attempts() > 1), "some shards were retried");
        var objects = store.list(out + "/");
        assertEquals(12, objects.size(), "10 outputs, one manifest and one progress object, after two runs with retries: "
                + objects);
        assertEquals(first.shards().stream().map(ShardResult::outputUri).toList(),
                second.shards().stream().map(ShardResult::outputUri).toList());
        BatchPredictResult manifest = Json.read(store.read(second.manifestUri()), BatchPredictResult.class, "manifest");
        assertEquals(10, manifest.shards().size());
        assertEquals(rows, manifest.rows());
    }

    @Test
    void toleratedFailurePercentageDecidesWhetherTheBatchFailed() {
        List<String> withMissing = new ArrayList<>(shards);
        withMissing.set(4, dir.resolve("taxi/missing.parquet").toString());
        LocalObjectStore store = new LocalObjectStore();
        BatchPredictService s = new BatchPredictService(store, localInvoker(store, new ConcurrentHashMap<>()), LIMITS, FAST, PriceTable.DEFAULT, BOOKKEEPING);
        BatchPredictResult ok = s.run(request(withMissing, 4, null, 10.0));
        assertEquals(9, ok.succeeded());
        assertEquals(1, ok.failed());
        assertFalse(ok.toleranceExceeded());
        ShardResult missing = ok.shards().get(4);
        assertEquals(CallState.FAILED, missing.state());
        assertEquals(1, missing.attempts(), "a missing shard is permanent: not retried");
        assertTrue(missing.error().startsWith("ObjectNotFoundException: object not found"), missing.error());
        assertTrue(s.run(request(withMissing, 4, null, 5.0)).toleranceExceeded());
        assertTrue(s.run(request(withMissing, 4, null, null)).toleranceExceeded(), "default tolerance is 0%");
    }

    @Test
    void everyShardIsAccountedForExactlyOnceUnderARandomFaultSchedule() {
        int n = 150;
        InMemoryObjectStore store = new InMemoryObjectStore();
        byte[] small = new LocalObjectStore().read(shards.getFirst());
        List<String> many = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            store.put("mem://s/" + i + ".parquet", small);
            many.add("mem://s/" + i + ".parquet");
        }
        SplittableRandom rnd = new SplittableRandom(9);
        int[] transientFaults = IntStream.range(0, n).map(i -> rnd.nextInt(10) == 0 ? 1 + rnd.nextInt(3) : 0).toArray();
        boolean[] permanent = new boolean[n];
        IntStream.range(0, n).forEach(i -> permanent[i] = rnd.nextInt(50) == 0);
        Map<Integer, AtomicInteger> attempts = new ConcurrentHashMap<>();
        LocalFunctionInvoker local = localInvoker(store, new ConcurrentHashMap<>());
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger peak = new AtomicInteger();
        FunctionInvoker faulty = slotted((function, payload, instance) -> {
                peak.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
                try {
                    String shard = Json.request(payload, PredictRequest.class).shard();
                    int i = Integer.parseInt(shard.substring("mem://s/".length(), shard.length() - ".parquet".length()));
                    int attempt = attempts.computeIfAbsent(i, k -> new AtomicInteger()).incrementAndGet();
                    if (permanent[i]) {
                        throw new FunctionInvocationException(function, "InvalidInputException", "corrupt shard", false, null);
                    }
                    if (attempt <= transientFaults[i]) {
                        throw new FunctionInvocationException(function, "TooManyRequestsException", "throttled", true, null);
                    }
                    return local.invoke(function, payload, instance);
                } finally {
                    inFlight.decrementAndGet();
                }
        });
        BatchPredictResult r = new BatchPredictService(store, faulty, LIMITS, FAST, PriceTable.DEFAULT, BOOKKEEPING)
                .run(new BatchPredictRequest("f", RULE, many, null, 8, "mem://out", false, 3, 30, 100.0));
        assertEquals(n, r.shards().size());
        assertEquals(n, new HashSet<>(r.shards().stream().map(ShardResult::index).toList()).size(), "no duplicates");
        int expectOk = 0;
        for (ShardResult row : r.shards()) {
            int i = row.index();
            boolean ok = !permanent[i] && transientFaults[i] < 3;
            expectOk += ok ? 1 : 0;
            assertEquals(ok ? CallState.SUCCEEDED : CallState.FAILED, row.state(), "shard " + i + ": " + row.error());
            assertEquals(permanent[i] ? 1 : Math.min(3, transientFaults[i] + 1), row.attempts(), "shard " + i);
        }
        assertEquals(expectOk, r.succeeded());
        assertEquals(n - expectOk, r.failed());
        assertEquals(expectOk, store.list("mem://out/").stream().filter(o -> o.uri().endsWith(".predictions.parquet")).count(),
                "one output per succeeded shard, none duplicated");
        assertTrue(peak.get() <= 8, "in flight " + peak.get());
    }

    @Test
    void throttlingAndFunctionErrorsFromTheLambdaInvokeApi() {
        WireMockServer wiremock = new WireMockServer(options().dynamicPort());
        wiremock.start();
        try {
            String path = "/2015-03-31/functions/canopy-predict/invocations";
            String ok = "{\"shard\":\"%s\",\"rows\":10,\"scoreSum\":3.0,\"instanceId\":\"%s\",\"modelLoaded\":%s,\"millis\":5,\"outputUri\":null}";
            // s0: throttled once, then answered
            wiremock.stubFor(post(urlPathEqualTo(path)).withRequestBody(containing("s3://b/s0.parquet"))
                    .inScenario("s0").whenScenarioStateIs(Scenario.STARTED)
                    .willReturn(aResponse().withStatus(429).withHeader("x-amzn-ErrorType", "TooManyRequestsException")
                            .withBody("{\"message\":\"Rate Exceeded.\"}")).willSetStateTo("ok"));
            wiremock.stubFor(post(urlPathEqualTo(path)).withRequestBody(containing("s3://b/s0.parquet"))
                    .inScenario("s0").whenScenarioStateIs("ok")
                    .willReturn(aResponse().withStatus(200).withBody(ok.formatted("s3://b/s0.parquet", "i-a", "true"))));
            // s1: bad input inside the function: permanent, one call
            wiremock.stubFor(post(urlPathEqualTo(path)).withRequestBody(containing("s3://b/s1.parquet"))
                    .willReturn(aResponse().withStatus(200).withHeader("X-Amz-Function-Error", "Unhandled")
                            .withBody("{\"errorType\":\"io.quarkus.funqy.runtime.ApplicationException\",\"errorMessage\":\"dev.canopy.error.InvalidInputException: shard=\\\"s3://b/s1.parquet\\\": not a readable Parquet file\"}")));
            // s2: a transient storage fault inside the function: retried until attempts run out
            wiremock.stubFor(post(urlPathEqualTo(path)).withRequestBody(containing("s3://b/s2.parquet"))
                    .willReturn(aResponse().withStatus(200).withHeader("X-Amz-Function-Error", "Unhandled")
                            .withBody("{\"errorType\":\"io.quarkus.funqy.runtime.ApplicationException\",\"errorMessage\":\"dev.canopy.error.StorageException: HTTP 503 SlowDown\"}")));
            wiremock.stubFor(post(urlPathEqualTo(path)).withRequestBody(containing("s3://b/s3.parquet"))
                    .willReturn(aResponse().withStatus(200).withBody(ok.formatted("s3://b/s3.parquet", "i-b", "false"))));

            LambdaClient client = LambdaClient.builder().endpointOverride(URI.create(wiremock.baseUrl()))
                    .region(Region.US_EAST_1)
                    .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("k", "s")))
                    .httpClientBuilder(UrlConnectionHttpClient.builder())
                    .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry())).build();
            // the invoker makes one call per attempt here; the pool owns the retries
            FunctionInvoker lambda = new LambdaFunctionInvoker(client, Map.of("predict", "canopy-predict"));
            BatchPredictService s = new BatchPredictService(new InMemoryObjectStore(), lambda, LIMITS, FAST);
            List<String> four = List.of("s3://b/s0.parquet", "s3://b/s1.parquet", "s3://b/s2.parquet", "s3://b/s3.parquet");
            BatchPredictResult r = s.run(new BatchPredictRequest("w", RULE, four, null, 2, null, true, 3, 30, 50.0));

            assertEquals(List.of(CallState.SUCCEEDED, CallState.FAILED, CallState.FAILED, CallState.SUCCEEDED),
                    r.shards().stream().map(ShardResult::state).toList());
            assertEquals(List.of(2, 1, 3, 1), r.shards().stream().map(ShardResult::attempts).toList());
            assertEquals("InvalidInputException: shard=\"s3://b/s1.parquet\": not a readable Parquet file", r.shards().get(1).error());
            assertEquals("StorageException: HTTP 503 SlowDown", r.shards().get(2).error());
            assertEquals(20, r.rows());
            assertEquals(1, r.modelLoads());
            assertEquals(2, r.instances());
            assertFalse(r.toleranceExceeded());
            wiremock.verify(exactly(2), postRequestedFor(urlPathEqualTo(path)).withRequestBody(containing("s0.parquet")));
            wiremock.verify(exactly(1), postRequestedFor(urlPathEqualTo(path)).withRequestBody(containing("s1.parquet")));
            wiremock.verify(exactly(3), postRequestedFor(urlPathEqualTo(path)).withRequestBody(containing("s2.parquet")));
            wiremock.verify(exactly(1), postRequestedFor(urlPathEqualTo(path)).withRequestBody(containing("s3.parquet")));
        } finally {
            wiremock.stop();
        }
    }

    @Test
    void shardsNotStartedBeforeTheDeadlineAreReportedCancelled() {
        LocalObjectStore store = new LocalObjectStore();
        BatchPredictService s = new BatchPredictService(store, localInvoker(store, new ConcurrentHashMap<>()), LIMITS, FAST, PriceTable.DEFAULT, BOOKKEEPING);
        AtomicInteger checks = new AtomicInteger();
        // the time runs out at the submit loop's fifth look (on this thread); shards already queued still start
        Thread caller = Thread.currentThread();
        BatchPredictResult r = s.run(request(shards, 2, null, 100.0),
                () -> Thread.currentThread() != caller ? 1000 : checks.incrementAndGet() <= 4 ? 1000 : 0);
        assertEquals(10, r.shards().size());
        assertEquals(4, r.succeeded());
        assertEquals(6, r.shards().stream().filter(x -> x.state() == CallState.CANCELLED
                && x.error().contains("time ran out")).count());
    }

    @Test
    void badRequestsAreRejectedBeforeAnyShardRuns() {
        InMemoryObjectStore store = new InMemoryObjectStore();
        // the pool may catch what an invoker throws and turn it into a FAILED shard: count the calls instead
        AtomicInteger invoked = new AtomicInteger();
        BatchPredictService s = new BatchPredictService(store, (f, p) -> {
            invoked.incrementAndGet();
            throw new AssertionError("no shard may run");
        }, LIMITS, FAST);
        assertEquals("poolSize", assertThrows(InvalidInputException.class, () -> s.run(request(shards, 0, null, null))).field());
        assertTrue(assertThrows(InvalidInputException.class, () -> s.run(request(shards, 100_000, null, null)))
                .getMessage().contains("poolSize=\"100000\": must be between 1 and 64"));
        assertTrue(assertThrows(InvalidInputException.class, () -> s.run(request(List.of(), 2, null, null)))
                .getMessage().contains("required: a non-empty shards list or a shardPrefix"));
        assertEquals("shardPrefix", assertThrows(InvalidInputException.class, () -> s.run(new BatchPredictRequest(null,
                RULE, shards, "s3://b/p/", 2, null, null, null, null, null))).field());
        assertThrows(ObjectNotFoundException.class, () -> s.run(new BatchPredictRequest(null, "mem://models/none.model",
                shards, null, 2, null, null, null, null, null)));
        assertEquals("modelUri", assertThrows(InvalidInputException.class, () -> s.run(new BatchPredictRequest(null,
                "rule:passenger_count>>2", shards, null, 2, null, null, null, null, null))).field());
        List<String> tooMany = IntStream.range(0, 501).mapToObj(i -> "s3://b/" + i + ".parquet").toList();
        assertTrue(assertThrows(InvalidInputException.class, () -> s.run(request(tooMany, 2, null, null)))
                .getMessage().contains("Distributed Map workflow"));
        assertEquals("toleratedFailurePercentage", assertThrows(InvalidInputException.class,
                () -> s.run(request(shards, 2, null, 101.0))).field());
        assertEquals("shardTimeoutSeconds", assertThrows(InvalidInputException.class, () -> s.run(new BatchPredictRequest(
                null, RULE, shards, null, 2, null, null, null, 0, null))).field());
        assertEquals(0, invoked.get(), "a shard ran for a rejected request");
    }
}
