package dev.canopy.invoke;

import dev.canopy.cost.Billing;
import dev.canopy.cost.FailedCall;
import dev.canopy.error.CanopyException;

/**
 * A function call that did not return a result: the function itself failed (Lambda's
 * {@code X-Amz-Function-Error}), or the call never got an answer (throttling, 5xx, timeout).
 *
 * <p>{@link #errorType()} is the remote error type when the function failed (for example
 * {@code InvalidInputException}), so callers can tell a bad request from a crash. {@link #outcome()} says
 * what is known of the call, which decides whether the retrying layer may call again (see
 * {@code dev.canopy.pool.RetryPolicy}).
 */
public class FunctionInvocationException extends CanopyException implements FailedCall {

    /** What the transport knows about one call that did not return a result. */
    public enum Outcome {
        /** Refused before it ran (Lambda's 429): the function did not run; transient. */
        THROTTLED,
        /** The invocation service failed (HTTP 5xx): transient. */
        SERVICE_ERROR,
        /** The request was never sent (connection refused, unknown host): the function did not run; transient. */
        UNREACHABLE,
        /** The service refused the request itself (4xx other than 429: no such function, no permission): permanent. */
        CLIENT_ERROR,
        /** The function ran and failed; {@link #retryable()} and the error type say whether that is transient. */
        FUNCTION_ERROR,
        /**
         * No answer: a read timeout, or the connection broke after the request was sent. The function may
         * still be running, so only an idempotent call may be sent again.
         */
        NO_RESPONSE
    }

    private final String function;
    private final String remoteErrorType;
    private final String remoteErrorMessage;
    private final Outcome outcome;
    private volatile Billing billing;

    /** A failure of the function itself ({@link Outcome#FUNCTION_ERROR}). */
    public FunctionInvocationException(String function, String errorType, String errorMessage, boolean retryable,
                                       Throwable cause) {
        this(function, Outcome.FUNCTION_ERROR, errorType, errorMessage, retryable, cause);
    }

    public FunctionInvocationException(String function, Outcome outcome, String errorType, String errorMessage,
                                       boolean retryable, Throwable cause) {
        super(function + " failed: " + errorType + ": " + errorMessage, retryable, cause);
        this.function = function;
        this.outcome = outcome;
        this.remoteErrorType = errorType;
        this.remoteErrorMessage = errorMessage;
        with("function", function);
    }

    public String function() {
        return function;
    }

    /**
     * The invocation failed around the function, not in it (throttled, unreachable, a 5xx of the service): the
     * function did not run to completion for us, so a caller's retry policy may call again.
     */
    public static boolean invocationFault(Throwable e) {
        return e instanceof FunctionInvocationException f && switch (f.outcome) {
            case THROTTLED, UNREACHABLE, SERVICE_ERROR -> true;
            case CLIENT_ERROR, FUNCTION_ERROR, NO_RESPONSE -> false;
        };
    }

    /** No answer came: the function may still be running (a timeout for a caller's retry policy). */
    public static boolean noResponse(Throwable e) {
        return e instanceof FunctionInvocationException f && f.outcome == Outcome.NO_RESPONSE;
    }

    /** A function error (it ran, and Lambda bills it) or no answer (it may have run). */
    @Override
    public boolean reachedFunction() {
        return outcome == Outcome.FUNCTION_ERROR || outcome == Outcome.NO_RESPONSE;
    }

    /** What the failed call was billed (a function that ran and failed is billed), or null when unknown. */
    @Override
    public Billing billing() {
        return billing;
    }

    /** Sets the billing of the call; returns this exception, for chaining. */
    public FunctionInvocationException billed(Billing b) {
        this.billing = b;
        return this;
    }

    public Outcome outcome() {
        return outcome;
    }

    @Override
    public String errorType() {
        return remoteErrorType;
    }

    public String errorMessage() {
        return remoteErrorMessage;
    }
}
