package dev.canopy.invoke.local;

import dev.canopy.error.CanopyException;
import dev.canopy.error.FunctionInvocationException;
import dev.canopy.error.InvalidInputException;
import dev.canopy.invoke.FunctionInvoker;
import dev.canopy.json.Json;

import java.util.Map;
import java.util.function.Function;

/**
 * In-process invocation: the one-machine mode's stand-in for Lambda. The payload is decoded from JSON
 * and the answer encoded to JSON exactly as on Lambda, so a request that would not survive the wire does
 * not survive here either. A failing function becomes a {@link FunctionInvocationException} with the
 * same errorType and errorMessage Lambda would report.
 */
public final class LocalFunctionInvoker implements FunctionInvoker {

    /** One callable function: its request type and its code. */
    public record LocalFunction<I, O>(Class<I> requestType, Function<I, O> body) {
        String call(String payload) {
            return Json.writeString(body.apply(Json.request(payload, requestType)));
        }
    }

    private final Map<String, LocalFunction<?, ?>> functions;

    public LocalFunctionInvoker(Map<String, LocalFunction<?, ?>> functions) {
        this.functions = Map.copyOf(functions);
    }

    @Override
    public String invoke(String function, String payloadJson) {
        LocalFunction<?, ?> f = functions.get(function);
        if (f == null) {
            throw new InvalidInputException("function", function, "no such function; known: " + functions.keySet());
        }
        try {
            return f.call(payloadJson);
        } catch (CanopyException e) {
            throw new FunctionInvocationException(function, e.errorType(), e.getMessage(), e.retryable(), e);
        } catch (RuntimeException e) {
            throw new FunctionInvocationException(function, e.getClass().getSimpleName(), String.valueOf(e.getMessage()),
                    false, e);
        }
    }
}
