package dev.canopy.serve;

import com.fasterxml.jackson.databind.JsonNode;
import dev.canopy.json.Json;
import dev.canopy.sample.TaxiShards;
import dev.canopy.testing.TestData;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvocationType;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;
import software.amazon.awssdk.services.lambda.model.LambdaException;
import software.amazon.awssdk.services.lambda.model.LogType;
import software.amazon.awssdk.services.lambda.model.ResourceNotFoundException;
import software.amazon.awssdk.services.lambda.model.TooManyRequestsException;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * serve answers as Lambda does, through the AWS SDK for Java v2's Lambda client: one instance per concurrent
 * invocation with its own warm state, reused when free; 429 above the reserved concurrency; function errors,
 * timeouts, 404 and 413 as the service reports them; a log tail ending with the REPORT line. One serve for
 * the class: the train function throttled at 1 and timing out after 2 s, predict at 2.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ServeIT {
    private static final Pattern REPORT = Pattern.compile("REPORT RequestId: ([0-9a-f-]{36})\\tDuration: \\d+\\.\\d{2} ms\\t"
            + "Billed Duration: \\d+ ms\\tMemory Size: (\\d+) MB\\tMax Memory Used: (\\d+) MB\\t.*");
    @TempDir
    static Path dir;
    static ServeProcess serve;
    static LambdaClient lambda;
    static List<String> shards;

    @BeforeAll
    static void start() throws Exception {
        serve = ServeProcess.start(dir, "--quiet", "--reserved-concurrency", "SuperviseFunction=1", "--timeout",
                "SuperviseFunction=2", "--reserved-concurrency", "canopy-predict=2");
        lambda = serve.client();
        TaxiShards.write(dir.resolve("taxi"), new int[]{3000, 3000, 3000}, 7);
        shards = List.of(0, 1, 2).stream().map(i -> dir.resolve("taxi").resolve(String.format(TaxiShards.NAME, i)).toString())
                .toList();
    }

    @AfterAll
    static void stop() {
        if (lambda != null) {
            lambda.close();
        }
        if (serve != null) {
            serve.close();
        }
    }

    private static InvokeResponse invoke(String function, Object payload) {
        return lambda.invoke(b -> b.functionName(function).payload(SdkBytes.fromUtf8String(Json.writeString(payload))));
    }

    private static Map<String, String> predict(int shard) {
        return Map.of("modelUri", "rule:passenger_count>=2", "shard", shards.get(shard));
    }

    private static JsonNode body(InvokeResponse r) throws Exception {
        return Json.MAPPER.readTree(r.payload().asUtf8String());
    }

    @Test
    @Order(1)
    void concurrentInvocationsRunInInstancesOfTheirOwnAndAFreeInstanceIsReusedWarm() throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        List<CompletableFuture<InvokeResponse>> calls = List.of(0, 1).stream().map(i -> CompletableFuture.supplyAsync(() -> {
            try {
                go.await();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            return invoke("canopy-predict", predict(i));
        }, Thread::startVirtualThread)).toList();
        go.countDown();
        JsonNode a = body(calls.get(0).join());
        JsonNode b = body(calls.get(1).join());
        assertNotEquals(a.get("instanceId").asText(), b.get("instanceId").asText(), "two concurrent calls, one instance");
        assertTrue(a.get("modelLoaded").asBoolean() && b.get("modelLoaded").asBoolean(), "each instance loads the model");

        // Both are free now: the next call takes one of them, whose cache already holds the model. Any name works.
        for (String name : List.of("PredictFunction", "arn:aws:lambda:us-east-1:123456789012:function:canopy-predict:live")) {
            InvokeResponse r = invoke(name, predict(2));
            JsonNode c = body(r);
            assertTrue(Set.of(a.get("instanceId").asText(), b.get("instanceId").asText()).contains(c.get("instanceId").asText()),
                    "a free instance is reused: " + c);
            assertFalse(c.get("modelLoaded").asBoolean(), "the reused instance's model cache is warm: " + c);
            assertEquals(name.endsWith(":live") ? "1" : "$LATEST", r.executedVersion());
        }
        InvokeResponse q = lambda.invoke(x -> x.functionName("canopy-predict").qualifier("live")
                .payload(SdkBytes.fromUtf8String(Json.writeString(predict(0)))));
        assertEquals("1", q.executedVersion());
        assertEquals(2, serve.invocations().stream().filter(n -> n.get("event").asText().equals("end")
                && n.path("coldStart").asBoolean()).count(), "two cold starts in all");
    }

    @Test
    @Order(2)
    void aFunctionErrorIsUnhandledWithItsTypeAndMessage() throws Exception {
        String missing = dir.resolve("no-such-shard.parquet").toString();
        InvokeResponse r = invoke("canopy-predict", Map.of("modelUri", "rule:passenger_count>=2", "shard", missing));
        assertEquals(200, r.statusCode());
        assertEquals("Unhandled", r.functionError());
        JsonNode e = body(r);
        // the template's handler, dev.canopy.function.LambdaHandler, reports the function's own exception, not
        // Funqy's ApplicationException wrapper; the runtime client names it by its fully qualified class name
        assertEquals("dev.canopy.error.ObjectNotFoundException", e.get("errorType").asText(), e.toString());
        assertTrue(e.get("errorMessage").asText().contains(missing), e.toString());

        InvokeResponse bad = invoke("canopy-predict", Map.of("modelUri", "rule:passenger_count>=2"));
        assertEquals("Unhandled", bad.functionError());
        JsonNode b = body(bad);
        assertEquals("dev.canopy.error.InvalidInputException", b.get("errorType").asText(), b.toString());
        assertTrue(b.get("errorMessage").asText().startsWith("shard=null: required"), b.toString());
    }

    @Test
    @Order(3)
    void theLogTailEndsWithTheReportLine() {
        InvokeResponse r = lambda.invoke(b -> b.functionName("canopy-predict").logType(LogType.TAIL)
                .payload(SdkBytes.fromUtf8String(Json.writeString(predict(1)))));
        assertNull(r.functionError(), r.payload().asUtf8String());
        String log = new String(Base64.getDecoder().decode(r.logResult()), StandardCharsets.UTF_8);
        assertTrue(log.getBytes(StandardCharsets.UTF_8).length <= 4096, log);
        String[] lines = log.split("\n");
        var report = REPORT.matcher(lines[lines.length - 1]);
        assertTrue(report.matches(), "last line: " + lines[lines.length - 1]);
        assertEquals(r.responseMetadata().requestId(), report.group(1));
        assertEquals("1769", report.group(2), "the template's predictor memory");
        assertTrue(Long.parseLong(report.group(3)) > 0, "max memory used is measured: " + report.group());
        assertTrue(log.contains("scored 3000 rows"), "the function's own log line is in the tail: " + log);
    }

    @Test
    @Order(4)
    void unknownFunctionsAndQualifiersAreNotFound() {
        ResourceNotFoundException e = assertThrows(ResourceNotFoundException.class, () -> invoke("canopy-nope", Map.of()));
        assertEquals(404, e.statusCode());
        assertTrue(e.awsErrorDetails().errorMessage().contains("function:canopy-nope"), e.getMessage());
        assertThrows(ResourceNotFoundException.class, () -> invoke("canopy-predict:v7", predict(0)));
    }

    @Test
    @Order(4)
    void anEventInvocationIsAcceptedAndRunsInTheBackground() throws Exception {
        Map<String, String> event = Map.of("modelUri", "rule:passenger_count>=2", "shard", shards.get(0), "runId", "event-1");
        InvokeResponse r = lambda.invoke(b -> b.functionName("canopy-predict").invocationType(InvocationType.EVENT)
                .payload(SdkBytes.fromUtf8String(Json.writeString(event))));
        assertEquals(202, r.statusCode());
        JsonNode done = serve.await(n -> n.get("event").asText().equals("end") && n.get("status").asInt() == 200
                && n.path("payload").asText().contains("event-1"), Duration.ofSeconds(60));
        assertEquals("Success", done.get("outcome").asText(), done.toString());
    }

    @Test
    @Order(5)
    void aPayloadAboveSixMegabytesIsTooLarge() {
        int limit = 6_291_456;
        String json = '"' + "a".repeat(limit - 1) + '"'; // one byte over
        // the service's own error code, which the SDK's model (RequestTooLargeException) does not name
        LambdaException e = assertThrows(LambdaException.class,
                () -> lambda.invoke(b -> b.functionName("canopy-predict").payload(SdkBytes.fromUtf8String(json))));
        assertEquals(413, e.statusCode());
        assertEquals("RequestEntityTooLargeException", e.awsErrorDetails().errorCode());
        String fits = '"' + "a".repeat(limit - 2) + '"';
        InvokeResponse dry = lambda.invoke(b -> b.functionName("canopy-predict").invocationType(InvocationType.DRY_RUN)
                .payload(SdkBytes.fromUtf8String(fits)));
        assertEquals(204, dry.statusCode(), "exactly 6 MB is accepted");
    }

    /**
     * A slow supervise (it waits on a trainer of 400 boosting rounds) in the one instance supervise may have: a
     * second call meanwhile is throttled, and the first ends with Lambda's timeout error after the 2 s timeout.
     * (A trainer itself no longer times out: it takes its deadline from the Lambda context and refuses a fit
     * that cannot end in time; TrainingBudgetTest, LambdaHandlerTest.)
     */
    @Test
    @Order(6)
    void aboveTheReservedConcurrencyCallsAreThrottledAndASlowCallTimesOut() throws Exception {
        Path data = dir.resolve("big.csv");
        Files.write(data, TestData.housingCsvBytes(20_000, 5));
        Map<String, Object> slow = Map.of("runId", "slow-1", "data", data.toString(), "algorithms", List.of("gradient_boosting"),
                "params", Map.of("gradient_boosting", Map.of("n_estimators", 400)), "out", dir.resolve("runs").toString());
        CompletableFuture<InvokeResponse> first = CompletableFuture.supplyAsync(() -> lambda.invoke(b -> b
                .functionName("canopy-supervise").logType(LogType.TAIL).payload(SdkBytes.fromUtf8String(Json.writeString(slow)))),
                Thread::startVirtualThread);
        serve.await(n -> n.get("event").asText().equals("start") && n.get("function").asText().equals("canopy-supervise"),
                Duration.ofSeconds(60));

        TooManyRequestsException t = assertThrows(TooManyRequestsException.class, () -> invoke("SuperviseFunction", slow));
        assertEquals(429, t.statusCode());
        assertEquals("Rate Exceeded.", t.awsErrorDetails().errorMessage());
        assertEquals("ReservedFunctionConcurrentInvocationLimitExceeded", t.reasonAsString());

        InvokeResponse r = first.join();
        assertEquals("Unhandled", r.functionError());
        JsonNode e = body(r);
        assertEquals("Sandbox.Timedout", e.get("errorType").asText());
        assertTrue(Pattern.matches("RequestId: [0-9a-f-]{36} Error: Task timed out after 2\\.00 seconds",
                e.get("errorMessage").asText()), e.toString());
        String log = new String(Base64.getDecoder().decode(r.logResult()), StandardCharsets.UTF_8);
        assertTrue(log.contains("Task timed out after 2.00 seconds"), log);
        assertTrue(log.strip().endsWith("Status: timeout"), log);
    }

    @Test
    @Order(7)
    void sigtermStopsServeAndEveryInstance() throws Exception {
        List<ProcessHandle> instances = serve.process.descendants().filter(ProcessHandle::isAlive).toList();
        assertTrue(instances.size() >= 2, "the predict instances are running: " + instances);
        serve.close();
        assertFalse(serve.process.isAlive());
        for (ProcessHandle h : instances) {
            h.onExit().get(10, java.util.concurrent.TimeUnit.SECONDS);
            assertFalse(h.isAlive(), "instance " + h.pid() + " outlived serve");
        }
    }
}
