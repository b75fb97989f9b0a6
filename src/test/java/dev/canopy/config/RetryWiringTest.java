package dev.canopy.config;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.canopy.inference.BatchPredictRequest;
import dev.canopy.inference.BatchPredictResult;
import dev.canopy.inference.BatchPredictService;
import dev.canopy.inference.ShardResult;
import dev.canopy.invoke.FunctionInvoker;
import dev.canopy.pool.CallState;
import dev.canopy.testing.InMemoryObjectStore;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.api.parallel.Resources;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Calls per shard under throttling, through the production wiring: the {@link BatchPredictService} and the
 * Lambda invoker that {@link CanopyBeans} produces, on the {@code LambdaClient} it builds, configured by
 * {@link CanopyConfig} with its defaults, against a fake Lambda Invoke endpoint. One layer retries, so no
 * shard may be sent more than {@code maxAttempts} times in all.
 */
// sets the AWS SDK's credential properties for its clients, process-wide
@ResourceLock(Resources.SYSTEM_PROPERTIES)
class RetryWiringTest {
    static final String PATH = "/2015-03-31/functions/canopy-predict/invocations";
    static final int MAX_ATTEMPTS = 3;
    static WireMockServer lambda;
    static final Map<String, String> savedProperties = new LinkedHashMap<>();

    @BeforeAll
    static void start() {
        lambda = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        lambda.start();
        // the client takes its credentials from the SDK's default chain, as in production; the first link
        // of that chain is the system properties
        for (var e : Map.of("aws.accessKeyId", "test", "aws.secretAccessKey", "test").entrySet()) {
            savedProperties.put(e.getKey(), System.getProperty(e.getKey()));
            System.setProperty(e.getKey(), e.getValue());
        }
    }

    @AfterAll
    static void stop() {
        lambda.stop();
        savedProperties.forEach((k, v) -> {
            if (v == null) {
                System.clearProperty(k);
            } else {
                System.setProperty(k, v);
            }
        });
    }

    /** Canopy's configuration as the application reads it, with its defaults and a Lambda endpoint override. */
    static CanopyConfig config(Map<String, String> more) {
        Map<String, String> props = new LinkedHashMap<>(Map.of(
                "canopy.invoke.mode", "lambda",
                "canopy.invoke.endpoint", lambda.baseUrl(),
                "canopy.invoke.region", "us-east-1"));
        props.putAll(more);
        SmallRyeConfig c = new SmallRyeConfigBuilder().withMapping(CanopyConfig.class)
                .withSources(new PropertiesConfigSource(props, "retry-wiring-test", 500))
                .build();
        return c.getConfigMapping(CanopyConfig.class);
    }

    static BatchPredictResult run(CanopyConfig config, List<String> shards) {
        CanopyBeans beans = new CanopyBeans();
        InMemoryObjectStore store = new InMemoryObjectStore();
        FunctionInvoker invoker = beans.functionInvoker(config, store, null, null, null, null);
        BatchPredictService service = beans.batchPredictService(store, invoker, config);
        return service.run(new BatchPredictRequest("wiring", "rule:passenger_count>=2", shards, null,
                2, null, true, MAX_ATTEMPTS, 30, 100.0));
    }

    static int calls(String shard) {
        return lambda.findAll(postRequestedFor(urlPathEqualTo(PATH)).withRequestBody(containing(shard))).size();
    }

    static ResponseDefinitionBuilder throttled() {
        return aResponse().withStatus(429).withHeader("x-amzn-ErrorType", "TooManyRequestsException")
                .withHeader("Content-Type", "application/json")
                .withBody("{\"message\":\"Rate Exceeded.\",\"Type\":\"User\","
                        + "\"Reason\":\"ReservedFunctionConcurrentInvocationLimitExceeded\"}");
    }

    static ResponseDefinitionBuilder answer(String shard) {
        return aResponse().withStatus(200).withBody(("{\"shard\":\"%s\",\"rows\":10,\"scoreSum\":3.0,"
                + "\"instanceId\":\"i-1\",\"modelLoaded\":false,\"millis\":5,\"outputUri\":null}").formatted(shard));
    }

    /** Shard {@code i} is throttled on its first {@code throttles} calls, then answered. */
    static void stub(String shard, int throttles) {
        String state = Scenario.STARTED;
        for (int t = 1; t <= throttles; t++) {
            String next = "throttled-" + t;
            lambda.stubFor(post(urlPathEqualTo(PATH)).withRequestBody(containing(shard)).inScenario(shard)
                    .whenScenarioStateIs(state).willReturn(throttled()).willSetStateTo(next));
            state = next;
        }
        lambda.stubFor(post(urlPathEqualTo(PATH)).withRequestBody(containing(shard)).inScenario(shard)
                .whenScenarioStateIs(state).willReturn(answer(shard)));
    }

    @Test
    void noShardIsInvokedMoreThanMaxAttemptsTimesUnderThrottling() {
        lambda.resetAll();
        List<String> shards = IntStream.range(0, 6).mapToObj(i -> "s3://b/part-" + i + ".parquet").toList();
        // part-0 is throttled on every call; the others 2, 1 or 0 times before Lambda answers
        lambda.stubFor(post(urlPathEqualTo(PATH)).withRequestBody(containing(shards.get(0))).willReturn(throttled()));
        int[] throttles = {Integer.MAX_VALUE, 2, 1, 0, 2, 0};
        for (int i = 1; i < shards.size(); i++) {
            stub(shards.get(i), throttles[i]);
        }

        BatchPredictResult r = run(config(Map.of()), shards);

        Map<String, Integer> calls = new LinkedHashMap<>();
        for (String s : shards) {
            calls.put(s.substring(s.lastIndexOf('/') + 1), calls(s));
        }
        System.out.println("RetryWiringTest calls per shard (maxAttempts " + MAX_ATTEMPTS + "): " + calls);
        System.out.println("RetryWiringTest states: " + r.shards().stream()
                .map(x -> x.state() + "/" + x.attempts() + (x.error() == null ? "" : " " + x.error())).toList());

        calls.forEach((shard, n) -> assertTrue(n <= MAX_ATTEMPTS, shard + " was invoked " + n + " times"));
        assertEquals(List.of(3, 3, 2, 1, 3, 1), List.copyOf(calls.values()), "calls per shard");
        ShardResult always = r.shards().getFirst();
        assertEquals(CallState.FAILED, always.state());
        assertEquals(MAX_ATTEMPTS, always.attempts());
        assertTrue(always.error().startsWith("TooManyRequestsException: Rate Exceeded."), always.error());
        assertEquals(List.of(CallState.SUCCEEDED), r.shards().subList(1, 6).stream().map(ShardResult::state).distinct().toList());
        assertEquals(List.of(3, 2, 1, 3, 1), r.shards().subList(1, 6).stream().map(ShardResult::attempts).toList(),
                "the attempts a shard reports are the calls Lambda saw");
        assertEquals(50, r.rows());
    }

    /**
     * A call with no answer may still be running; predict is idempotent, so the pool sends the shard again. The
     * read timeout leaves the answered call seconds to spare, which a busy 2-core machine can take (at 0.5 s the
     * answered call once timed out too, under a load average of 10).
     */
    @Test
    void aShardWhoseCallGotNoAnswerIsSentAgainBecausePredictIsIdempotent() {
        lambda.resetAll();
        String slow = "s3://b/slow.parquet";
        lambda.stubFor(post(urlPathEqualTo(PATH)).withRequestBody(containing(slow)).inScenario("slow")
                .whenScenarioStateIs(Scenario.STARTED).willReturn(answer(slow).withFixedDelay(8_000)).willSetStateTo("fast"));
        lambda.stubFor(post(urlPathEqualTo(PATH)).withRequestBody(containing(slow)).inScenario("slow")
                .whenScenarioStateIs("fast").willReturn(answer(slow)));
        BatchPredictResult r = run(config(Map.of("canopy.invoke.read-timeout", "PT2S")), List.of(slow));
        System.out.println("RetryWiringTest no-response shard: calls " + calls(slow) + ", " + r.shards().getFirst().state());
        assertEquals(CallState.SUCCEEDED, r.shards().getFirst().state(), r.shards().getFirst().error());
        assertEquals(2, r.shards().getFirst().attempts());
        assertEquals(2, calls(slow));
    }
}
