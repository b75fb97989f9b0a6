package dev.canopy.inference;

import dev.canopy.pool.CallState;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;

/**
 * Stopping the batches that run in this process before they end (a Ctrl-C or SIGTERM of the command line).
 * A stopped batch behaves as one whose time budget ran out, and more: no shard starts any more, not even one
 * already queued in the pool; the running ones finish, and the batch ends normally, writing its manifest with
 * the shards that succeeded and a CANCELLED row for each of the others, so that a resume runs only those.
 */
final class BatchStops {
    private final Set<AtomicBoolean> running = ConcurrentHashMap.newKeySet();

    /** One batch's stop flag, registered while the batch runs. */
    final class Stop implements AutoCloseable {
        private final AtomicBoolean stopped = new AtomicBoolean();

        /** The batch's time budget, which a stop ends at once. */
        LongSupplier budget(LongSupplier millisLeft) {
            return () -> stopped.get() ? 0 : millisLeft.getAsLong();
        }

        boolean stopped() {
            return stopped.get();
        }

        @Override
        public void close() {
            running.remove(stopped);
        }
    }

    Stop start() {
        Stop s = new Stop();
        running.add(s.stopped);
        return s;
    }

    int stopAll() {
        int n = 0;
        for (AtomicBoolean b : running) {
            if (!b.getAndSet(true)) {
                n++;
            }
        }
        return n;
    }

    /** A shard the batch never sent (it was stopped, or its time ran out): CANCELLED, no attempt. */
    static ShardResult notStarted(int index, String shard) {
        return new ShardResult(index, shard, CallState.CANCELLED, null, null, 0, null, null, 0, null,
                "not started: the batch was stopped or its time ran out; a resume runs it");
    }

    /**
     * Thrown in place of a retry after the batch's time ran out: the shard FAILED with the attempts it had,
     * and a resume runs it. Not retryable (no transient fault), not billed.
     */
    static final class NotRetried extends RuntimeException {
        NotRetried(int attempts) {
            super("not tried again after attempt " + attempts + ": the batch's time ran out; a resume runs it", null,
                    false, false);
        }
    }

    /** Thrown in place of a call that was queued when the batch stopped; not retried, not billed. */
    static final class NotStarted extends RuntimeException {
        NotStarted() {
            super("not started: the batch stopped", null, false, false);
        }
    }
}
