package dev.canopy.serve;

import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * One synchronous invocation handed to an instance: its event, the moment the runtime took it (from which
 * the function's timeout counts, as Lambda's deadline does), its outcome and its log lines.
 */
final class InstanceInvocation implements RuntimeApi.Event {
    /** How an invocation ended. */
    enum Kind {
        /** the function's response ({@code .../response}) */
        RESPONSE,
        /** the function's error ({@code .../error}) or its initialisation's ({@code /init/error}) */
        ERROR,
        /** the function's timeout passed: the instance is killed */
        TIMEOUT,
        /** the initialisation did not take the event within serve's init limit: the instance is killed */
        INIT_TIMEOUT,
        /** the process exited before answering */
        EXIT,
        /** the instance went over its memory and was killed ({@link MemoryLimit}) */
        OUT_OF_MEMORY
    }

    record Outcome(Kind kind, byte[] body, String detail) {
        static Outcome of(Kind kind, String body) {
            return new Outcome(kind, body.getBytes(StandardCharsets.UTF_8), null);
        }

        /**
         * Lambda's answer for a runtime that ended without answering: {@code Runtime.ExitError}, "RequestId: …
         * Error: …".
         */
        static Outcome exitError(Kind kind, String requestId, String error) {
            return of(kind, "{\"errorType\":\"Runtime.ExitError\",\"errorMessage\":\"RequestId: " + requestId
                    + " Error: " + error + "\"}");
        }
    }

    final String requestId = UUID.randomUUID().toString();
    final String invokedArn;
    final byte[] payload;
    final CompletableFuture<Long> delivered = new CompletableFuture<>();
    final CompletableFuture<Outcome> outcome = new CompletableFuture<>();
    private final StringBuilder log = new StringBuilder();

    InstanceInvocation(String invokedArn, byte[] payload) {
        this.invokedArn = invokedArn;
        this.payload = payload;
    }

    @Override
    public String requestId() {
        return requestId;
    }

    @Override
    public String invokedArn() {
        return invokedArn;
    }

    /** Its epoch second and 24 hex digits of the request id, as X-Ray's trace ids. */
    @Override
    public String traceId() {
        return "Root=1-" + Long.toHexString(System.currentTimeMillis() / 1000) + "-"
                + requestId.replace("-", "").substring(0, 24) + ";Sampled=0";
    }

    @Override
    public byte[] payload() {
        return payload;
    }

    @Override
    public void delivered(long nanos) {
        delivered.complete(nanos);
    }

    /** An init error is an {@link Kind#ERROR} whose detail is {@code init}: the instance is not reused. */
    @Override
    public void answered(RuntimeApi.Answer a) {
        outcome.complete(switch (a.kind()) {
            case RESPONSE -> new Outcome(Kind.RESPONSE, a.body(), a.errorType());
            case ERROR -> new Outcome(Kind.ERROR, a.body(), a.errorType());
            case INIT_ERROR -> new Outcome(Kind.ERROR, a.body(), "init");
        });
    }

    /**
     * The most of an invocation's log kept; older lines are dropped first (the log tail and serve's stderr are
     * what a user reads, and the tail is the last 4 KB).
     */
    static final int MAX_LOG_CHARS = 1 << 20;
    private long dropped;

    synchronized void log(String line) {
        log.append(line).append('\n');
        if (log.length() > MAX_LOG_CHARS) {
            int cut = log.length() - MAX_LOG_CHARS / 2;
            int nl = log.indexOf("\n", cut);
            cut = nl < 0 ? log.length() : nl + 1;
            dropped += cut;
            log.delete(0, cut);
        }
    }

    synchronized String log() {
        return dropped == 0 ? log.toString() : "[" + dropped + " earlier characters of this log dropped]\n" + log;
    }
}
