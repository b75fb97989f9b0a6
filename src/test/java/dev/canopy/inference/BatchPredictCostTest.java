package dev.canopy.inference;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.canopy.cost.Billing;
import dev.canopy.cost.CostReport;
import dev.canopy.cost.PriceTable;
import dev.canopy.invoke.FunctionInvocationException;
import dev.canopy.invoke.FunctionInvocationException.Outcome;
import dev.canopy.invoke.FunctionInvoker;
import dev.canopy.invoke.lambda.LambdaFunctionInvoker;
import dev.canopy.invoke.local.LocalFunctionInvoker;
import dev.canopy.json.Json;
import dev.canopy.pool.Backoff;
import dev.canopy.pool.CallState;
import dev.canopy.sample.TaxiShards;
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
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A batch's cost report agrees with the calls it made: every attempt that ran, its billing, its shard. */
class BatchPredictCostTest {
    static final Backoff FAST = new Backoff(Duration.ofMillis(1), Duration.ofMillis(3));
    static final BatchPredictService.Limits LIMITS = new BatchPredictService.Limits(64, 500);

    @TempDir
    static Path dir;
    static final List<String> shards = new ArrayList<>();

    @BeforeAll
    static void shards() throws Exception {
        int[] sizes = {300, 250, 400, 350};
        TaxiShards.write(dir.resolve("taxi"), sizes, 9);
        for (int i = 0; i < sizes.length; i++) {
            shards.add(dir.resolve("taxi").resolve(String.format(TaxiShards.NAME, i)).toString());
        }
    }

    static BatchPredictRequest request(List<String> shards, String out) {
        return new BatchPredictRequest("cost", "rule:passenger_count>=2", shards, null, 2, out, true, 3, 30, 100.0);
    }

    @Test
    void locallyEveryAttemptIsMeasuredAndThePerShardFiguresSumToTheTotals() {
        LocalObjectStore store = new LocalObjectStore();
        LocalFunctionInvoker local = BatchPredictServiceTest.localInvoker(store, new ConcurrentHashMap<>());
        // shard 1 fails twice inside the function (a transient fault, billed) and once is throttled (not run)
        AtomicInteger shard1 = new AtomicInteger();
        FunctionInvoker flaky = new FunctionInvoker() {
            @Override
            public String invoke(String function, String payload) {
                throw new AssertionError("the orchestrator asks for billing");
            }

            @Override
            public Invoked<String> invokeBilled(String function, String payload, int instance) {
                if (payload.contains(String.format(TaxiShards.NAME, 1))) {
                    int n = shard1.incrementAndGet();
                    if (n == 1) {
                        throw new FunctionInvocationException(function, Outcome.THROTTLED, "TooManyRequestsException",
                                "Rate Exceeded.", true, null);
                    }
                    if (n == 2) {
                        throw new FunctionInvocationException(function, "StorageException", "HTTP 503", true, null)
                                .billed(new Billing(40, null, Billing.Source.MEASURED));
                    }
                }
                return local.invokeBilled(function, payload, instance);
            }
        };
        PriceTable prices = PriceTable.DEFAULT.withArchitecture(PriceTable.ARM64);
        BatchPredictService s = new BatchPredictService(store, flaky, LIMITS, FAST, prices);
        String out = dir.resolve("out").toString();
        BatchPredictResult r = s.run(request(shards, out));

        assertEquals(4, r.succeeded());
        assertEquals(List.of(1, 3, 1, 1), r.shards().stream().map(ShardResult::attempts).toList());
        CostReport c = r.cost();
        assertNotNull(c);
        assertEquals(5, c.invocations(), "6 attempts, one of them throttled before it ran");
        assertEquals(CostReport.MEASURED, c.source());
        assertEquals("arm64", c.architecture());
        assertEquals(1, c.functions().size());
        CostReport.FunctionCost predict = c.functions().getFirst();
        assertEquals("predict", predict.function());
        assertEquals(1769, predict.memoryMb(), "the configured memory of predict");
        long perShard = 0;
        for (ShardResult row : r.shards()) {
            assertNotNull(row.billedMillis(), "shard " + row.index());
            assertTrue(row.billedMillis() >= 1, "a call bills at least 1 ms: " + row);
            perShard += row.billedMillis();
        }
        assertTrue(r.shards().get(1).billedMillis() >= 41, "the failed attempt's 40 ms are in its shard's figure");
        assertEquals(c.billedMillis(), perShard, "the shards' billed ms sum to the total");
        assertEquals(PriceTable.gbSeconds(c.billedMillis(), 1769), c.gbSeconds(), 1e-12);
        assertEquals(5 * 0.2e-6 + c.gbSeconds() * 0.0000133334, c.usd(), 1e-15);
        assertEquals(new CostReport.FunctionCost("batch-predict", 1, r.wallMillis(), 512,
                PriceTable.gbSeconds(r.wallMillis(), 512), prices.usd(1, PriceTable.gbSeconds(r.wallMillis(), 512))),
                c.orchestrator(), "the orchestrator's own estimate: its wall time at its configured memory");

        // the manifest carries the same report
        BatchPredictResult manifest = Json.read(store.read(r.manifestUri()), BatchPredictResult.class, "manifest");
        assertEquals(c, manifest.cost());
    }

    @Test
    void onLambdaTheReportLinesAreBilledAsReported() {
        WireMockServer wiremock = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        wiremock.start();
        try {
            String path = "/2015-03-31/functions/canopy-predict/invocations";
            String ok = "{\"shard\":\"%s\",\"rows\":10,\"scoreSum\":3.0,\"instanceId\":\"i\",\"modelLoaded\":true,\"millis\":5,\"outputUri\":null}";
            // s0: throttled once (not run, no REPORT), then answered: 100 ms at 1769 MB
            wiremock.stubFor(post(urlPathEqualTo(path)).withRequestBody(containing("s3://b/s0.parquet"))
                    .inScenario("s0").whenScenarioStateIs(Scenario.STARTED)
                    .willReturn(aResponse().withStatus(429).withHeader("x-amzn-ErrorType", "TooManyRequestsException")
                            .withBody("{\"message\":\"Rate Exceeded.\"}")).willSetStateTo("ok"));
            wiremock.stubFor(post(urlPathEqualTo(path)).withRequestBody(containing("s3://b/s0.parquet"))
                    .inScenario("s0").whenScenarioStateIs("ok")
                    .willReturn(aResponse().withStatus(200).withHeader("X-Amz-Log-Result", tail(100, 1769))
                            .withBody(ok.formatted("s3://b/s0.parquet"))));
            // s1: a transient fault in the function, three times: each billed 20 ms
            wiremock.stubFor(post(urlPathEqualTo(path)).withRequestBody(containing("s3://b/s1.parquet"))
                    .willReturn(aResponse().withStatus(200).withHeader("X-Amz-Function-Error", "Unhandled")
                            .withHeader("X-Amz-Log-Result", tail(20, 1769))
                            .withBody("{\"errorType\":\"dev.canopy.error.StorageException\",\"errorMessage\":\"HTTP 503 SlowDown\"}")));
            // s2: answered by an instance of a redeployed function with more memory, 300 ms at 2048 MB
            wiremock.stubFor(post(urlPathEqualTo(path)).withRequestBody(containing("s3://b/s2.parquet"))
                    .willReturn(aResponse().withStatus(200).withHeader("X-Amz-Log-Result", tail(300, 2048))
                            .withBody(ok.formatted("s3://b/s2.parquet"))));
            LambdaClient client = LambdaClient.builder().endpointOverride(URI.create(wiremock.baseUrl()))
                    .region(Region.US_EAST_1)
                    .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("k", "s")))
                    .httpClientBuilder(UrlConnectionHttpClient.builder())
                    .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry())).build();
            FunctionInvoker lambda = new LambdaFunctionInvoker(client, Map.of("predict", "canopy-predict"));
            BatchPredictResult r = new BatchPredictService(new InMemoryObjectStore(), lambda, LIMITS, FAST)
                    .run(request(List.of("s3://b/s0.parquet", "s3://b/s1.parquet", "s3://b/s2.parquet"), null));

            assertEquals(List.of(CallState.SUCCEEDED, CallState.FAILED, CallState.SUCCEEDED),
                    r.shards().stream().map(ShardResult::state).toList());
            assertEquals(List.of(2, 3, 1), r.shards().stream().map(ShardResult::attempts).toList());
            assertEquals(List.of(100L, 60L, 300L), r.shards().stream().map(ShardResult::billedMillis).toList());
            CostReport c = r.cost();
            assertEquals(CostReport.LAMBDA, c.source());
            assertEquals(5, c.invocations(), "the throttled attempt did not run");
            assertEquals(460, c.billedMillis());
            assertEquals(List.of(new CostReport.FunctionCost("predict", 4, 160, 1769, PriceTable.gbSeconds(160, 1769),
                            PriceTable.DEFAULT.usd(4, PriceTable.gbSeconds(160, 1769))),
                    new CostReport.FunctionCost("predict", 1, 300, 2048, 0.6, PriceTable.DEFAULT.usd(1, 0.6))), c.functions());
            assertEquals(PriceTable.gbSeconds(160, 1769) + 0.6, c.gbSeconds(), 1e-12);
            assertEquals("batch-predict", c.orchestrator().function());
        } finally {
            wiremock.stop();
        }
    }

    static String tail(long billed, int memory) {
        String log = "START RequestId: r Version: 3\nEND RequestId: r\nREPORT RequestId: r\tDuration: " + (billed - 1)
                + ".50 ms\tBilled Duration: " + billed + " ms\tMemory Size: " + memory + " MB\tMax Memory Used: 200 MB\t\n";
        return Base64.getEncoder().encodeToString(log.getBytes(StandardCharsets.UTF_8));
    }
}
