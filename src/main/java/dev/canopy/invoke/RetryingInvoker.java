package dev.canopy.invoke;

import dev.canopy.error.FunctionInvocationException;
import dev.canopy.error.FunctionInvocationException.Outcome;
import dev.canopy.pool.RetryPolicy;

/**
 * Calls through a {@link RetryPolicy}, for callers that invoke a function outside a
 * {@link dev.canopy.pool.FunctionPool}: the retrying layer of that call path,
 * over a transport that makes one attempt. See {@link RetryPolicy} for which layer retries what; a pool's
 * calls must never go through this class as well, or the retries would nest.
 */
public final class RetryingInvoker implements FunctionInvoker {
    private final FunctionInvoker transport;
    private final RetryPolicy policy;

    public RetryingInvoker(FunctionInvoker transport, RetryPolicy policy) {
        if (transport instanceof RetryingInvoker) {
            throw new IllegalArgumentException("retries must not nest: the transport already retries");
        }
        this.transport = transport;
        this.policy = policy;
    }

    /**
     * The policy for a call that is not idempotent: retried only when the function did not run or the
     * invocation service failed (throttled, unreachable, 5xx); never on a timeout or the function's own error.
     */
    public static RetryPolicy.Builder notIdempotent() {
        return RetryPolicy.builder().retryable(RetryingInvoker::invocationFault).retryTimeouts(false)
                .timeouts(RetryingInvoker::noResponse);
    }

    /** The invocation failed around the function, not in it: throttled, unreachable or a 5xx of the service. */
    public static boolean invocationFault(Throwable e) {
        return e instanceof FunctionInvocationException f && switch (f.outcome()) {
            case THROTTLED, UNREACHABLE, SERVICE_ERROR -> true;
            case CLIENT_ERROR, FUNCTION_ERROR, NO_RESPONSE -> false;
        };
    }

    /** No answer came: the function may still be running (a timeout for the {@link RetryPolicy}). */
    public static boolean noResponse(Throwable e) {
        return e instanceof FunctionInvocationException f && f.outcome() == Outcome.NO_RESPONSE;
    }

    @Override
    public String invoke(String function, String payloadJson) {
        return call(function, () -> transport.invoke(function, payloadJson));
    }

    @Override
    public String invoke(String function, String payloadJson, int instance) {
        return call(function, () -> transport.invoke(function, payloadJson, instance));
    }

    private String call(String function, java.util.function.Supplier<String> attempt) {
        try {
            return policy.call(a -> attempt.get());
        } catch (RuntimeException e) {
            throw e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FunctionInvocationException(function, Outcome.NO_RESPONSE, "Interrupted",
                    "interrupted while calling or waiting to retry", false, e);
        } catch (Exception e) {
            // the policy's own timeout (TimeoutException): the function may still be running
            throw new FunctionInvocationException(function, Outcome.NO_RESPONSE, e.getClass().getSimpleName(),
                    e.getMessage(), true, e);
        }
    }
}
