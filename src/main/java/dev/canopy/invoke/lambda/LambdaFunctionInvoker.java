package dev.canopy.invoke.lambda;

import com.fasterxml.jackson.databind.JsonNode;
import dev.canopy.cost.Billing;
import dev.canopy.invoke.FunctionInvocationException;
import dev.canopy.invoke.FunctionInvocationException.Outcome;
import dev.canopy.error.InvalidInputException;
import dev.canopy.invoke.FunctionInvoker;
import dev.canopy.json.Json;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvocationType;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;
import software.amazon.awssdk.services.lambda.model.LambdaException;
import software.amazon.awssdk.services.lambda.model.LogType;

import java.net.ConnectException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The invocation port on the Lambda Invoke API (request-response). Also works against
 * {@code sam local start-lambda} through the client's endpoint override.
 *
 * <p><b>One attempt, classified.</b> Each {@link #invoke} sends exactly one request and never retries: the
 * caller's {@link dev.canopy.pool.RetryPolicy} does, and its Javadoc states which layer retries what. The
 * SDK's own retries must be off in the client this is given (its default policy re-sends a request whose
 * response is slow to come, so a 10-minute trainer would run up to four times). A failure becomes a
 * {@link FunctionInvocationException} whose {@link Outcome} the retrying layer reads: 429 is
 * {@link Outcome#THROTTLED}, other 4xx {@link Outcome#CLIENT_ERROR}, 5xx {@link Outcome#SERVICE_ERROR}, a
 * request that could not be sent {@link Outcome#UNREACHABLE}, a read timeout or a connection broken after
 * sending {@link Outcome#NO_RESPONSE} (the function may still be running), and a function error
 * ({@code X-Amz-Function-Error}) {@link Outcome#FUNCTION_ERROR} with the function's errorType and
 * errorMessage.
 *
 * <p><b>Billing.</b> Every call asks for the log tail ({@code LogType: Tail}) and reads its REPORT line
 * ({@link ReportLine}): a successful call's billing comes with its answer ({@link #invokeBilled}), a
 * function error's with its exception ({@link FunctionInvocationException#billing()}). A call refused by
 * the service (throttled, 4xx, 5xx) did not run and has none; nor does one that got no answer.
 */
public final class LambdaFunctionInvoker implements FunctionInvoker {
    private static final Pattern FUNQY_WRAPPED =
            Pattern.compile("([A-Za-z_$][\\w$]*(?:\\.[A-Za-z_$][\\w$]*)+): (.*)", Pattern.DOTALL);
    private final LambdaClient lambda;
    private final Map<String, String> functionNames;

    /**
     * @param functionNames logical name ({@code train}) to the deployed function's name or ARN
     */
    public LambdaFunctionInvoker(LambdaClient lambda, Map<String, String> functionNames) {
        this.lambda = lambda;
        this.functionNames = Map.copyOf(functionNames);
    }

    @Override
    public String invoke(String function, String payloadJson) {
        return invokeBilled(function, payloadJson, 0).value();
    }

    @Override
    public Invoked<String> invokeBilled(String function, String payloadJson, int instance) {
        String name = functionNames.get(function);
        if (name == null || name.isBlank()) {
            throw new InvalidInputException("canopy.invoke.functions." + function, name,
                    "no deployed function name configured for '" + function + "'");
        }
        InvokeResponse r;
        try {
            r = lambda.invoke(b -> b.functionName(name).invocationType(InvocationType.REQUEST_RESPONSE)
                    .logType(LogType.TAIL).payload(SdkBytes.fromUtf8String(payloadJson)));
        } catch (LambdaException e) {
            throw serviceError(function, e);
        } catch (SdkClientException e) {
            boolean notSent = causedBy(e, ConnectException.class) || causedBy(e, UnknownHostException.class);
            throw new FunctionInvocationException(function, notSent ? Outcome.UNREACHABLE : Outcome.NO_RESPONSE,
                    e.getClass().getSimpleName(), e.getMessage(), true, e);
        }
        String body = r.payload() == null ? "" : r.payload().asString(StandardCharsets.UTF_8);
        Billing billing = ReportLine.fromLogResult(r.logResult());
        if (r.functionError() != null) {
            throw functionError(function, r.functionError(), body).billed(billing);
        }
        return new Invoked<>(body, billing);
    }

    static FunctionInvocationException serviceError(String function, LambdaException e) {
        int status = e.statusCode();
        Outcome outcome = status == 429 ? Outcome.THROTTLED : status >= 500 ? Outcome.SERVICE_ERROR : Outcome.CLIENT_ERROR;
        String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
        String message = e.awsErrorDetails() == null ? e.getMessage() : e.awsErrorDetails().errorMessage();
        return new FunctionInvocationException(function, outcome, code == null ? "HTTP " + status : code, message,
                outcome != Outcome.CLIENT_ERROR, e).with("status", status);
    }

    private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
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
        // dev.canopy.function.LambdaHandler reports a function's own exception (errorType = its class name);
        // a deployment on Funqy's handler (or a native one) wraps it in ApplicationException("<class>: <message>"):
        // unwrap that so callers see the function's own error type either way.
        var wrapped = FUNQY_WRAPPED.matcher(message == null ? "" : message);
        if (type.equals("ApplicationException") && wrapped.matches()) {
            String inner = wrapped.group(1);
            type = inner.substring(inner.lastIndexOf('.') + 1);
            message = wrapped.group(2);
        }
        return new FunctionInvocationException(function, Outcome.FUNCTION_ERROR, type, message, false, null)
                .with("functionError", kind);
    }
}
