package dev.canopy.inference;

import dev.canopy.json.Json;
import dev.canopy.log.LogContext;
import dev.canopy.pool.CallState;
import dev.canopy.pool.PoolResult;
import dev.canopy.pool.Throttle;
import dev.canopy.storage.ObjectStore;
import org.jboss.logging.Logger;

import java.util.function.LongSupplier;

/**
 * Publishes a batch's {@link BatchProgress} to storage: once at the start, then as shards complete, at most
 * once per {@code intervalMillis}, and a last time with the batch's totals.
 *
 * <p>Progress is a view: a write that fails is logged once and never fails the batch. {@link #onResult} runs
 * inside the pool's completion (see {@code FunctionPool.ProgressListener}), one completion at a time, and
 * writes a due snapshot there, on the completing slot's own thread. So a published count is the count of
 * completions at that moment, the writes land in order, and the outputs on storage are ahead of it by at
 * most the shards in flight (the pool size). The write used to go to a fresh virtual thread; in one-machine
 * mode the pool's slots are virtual threads that score shards in process and hold every carrier thread,
 * so that write waited for the whole batch and the count stood still (issue 24). Writing in place costs the
 * other slots' hand-over one small write per interval, not their calls.
 */
final class ProgressPublisher {
    private static final Logger LOG = Logger.getLogger(ProgressPublisher.class);

    private final ObjectStore store;
    private final String uri;
    private final String runId;
    private final int total;
    private final LongSupplier clock;
    private final Throttle throttle;
    private final long startedAt;
    private int done;
    private int failed;
    private long rows;
    private boolean warned;

    ProgressPublisher(ObjectStore store, String uri, String runId, int total, LongSupplier clock, long intervalMillis) {
        this.store = store;
        this.uri = uri;
        this.runId = runId;
        this.total = total;
        this.clock = clock;
        this.throttle = new Throttle(clock, intervalMillis);
        this.startedAt = clock.getAsLong();
        write(snapshot(startedAt, false));
    }

    /** One shard's final outcome (retries are over); a pool listener. */
    synchronized void onResult(PoolResult<Integer, PredictResult> r, long completed, long submitted) {
        if (r.error() instanceof BatchStops.NotStarted) {
            return; // a stopped batch's shard that was never sent: neither done nor failed
        }
        done++;
        if (r.state() == CallState.SUCCEEDED && r.value() != null) {
            rows += r.value().rows();
        } else {
            failed++;
        }
        if (throttle.due()) {
            write(snapshot(clock.getAsLong(), false));
        }
    }

    /**
     * The last snapshot, from the batch's own rows of this run: they also count the shards never started
     * ({@code shards}, of which {@code failed} did not succeed, and the rows the others scored).
     */
    synchronized void finish(int shards, int failed, long rows) {
        write(new BatchProgress(runId, shards, shards, failed, rows, startedAt, clock.getAsLong() - startedAt, true));
    }

    private BatchProgress snapshot(long now, boolean finished) {
        return new BatchProgress(runId, total, done, failed, rows, startedAt, now - startedAt, finished);
    }

    private void write(BatchProgress p) {
        try {
            store.write(uri, Json.write(p), "application/json");
        } catch (RuntimeException e) {
            synchronized (this) {
                if (warned) {
                    return;
                }
                warned = true;
            }
            // the writing thread is a pool slot or the batch's own: name the batch here
            try (LogContext ignored = LogContext.push(LogContext.FUNCTION, "batch-predict", LogContext.RUN_ID, runId,
                    LogContext.ATTEMPT, 1)) {
                LOG.warnf("progress not published to %s (the batch goes on): %s", LogContext.location(uri),
                        BatchPredictService.describe(e));
            }
        }
    }
}
