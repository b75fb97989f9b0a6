package dev.canopy.pool;

import java.util.function.LongSupplier;

/**
 * How often a pool's progress is written: at most once per interval, asked on each completion. The one policy
 * of batch-predict's progress and a search's: a completion writes only when the last write is at least
 * {@code intervalMillis} old, so a thousand quick trials cost a handful of writes, not a thousand, and the
 * completing slot (which writes it, in the pool's completion) hands over at once. Phase changes and the last
 * snapshot are written by their owner regardless.
 *
 * <p>Thread-safe.
 */
public final class Throttle {
    /** Progress of batches and searches is written at most this often. */
    public static final long PROGRESS_INTERVAL_MILLIS = 1_000;

    private final LongSupplier clock;
    private final long intervalMillis;
    private long last;

    /** @param clock milliseconds; the first {@link #due()} is one interval after construction */
    public Throttle(LongSupplier clock, long intervalMillis) {
        this.clock = clock;
        this.intervalMillis = intervalMillis;
        this.last = clock.getAsLong();
    }

    /** True, and the interval starts again, when the last write is at least an interval old. */
    public synchronized boolean due() {
        long now = clock.getAsLong();
        if (now - last >= intervalMillis) {
            last = now;
            return true;
        }
        return false;
    }

    /** A write made regardless (a phase change): the interval starts again from it. */
    public synchronized void wrote() {
        last = clock.getAsLong();
    }
}
