package dev.canopy.serve;

import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * One synchronous invocation handed to an instance: its event, the moment the runtime took it (from which
 * the function's timeout counts, as Lambda's deadline does), its outcome and its log lines.
 */
final class InstanceInvocation {
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
        EXIT
    }

    record Outcome(Kind kind, byte[] body, String detail) {
        static Outcome of(Kind kind, String body) {
            return new Outcome(kind, body.getBytes(StandardCharsets.UTF_8), null);
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

    synchronized void log(String line) {
        log.append(line).append('\n');
    }

    synchronized String log() {
        return log.toString();
    }
}
