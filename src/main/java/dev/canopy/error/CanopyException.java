package dev.canopy.error;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Base of every error Canopy raises on purpose. Unchecked, and carries its context (function, shard,
 * algorithm, field...) so that a message read in a log or a Lambda error payload says where it happened.
 *
 * <p>{@link #retryable()} is the one bit that decides whether a caller retries: transient faults
 * (throttling, 5xx, I/O) are retryable, bad input and missing objects are not.
 */
public class CanopyException extends RuntimeException {
    private final Map<String, String> context = new LinkedHashMap<>();
    private final boolean retryable;

    public CanopyException(String message, boolean retryable, Throwable cause) {
        super(message, cause);
        this.retryable = retryable;
    }

    public CanopyException(String message, boolean retryable) {
        this(message, retryable, null);
    }

    /** Adds a context entry (kept in insertion order) and returns this exception, for chaining. */
    @SuppressWarnings("unchecked")
    public <T extends CanopyException> T with(String key, Object value) {
        if (value != null) {
            context.put(key, String.valueOf(value));
        }
        return (T) this;
    }

    public Map<String, String> context() {
        return Map.copyOf(context);
    }

    public boolean retryable() {
        return retryable;
    }

    /** The short name callers see as {@code errorType}, e.g. {@code InvalidInputException}. */
    public String errorType() {
        return getClass().getSimpleName();
    }

    @Override
    public String getMessage() {
        if (context.isEmpty()) {
            return super.getMessage();
        }
        StringBuilder sb = new StringBuilder(super.getMessage()).append(" [");
        context.forEach((k, v) -> sb.append(k).append('=').append(v).append(", "));
        sb.setLength(sb.length() - 2);
        return sb.append(']').toString();
    }
}
