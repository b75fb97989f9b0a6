package dev.canopy.invoke.lambda;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.canopy.cost.Billing;
import dev.canopy.invoke.FunctionInvocationException;
import dev.canopy.invoke.FunctionInvocationException.Outcome;
import dev.canopy.pool.Backoff;
import dev.canopy.pool.RetryPolicy;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.lambda.LambdaClient;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.exactly;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Lambda adapter against WireMock faking the Lambda Invoke API, with exact request counts: one request
 * per call, whatever the answer, and the outcome classified for the retrying layer above it.
 */
class LambdaFunctionInvokerTest {
    static final String PATH = "/2015-03-31/functions/canopy-train-dev/invocations";
    static WireMockServer wiremock;

    @BeforeAll
    static void start() {
        wiremock = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        wiremock.start();
    }

    @AfterAll
    static void stop() {
        wiremock.stop();
    }

    @AfterEach
    void reset() {
        wiremock.resetAll();
    }

    static LambdaFunctionInvoker invoker(Duration readTimeout) {
        return invoker(URI.create(wiremock.baseUrl()), readTimeout);
    }

    static LambdaFunctionInvoker invoker(URI endpoint, Duration readTimeout) {
        LambdaClient client = LambdaClient.builder()
                .endpointOverride(endpoint)
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("k", "s")))
                .httpClientBuilder(UrlConnectionHttpClient.builder().socketTimeout(readTimeout))
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
                .build();
        return new LambdaFunctionInvoker(client, Map.of("train", "canopy-train-dev"));
    }

    static MappingBuilder invoke() {
        return post(urlPathEqualTo(PATH));
    }

    static FunctionInvocationException failure(Duration readTimeout) {
        return assertThrows(FunctionInvocationException.class, () -> invoker(readTimeout).invoke("train", "{}"));
    }

    @Test
    void successReturnsThePayloadAfterOneRequest() {
        wiremock.stubFor(invoke().withHeader("X-Amz-Invocation-Type", equalTo("RequestResponse"))
                .withRequestBody(equalToJson("{\"algorithm\":\"random_forest\"}"))
                .willReturn(aResponse().withStatus(200).withBody("{\"state\":\"DONE\"}")));
        assertEquals("{\"state\":\"DONE\"}", invoker(Duration.ofSeconds(5)).invoke("train", "{\"algorithm\":\"random_forest\"}"));
        wiremock.verify(exactly(1), postRequestedFor(urlPathEqualTo(PATH)));
    }

    @Test
    void functionErrorBecomesAnExceptionWithTypeAndMessage() {
        wiremock.stubFor(invoke().willReturn(aResponse().withStatus(200).withHeader("X-Amz-Function-Error", "Unhandled")
                .withBody("{\"errorType\":\"dev.canopy.error.InvalidInputException\",\"errorMessage\":\"target=\\\"Price\\\": no such column\",\"stackTrace\":[]}")));
        FunctionInvocationException e = failure(Duration.ofSeconds(5));
        assertEquals(Outcome.FUNCTION_ERROR, e.outcome());
        assertEquals("InvalidInputException", e.errorType());
        assertEquals("target=\"Price\": no such column", e.errorMessage());
        assertEquals("train", e.function());
        assertEquals("Unhandled", e.context().get("functionError"));
        assertFalse(e.retryable());
        wiremock.verify(exactly(1), postRequestedFor(urlPathEqualTo(PATH)));
    }

    @Test
    void funqysApplicationExceptionWrapperIsUnwrapped() {
        wiremock.stubFor(invoke().willReturn(aResponse().withStatus(200).withHeader("X-Amz-Function-Error", "Unhandled")
                .withBody("{\"errorType\":\"io.quarkus.funqy.runtime.ApplicationException\",\"errorMessage\":\"dev.canopy.error.ObjectNotFoundException: object not found: s3://b/k\"}")));
        FunctionInvocationException e = failure(Duration.ofSeconds(5));
        assertEquals("ObjectNotFoundException", e.errorType());
        assertEquals("object not found: s3://b/k", e.errorMessage());
        wiremock.verify(exactly(1), postRequestedFor(urlPathEqualTo(PATH)));
    }

    @Test
    void throttlingIsReportedAfterOneRequestNotRetried() {
        wiremock.stubFor(invoke().willReturn(throttled()));
        FunctionInvocationException e = failure(Duration.ofSeconds(5));
        assertEquals(Outcome.THROTTLED, e.outcome());
        assertEquals("TooManyRequestsException", e.errorType());
        assertEquals("Rate Exceeded.", e.errorMessage());
        assertTrue(e.retryable());
        assertTrue(FunctionInvocationException.invocationFault(e));
        wiremock.verify(exactly(1), postRequestedFor(urlPathEqualTo(PATH)));
    }

    @Test
    void serviceErrorsAreReportedAfterOneRequest() {
        wiremock.stubFor(invoke().willReturn(aResponse().withStatus(500)
                .withHeader("x-amzn-ErrorType", "ServiceException")
                .withBody("{\"Type\":\"Service\",\"message\":\"internal failure\"}")));
        FunctionInvocationException e = failure(Duration.ofSeconds(5));
        assertEquals(Outcome.SERVICE_ERROR, e.outcome());
        assertEquals("ServiceException", e.errorType());
        assertTrue(e.retryable());
        wiremock.verify(exactly(1), postRequestedFor(urlPathEqualTo(PATH)));
    }

    @Test
    void aSlowResponseIsNeverSentTwiceAndSaysTheFunctionMayStillRun() {
        wiremock.stubFor(invoke().willReturn(aResponse().withStatus(200).withFixedDelay(2_000).withBody("{}")));
        FunctionInvocationException e = failure(Duration.ofMillis(300));
        assertEquals(Outcome.NO_RESPONSE, e.outcome());
        assertTrue(FunctionInvocationException.noResponse(e));
        assertFalse(FunctionInvocationException.invocationFault(e));
        wiremock.verify(exactly(1), postRequestedFor(urlPathEqualTo(PATH)));
    }

    @Test
    void clientErrorsArePermanent() {
        wiremock.stubFor(invoke().willReturn(aResponse().withStatus(404)
                .withHeader("x-amzn-ErrorType", "ResourceNotFoundException")
                .withBody("{\"Type\":\"User\",\"message\":\"Function not found\"}")));
        FunctionInvocationException e = failure(Duration.ofSeconds(5));
        assertEquals(Outcome.CLIENT_ERROR, e.outcome());
        assertEquals("ResourceNotFoundException", e.errorType());
        assertFalse(e.retryable());
        wiremock.verify(exactly(1), postRequestedFor(urlPathEqualTo(PATH)));
    }

    @Test
    void aRefusedConnectionIsUnreachable() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        FunctionInvocationException e = assertThrows(FunctionInvocationException.class,
                () -> invoker(URI.create("http://127.0.0.1:" + closedPort), Duration.ofSeconds(5)).invoke("train", "{}"));
        assertEquals(Outcome.UNREACHABLE, e.outcome(), e.getMessage());
        assertTrue(FunctionInvocationException.invocationFault(e));
    }

    @Test
    void theRetryingLayerAboveRetriesThrottlingUntilItSucceeds() throws Exception {
        wiremock.stubFor(invoke().inScenario("throttle").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(throttled()).willSetStateTo("once"));
        wiremock.stubFor(invoke().inScenario("throttle").whenScenarioStateIs("once")
                .willReturn(throttled()).willSetStateTo("twice"));
        wiremock.stubFor(invoke().inScenario("throttle").whenScenarioStateIs("twice")
                .willReturn(aResponse().withStatus(200).withBody("{\"ok\":true}")));
        LambdaFunctionInvoker transport = invoker(Duration.ofSeconds(5));
        assertEquals("{\"ok\":true}", trainerPolicy().call(a -> transport.invoke("train", "{}")));
        wiremock.verify(exactly(3), postRequestedFor(urlPathEqualTo(PATH)));
    }

    @Test
    void theRetryingLayerAboveSendsAThrottledCallAtMostMaxAttemptsTimes() {
        wiremock.stubFor(invoke().willReturn(throttled()));
        LambdaFunctionInvoker transport = invoker(Duration.ofSeconds(5));
        FunctionInvocationException e = assertThrows(FunctionInvocationException.class, () -> trainerPolicy().call(a -> transport.invoke("train", "{}")));
        assertEquals(Outcome.THROTTLED, e.outcome());
        wiremock.verify(exactly(3), postRequestedFor(urlPathEqualTo(PATH)));
    }

    @Test
    void theRetryingLayerAboveNeverResendsACallThatMayStillRun() {
        wiremock.stubFor(invoke().willReturn(aResponse().withStatus(200).withFixedDelay(1_000).withBody("{}")));
        LambdaFunctionInvoker transport = invoker(Duration.ofMillis(200));
        assertEquals(Outcome.NO_RESPONSE,
                assertThrows(FunctionInvocationException.class, () -> trainerPolicy().call(a -> transport.invoke("train", "{}"))).outcome());
        wiremock.verify(exactly(1), postRequestedFor(urlPathEqualTo(PATH)));
    }

    // ---- billing: the REPORT line of the log tail ----------------------------------------------------

    static String tail(String report) {
        return java.util.Base64.getEncoder().encodeToString(("START RequestId: r Version: 7\nlog line\nEND RequestId: r\n"
                + report + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    static final String REPORT = "REPORT RequestId: r\tDuration: 1233.21 ms\tBilled Duration: 1234 ms\tMemory Size: 3008 MB\t"
            + "Max Memory Used: 400 MB\t";

    @Test
    void asksForTheLogTailAndReturnsTheReportLinesBillingWithTheAnswer() {
        wiremock.stubFor(invoke().withHeader("X-Amz-Log-Type", equalTo("Tail"))
                .willReturn(aResponse().withStatus(200).withHeader("X-Amz-Log-Result", tail(REPORT)).withBody("{\"state\":\"DONE\"}")));
        var r = invoker(Duration.ofSeconds(5)).invokeBilled("train", "{}", 0);
        assertEquals("{\"state\":\"DONE\"}", r.value());
        assertEquals(new Billing(1234, 3008, Billing.Source.LAMBDA_REPORT), r.billing());
        wiremock.verify(exactly(1), postRequestedFor(urlPathEqualTo(PATH)).withHeader("X-Amz-Log-Type", equalTo("Tail")));
    }

    @Test
    void aFunctionErrorCarriesItsBillingAndAMissingTailGivesNone() {
        wiremock.stubFor(invoke().willReturn(aResponse().withStatus(200).withHeader("X-Amz-Function-Error", "Unhandled")
                .withHeader("X-Amz-Log-Result", tail(REPORT + "Status: timeout"))
                .withBody("{\"errorType\":\"Sandbox.Timedout\",\"errorMessage\":\"Task timed out after 840.00 seconds\"}")));
        FunctionInvocationException e = failure(Duration.ofSeconds(5));
        assertEquals(Outcome.FUNCTION_ERROR, e.outcome());
        assertEquals(1234, e.billing().billedMillis());
        assertEquals(3008, e.billing().memoryMb());

        wiremock.resetAll();
        wiremock.stubFor(invoke().willReturn(aResponse().withStatus(200).withBody("{}")));
        assertEquals(null, invoker(Duration.ofSeconds(5)).invokeBilled("train", "{}", 0).billing(), "no X-Amz-Log-Result");
        wiremock.resetAll();
        wiremock.stubFor(invoke().willReturn(aResponse().withStatus(200).withHeader("X-Amz-Log-Result", "bm90IGEgcmVwb3J0")
                .withBody("{}")));
        assertEquals(null, invoker(Duration.ofSeconds(5)).invokeBilled("train", "{}", 0).billing(), "a tail without a REPORT line");
        wiremock.resetAll();
        wiremock.stubFor(invoke().willReturn(throttled()));
        assertEquals(null, failure(Duration.ofSeconds(5)).billing(), "a throttled call did not run");
    }

    /** What the supervisor's pool applies to train calls: not idempotent, so never resent without an answer. */
    private static RetryPolicy trainerPolicy() {
        return RetryPolicy.builder().retryable(FunctionInvocationException::invocationFault)
                .timeouts(FunctionInvocationException::noResponse).retryTimeouts(false)
                .maxAttempts(3).backoff(Backoff.NONE).build();
    }

    private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder throttled() {
        return aResponse().withStatus(429).withHeader("x-amzn-ErrorType", "TooManyRequestsException")
                .withBody("{\"message\":\"Rate Exceeded.\",\"Type\":\"User\",\"Reason\":\"ReservedFunctionConcurrentInvocationLimitExceeded\"}");
    }
}
