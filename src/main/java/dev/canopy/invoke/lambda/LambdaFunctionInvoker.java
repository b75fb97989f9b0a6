package dev.canopy.invoke.lambda;

import com.fasterxml.jackson.databind.JsonNode;
import dev.canopy.error.FunctionInvocationException;
import dev.canopy.error.InvalidInputException;
import dev.canopy.invoke.FunctionInvoker;
import dev.canopy.json.Json;
import dev.canopy.pool.Backoff;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvocationType;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;
import software.amazon.awssdk.services.lambda.model.LambdaException;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The invocation port on the Lambda Invoke API (request-response). Also works against
 * {@code sam local start-lambda} through the client's endpoint override.
 *
 * <p><b>Retry policy.</b> The SDK's own retries must be off in the client this is given: its default
 * policy re-sends a request whose response is slow to come, so a 10-minute trainer would run up to four
 * times. This class retries only where the function certainly did not run to completion for us and a
 * second call is safe: throttling (429) and Lambda service errors (5xx), with full-jitter backoff, up to
 * {@code maxAttempts} calls in all. A read timeout or a broken connection after the request was sent is
 * not retried: the function may still be running. A function error ({@code X-Amz-Function-Error}) is the
 * function's own answer and is never retried here; it becomes a {@link FunctionInvocationException} with
 * the function's errorType and errorMessage.
 */
public final class LambdaFunctionInvoker implements FunctionInvoker {
    private static final java.util.regex.Pattern FUNQY_WRAPPED =
            java.util.regex.Pattern.compile("([A-Za-z_$][\\w$]*(?:\\.[A-Za-z_$][\\w$]*)+): (.*)", java.util.regex.Pattern.DOTALL);
    private final LambdaClient lambda;
    private final Map<String, String> functionNames;
    private final int maxAttempts;
    private final Backoff backoff;

    /**
     * @param functionNames logical name ({@code train}) to the deployed function's name or ARN
     */
    public LambdaFunctionInvoker(LambdaClient lambda, Map<String, String> functionNames, int maxAttempts,
                                 Backoff backoff) {
        this.lambda = lambda;
        this.functionNames = Map.copyOf(functionNames);
        this.maxAttempts = Math.max(1, maxAttempts);
        this.backoff = backoff;
    }

    @Override
    public String invoke(String function, String payloadJson) {
        String name = functionNames.get(function);
        if (name == null || name.isBlank()) {
            throw new InvalidInputException("canopy.invoke.functions." + function, name,
                    "no deployed function name configured for '" + function + "'");
        }
        for (int attempt = 1; ; attempt++) {
            try {
                InvokeResponse r = lambda.invoke(b -> b.functionName(name).invocationType(InvocationType.REQUEST_RESPONSE)
                        .payload(SdkBytes.fromUtf8String(payloadJson)));
                String body = r.payload() == null ? "" : r.payload().asString(StandardCharsets.UTF_8);
                if (r.functionError() != null) {
                    throw functionError(function, r.functionError(), body);
                }
                return body;
            } catch (LambdaException e) {
                int status = e.statusCode();
                boolean retryable = status == 429 || status >= 500;
                if (!retryable || attempt >= maxAttempts) {
                    String code = e.awsErrorDetails() == null ? "HTTP " + status : e.awsErrorDetails().errorCode();
                    throw new FunctionInvocationException(function, code == null ? "HTTP " + status : code,
                            e.awsErrorDetails() == null ? e.getMessage() : e.awsErrorDetails().errorMessage(),
                            retryable, e).with("attempts", attempt);
                }
            } catch (SdkClientException e) {
                // Timeouts and broken connections: the function may be running; retrying would run it twice.
                throw new FunctionInvocationException(function, "SdkClientException", e.getMessage(), true, e)
                        .with("attempts", attempt);
            }
            if (!backoff.sleep(attempt)) {
                throw new FunctionInvocationException(function, "Interrupted", "interrupted while backing off", true, null);
            }
        }
    }

    public static FunctionInvocationException functionError(String function, String kind, String body) {
        String type = kind;
        String message = body;
        try {
            JsonNode n = Json.MAPPER.readTree(body);
            if (n != null && n.hasNonNull("errorType")) {
                type = n.get("errorType").asText();
                int dot = type.lastIndexOf('.');
                type = dot >= 0 ? type.substring(dot + 1) : type;
            }
            if (n != null && n.hasNonNull("errorMessage")) {
                message = n.get("errorMessage").asText();
            }
        } catch (Exception notJson) {
            // keep the raw body as the message
        }
        // Funqy wraps what a function throws in ApplicationException("<exception class>: <message>");
        // unwrap it so callers see the function's own error type.
        var wrapped = FUNQY_WRAPPED.matcher(message == null ? "" : message);
        if (type.equals("ApplicationException") && wrapped.matches()) {
            String inner = wrapped.group(1);
            type = inner.substring(inner.lastIndexOf('.') + 1);
            message = wrapped.group(2);
        }
        return new FunctionInvocationException(function, type, message, false, null).with("functionError", kind);
    }
}
