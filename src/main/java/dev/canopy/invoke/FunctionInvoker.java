package dev.canopy.invoke;

import dev.canopy.cost.Billing;
import dev.canopy.json.Json;

import java.io.IOException;

/**
 * The invocation port: calls another Canopy function by its logical name ({@code train}, {@code predict},
 * ...) with a JSON payload and returns its JSON answer. Adapters:
 * {@link dev.canopy.invoke.lambda.LambdaFunctionInvoker} (the Lambda Invoke API) and
 * {@link dev.canopy.invoke.local.LocalFunctionInvoker} (in-process, same JSON round trip).
 *
 * <p>A function that fails raises {@link FunctionInvocationException} with the remote
 * error type and message, and an outcome that says what is known of the call. Adapters make exactly one
 * attempt per call and never retry: the caller's {@link dev.canopy.pool.RetryPolicy} does (its Javadoc
 * states which layer retries what). Implementations are thread-safe.
 *
 * <p><b>Billing.</b> {@link #invokeBilled} also returns what the call was billed: the Lambda adapter reads
 * the REPORT line of the log tail Lambda returns, the local one measures the call. A call that ran and
 * failed is billed too: its {@link FunctionInvocationException#billing()} says so.
 */
public interface FunctionInvoker {

    /**
     * An answer and what its invocation was billed.
     *
     * @param billing null when the adapter cannot tell
     */
    record Invoked<T>(T value, Billing billing) {
    }

    String invoke(String function, String payloadJson);

    /**
     * Invokes on a given instance where the adapter controls instances. Locally each pool slot is its own
     * predictor instance with its own model cache, as a warm Lambda instance would be; on Lambda the
     * service places calls on warm instances itself (reserved concurrency bounds them), so the hint is
     * ignored.
     */
    default String invoke(String function, String payloadJson, int instance) {
        return invoke(function, payloadJson);
    }

    /**
     * {@link #invoke(String, String, int)} with the call's billing. Adapters that know it override this;
     * the default knows nothing of it.
     */
    default Invoked<String> invokeBilled(String function, String payloadJson, int instance) {
        return new Invoked<>(invoke(function, payloadJson, instance), null);
    }

    /** Typed form of {@link #invokeBilled(String, String, int)}. */
    default <T> Invoked<T> invokeBilled(String function, Object request, Class<T> responseType, int instance) {
        Invoked<String> r = invokeBilled(function, Json.writeString(request), instance);
        return new Invoked<>(decode(function, r.value(), responseType), r.billing());
    }

    /** Typed form of {@link #invoke(String, String, int)}. */
    default <T> T invoke(String function, Object request, Class<T> responseType, int instance) {
        return decode(function, invoke(function, Json.writeString(request), instance), responseType);
    }

    /** Typed convenience over {@link #invoke(String, String)} using Canopy's wire mapping. */
    default <T> T invoke(String function, Object request, Class<T> responseType) {
        return decode(function, invoke(function, Json.writeString(request)), responseType);
    }

    private static <T> T decode(String function, String response, Class<T> responseType) {
        try {
            return Json.MAPPER.readValue(response, responseType);
        } catch (IOException e) {
            throw new IllegalStateException(function + " returned an unreadable " + responseType.getSimpleName()
                    + ": " + response.substring(0, Math.min(200, response.length())), e);
        }
    }
}
