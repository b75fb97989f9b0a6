package dev.canopy.error;

/**
 * A function call that did not return a result: the function itself failed (Lambda's
 * {@code X-Amz-Function-Error}), or the call never got an answer (throttling, 5xx, timeout).
 *
 * <p>{@link #errorType()} is the remote error type when the function failed (for example
 * {@code InvalidInputException}), so callers can tell a bad request from a crash.
 */
public class FunctionInvocationException extends CanopyException {
    private final String function;
    private final String remoteErrorType;
    private final String remoteErrorMessage;

    public FunctionInvocationException(String function, String errorType, String errorMessage, boolean retryable,
                                       Throwable cause) {
        super(function + " failed: " + errorType + ": " + errorMessage, retryable, cause);
        this.function = function;
        this.remoteErrorType = errorType;
        this.remoteErrorMessage = errorMessage;
        with("function", function);
    }

    public String function() {
        return function;
    }

    @Override
    public String errorType() {
        return remoteErrorType;
    }

    public String errorMessage() {
        return remoteErrorMessage;
    }
}
