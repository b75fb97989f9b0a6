package dev.canopy.invoke.lambda;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.canopy.error.FunctionInvocationException;
import dev.canopy.pool.Backoff;
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

/** The Lambda adapter against WireMock faking the Lambda Invoke API, with exact request counts. */
class LambdaFunctionInvokerTest {
    static final String PATH = "/2015-03-31/functions/canopy-train-dev/invocations";
    static WireMockServer wiremock;

    @BeforeAll
    static void start() {
        wiremock = new WireMockServer(options().dynamicPort());
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
        LambdaClient client = LambdaClient.builder()
                .endpointOverride(URI.create(wiremock.baseUrl()))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("k", "s")))
                .httpClientBuilder(UrlConnectionHttpClient.builder().socketTimeout(readTimeout))
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
                .build();
        return new LambdaFunctionInvoker(client, Map.of("train", "canopy-train-dev"), 3,
                new Backoff(Duration.ofMillis(1), Duration.ofMillis(5)));
    }

    static MappingBuilder invoke() {
        return post(urlPathEqualTo(PATH));
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
    void functionErrorBecomesAnExceptionWithTypeAndMessageAndIsNotRetried() {
        wiremock.stubFor(invoke().willReturn(aResponse().withStatus(200).withHeader("X-Amz-Function-Error", "Unhandled")
                .withBody("{\"errorType\":\"dev.canopy.error.InvalidInputException\",\"errorMessage\":\"target=\\\"Price\\\": no such column\",\"stackTrace\":[]}")));
        FunctionInvocationException e = assertThrows(FunctionInvocationException.class,
                () -> invoker(Duration.ofSeconds(5)).invoke("train", "{}"));
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
        FunctionInvocationException e = assertThrows(FunctionInvocationException.class,
                () -> invoker(Duration.ofSeconds(5)).invoke("train", "{}"));
        assertEquals("ObjectNotFoundException", e.errorType());
        assertEquals("object not found: s3://b/k", e.errorMessage());
        wiremock.verify(exactly(1), postRequestedFor(urlPathEqualTo(PATH)));
    }

    @Test
    void throttlingIsRetriedWithBackoffUntilItSucceeds() {
        wiremock.stubFor(invoke().inScenario("throttle").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(throttled()).willSetStateTo("once"));
        wiremock.stubFor(invoke().inScenario("throttle").whenScenarioStateIs("once")
                .willReturn(throttled()).willSetStateTo("twice"));
        wiremock.stubFor(invoke().inScenario("throttle").whenScenarioStateIs("twice")
                .willReturn(aResponse().withStatus(200).withBody("{\"ok\":true}")));
        assertEquals("{\"ok\":true}", invoker(Duration.ofSeconds(5)).invoke("train", "{}"));
        wiremock.verify(exactly(3), postRequestedFor(urlPathEqualTo(PATH)));
    }

    @Test
    void throttlingThatLastsGivesUpAfterMaxAttempts() {
        wiremock.stubFor(invoke().willReturn(throttled()));
        FunctionInvocationException e = assertThrows(FunctionInvocationException.class,
                () -> invoker(Duration.ofSeconds(5)).invoke("train", "{}"));
        assertEquals("TooManyRequestsException", e.errorType());
        assertTrue(e.retryable());
        assertEquals("3", e.context().get("attempts"));
        wiremock.verify(exactly(3), postRequestedFor(urlPathEqualTo(PATH)));
    }

    @Test
    void serviceErrorsAreRetriedUpToMaxAttempts() {
        wiremock.stubFor(invoke().willReturn(aResponse().withStatus(500)
                .withHeader("x-amzn-ErrorType", "ServiceException")
                .withBody("{\"Type\":\"Service\",\"message\":\"internal failure\"}")));
        FunctionInvocationException e = assertThrows(FunctionInvocationException.class,
                () -> invoker(Duration.ofSeconds(5)).invoke("train", "{}"));
        assertEquals("ServiceException", e.errorType());
        wiremock.verify(exactly(3), postRequestedFor(urlPathEqualTo(PATH)));
    }

    @Test
    void aSlowResponseIsNeverSentTwice() {
        wiremock.stubFor(invoke().willReturn(aResponse().withStatus(200).withFixedDelay(2_000).withBody("{}")));
        FunctionInvocationException e = assertThrows(FunctionInvocationException.class,
                () -> invoker(Duration.ofMillis(300)).invoke("train", "{}"));
        assertEquals("SdkClientException", e.errorType());
        wiremock.verify(exactly(1), postRequestedFor(urlPathEqualTo(PATH)));
    }

    @Test
    void clientErrorsAreNotRetried() {
        wiremock.stubFor(invoke().willReturn(aResponse().withStatus(404)
                .withHeader("x-amzn-ErrorType", "ResourceNotFoundException")
                .withBody("{\"Type\":\"User\",\"message\":\"Function not found\"}")));
        FunctionInvocationException e = assertThrows(FunctionInvocationException.class,
                () -> invoker(Duration.ofSeconds(5)).invoke("train", "{}"));
        assertEquals("ResourceNotFoundException", e.errorType());
        wiremock.verify(exactly(1), postRequestedFor(urlPathEqualTo(PATH)));
    }

    private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder throttled() {
        return aResponse().withStatus(429).withHeader("x-amzn-ErrorType", "TooManyRequestsException")
                .withBody("{\"Type\":\"User\",\"message\":\"Rate Exceeded.\",\"Reason\":\"ReservedFunctionConcurrentInvocationLimitExceeded\"}");
    }
}
