package dev.canopy.log;

import org.jboss.logging.MDC;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The fields every Canopy log line carries: {@code runId}, {@code function}, {@code algorithm} or
 * {@code shard}, and {@code attempt}. They live in the logging MDC, which JSON logging prints under
 * {@code "mdc"}, so a run can be followed across the supervisor, its trainers, the orchestrator and its
 * predictors by filtering on one field.
 *
 * <p>A context is pushed for the extent of one piece of work and closed when it ends; closing restores
 * what the thread had before, because in the one-machine mode one thread runs nested functions (the
 * orchestrator's pool thread runs the predictor in-process). Values are identifiers only: never put a
 * request or response body, a data value or a credential here.
 *
 * <p>Logging goes through JBoss Logging, a facade like SLF4J; the domain packages import it but nothing of
 * Quarkus or AWS. MDC is per thread: work handed to another thread pushes its own context there.
 */
public final class LogContext implements AutoCloseable {
    public static final String RUN_ID = "runId";
    public static final String FUNCTION = "function";
    public static final String ALGORITHM = "algorithm";
    public static final String SHARD = "shard";
    public static final String ATTEMPT = "attempt";
    /** Keys Canopy owns in the MDC; {@link #begin} clears them all. */
    private static final String[] KEYS = {RUN_ID, FUNCTION, ALGORITHM, SHARD, ATTEMPT};
    /** A shard URI is an identifier, but a request could make it huge; log lines stay short. */
    private static final int MAX_VALUE_CHARS = 300;

    private final Map<String, Object> previous = new HashMap<>();

    private LogContext() {
    }

    /**
     * Sets {@code key, value} pairs until {@link #close}; null values are skipped.
     *
     * @param keyValues alternating keys (one of this class's constants) and values
     */
    public static LogContext push(Object... keyValues) {
        if (keyValues.length % 2 != 0) {
            throw new IllegalArgumentException("key/value pairs expected, got " + keyValues.length + " items");
        }
        LogContext ctx = new LogContext();
        for (int i = 0; i < keyValues.length; i += 2) {
            String key = (String) keyValues[i];
            Object value = keyValues[i + 1];
            if (value != null && !ctx.previous.containsKey(key)) {
                ctx.previous.put(key, MDC.get(key));
                MDC.put(key, clip(value));
            }
        }
        return ctx;
    }

    /**
     * This thread's Canopy fields as {@link #push} takes them, for work it hands to another thread: MDC is per
     * thread, and the other thread's lines should name the same run.
     */
    public static Object[] fields() {
        List<Object> pairs = new ArrayList<>();
        for (String key : KEYS) {
            Object value = MDC.get(key);
            if (value != null) {
                pairs.add(key);
                pairs.add(value);
            }
        }
        return pairs.toArray();
    }

    /**
     * Starts a function invocation on a reused thread (a warm Lambda's runtime thread): clears what the
     * last invocation left and sets the new one's fields. These are deliberately not cleared when the
     * function returns, so the runtime's own line about a failed invocation still names the run.
     */
    public static void begin(Object... keyValues) {
        for (String key : KEYS) {
            MDC.remove(key);
        }
        push(keyValues);
    }

    /**
     * A storage location as it may appear in a log line: without a query string or user information,
     * where a pre-signed URL or an endpoint would carry credentials.
     */
    public static String location(String uri) {
        if (uri == null) {
            return null;
        }
        String s = uri;
        int q = s.indexOf('?');
        if (q >= 0) {
            s = s.substring(0, q) + "?…";
        }
        int scheme = s.indexOf("://");
        int at = s.indexOf('@');
        int slash = scheme < 0 ? -1 : s.indexOf('/', scheme + 3);
        if (scheme >= 0 && at > scheme && (slash < 0 || at < slash)) {
            s = s.substring(0, scheme + 3) + "…@" + s.substring(at + 1);
        }
        return clip(s);
    }

    private static String clip(Object value) {
        String s = String.valueOf(value);
        return s.length() <= MAX_VALUE_CHARS ? s : s.substring(0, MAX_VALUE_CHARS) + "…";
    }

    @Override
    public void close() {
        previous.forEach((key, old) -> {
            if (old == null) {
                MDC.remove(key);
            } else {
                MDC.put(key, old);
            }
        });
    }
}
