package dev.canopy.invoke;

import dev.canopy.json.Json;

import java.io.IOException;

/**
 * The invocation port: calls another Canopy function by its logical name ({@code train}, {@code predict},
 * ...) with a JSON payload and returns its JSON answer. Adapters:
 * {@link dev.canopy.invoke.lambda.LambdaFunctionInvoker} (the Lambda Invoke API) and
 * {@link dev.canopy.invoke.local.LocalFunctionInvoker} (in-process, same JSON round trip).
 *
 * <p>A function that fails raises {@link dev.canopy.error.FunctionInvocationException} with the remote
 * error type and message. Implementations are thread-safe.
 */
public interface FunctionInvoker {

    String invoke(String function, String payloadJson);

    /** Typed convenience over {@link #invoke(String, String)} using Canopy's wire mapping. */
    default <T> T invoke(String function, Object request, Class<T> responseType) {
        String response = invoke(function, Json.writeString(request));
        try {
            return Json.MAPPER.readValue(response, responseType);
        } catch (IOException e) {
            throw new IllegalStateException(function + " returned an unreadable " + responseType.getSimpleName()
                    + ": " + response.substring(0, Math.min(200, response.length())), e);
        }
    }
}
