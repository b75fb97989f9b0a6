package dev.canopy.invoke.local;

import dev.canopy.cost.Billing;
import dev.canopy.error.CanopyException;
import dev.canopy.invoke.FunctionInvocationException;
import dev.canopy.error.InvalidInputException;
import dev.canopy.invoke.FunctionInvoker;
import dev.canopy.json.Json;

import java.util.Map;
import java.util.function.Function;
import java.util.function.IntFunction;

/**
 * In-process invocation: the one-machine mode's stand-in for Lambda. The payload is decoded from JSON
 * and the answer encoded to JSON exactly as on Lambda, so a request that would not survive the wire does
 * not survive here either. A failing function becomes a {@link FunctionInvocationException} with the
 * same errorType and errorMessage Lambda would report (outcome FUNCTION_ERROR). One attempt per call, as
 * on Lambda; see {@link dev.canopy.pool.RetryPolicy}.
 *
 * <p>Each call is billed as Lambda would bill it: its wall time, JSON round trip included, rounded up to
 * the next whole millisecond ({@link Billing#measured}); a failed call too. The memory is left to the
 * price table's configured memory of the function.
 */
public final class LocalFunctionInvoker implements FunctionInvoker {

    /**
     * One callable function: its request type and its code, and whether a call computes for its whole length
     * ({@link #computing}).
     */
    public record LocalFunction<I, O>(Class<I> requestType, Function<I, O> body, boolean ownThread) {

        public LocalFunction(Class<I> requestType, Function<I, O> body) {
            this(requestType, body, false);
        }

        /**
         * A function whose calls compute from start to end (a trainer). Each call called from a virtual thread
         * (a pool's slot) runs on a platform thread of its own, as each Lambda invocation has an instance of
         * its own: on the slot's virtual thread it would hold one of the scheduler's carriers, which are as many
         * as the cores, for the whole call, and a third trainer on two cores would wait for one of the first two
         * to end instead of running beside them.
         */
        public static <I, O> LocalFunction<I, O> computing(Class<I> requestType, Function<I, O> body) {
            return new LocalFunction<>(requestType, body, true);
        }

        String call(String payload) {
            if (ownThread && Thread.currentThread().isVirtual()) {
                return OwnThread.call(() -> run(payload));
            }
            return run(payload);
        }

        private String run(String payload) {
            return Json.writeString(body.apply(Json.request(payload, requestType)));
        }
    }

    private final Map<String, LocalFunction<?, ?>> functions;
    private final Map<String, IntFunction<LocalFunction<?, ?>>> perInstance;

    public LocalFunctionInvoker(Map<String, LocalFunction<?, ?>> functions) {
        this(functions, Map.of());
    }

    /**
     * @param perInstance functions that keep per-instance state (the predictor's model cache): the
     *                    factory gives the function for an instance number, and is expected to return the
     *                    same one each time it is asked for that number
     */
    public LocalFunctionInvoker(Map<String, LocalFunction<?, ?>> functions,
                                Map<String, IntFunction<LocalFunction<?, ?>>> perInstance) {
        this.functions = Map.copyOf(functions);
        this.perInstance = Map.copyOf(perInstance);
    }

    @Override
    public String invoke(String function, String payloadJson) {
        return invoke(function, payloadJson, 0);
    }

    @Override
    public String invoke(String function, String payloadJson, int instance) {
        return invokeBilled(function, payloadJson, instance).value();
    }

    @Override
    public Invoked<String> invokeBilled(String function, String payloadJson, int instance) {
        IntFunction<LocalFunction<?, ?>> factory = perInstance.get(function);
        LocalFunction<?, ?> f = factory != null ? factory.apply(instance) : functions.get(function);
        if (f == null) {
            throw new InvalidInputException("function", function, "no such function; known: "
                    + new java.util.TreeSet<>(java.util.stream.Stream.concat(functions.keySet().stream(),
                    perInstance.keySet().stream()).toList()));
        }
        long t0 = System.nanoTime();
        try {
            String body = f.call(payloadJson);
            return new Invoked<>(body, Billing.measured(System.nanoTime() - t0));
        } catch (CanopyException e) {
            throw new FunctionInvocationException(function, e.errorType(), e.getMessage(), e.retryable(), e)
                    .billed(Billing.measured(System.nanoTime() - t0));
        } catch (RuntimeException e) {
            throw new FunctionInvocationException(function, e.getClass().getSimpleName(), String.valueOf(e.getMessage()),
                    false, e).billed(Billing.measured(System.nanoTime() - t0));
        }
    }
}
