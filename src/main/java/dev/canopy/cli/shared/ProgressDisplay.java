package dev.canopy.cli.shared;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The live progress line of {@code predict} and {@code train} on stderr: a bar redrawn in place on a terminal,
 * plain lines otherwise (a log file, CI), e.g. {@code shards 37/120 · 81,234 rows/s · 1 failed · ~0:42 left}.
 *
 * <p>Hand-written rather than a library: progress-bar libraries bring a terminal library (progressbar pulls in
 * JLine) into the one artifact that is also the Lambda package, for ~100 lines of string formatting.
 *
 * <p>In bar mode the bar is the last thing on the terminal's last line; {@link #println} clears it before any
 * other line and draws it again after, so lines never run into it. Lines written by others (a log line) cannot be
 * seen coming, so the cursor is left at the start of the bar: such a line overwrites the bar rather than being
 * appended to it, and the next update draws the bar again below. Not thread-safe: one thread draws.
 */
public final class ProgressDisplay {
    public enum Mode { AUTO, BAR, LINES, NONE }

    /**
     * What the line shows. {@code rows} below 0: not a row count (training); {@code fraction} below 0: use
     * done/total. {@code elapsedMillis} is the work's own time so far, which rates and time left derive from.
     */
    public record Snapshot(String unit, int done, int total, int failed, long rows, double fraction, long elapsedMillis,
                    boolean finished) {
        double completed() {
            return fraction >= 0 ? Math.min(1, fraction) : total > 0 ? (double) done / total : 0;
        }
    }

    static final int BAR_WIDTH = 20;
    /** In line mode, a line at least this often while nothing completes, so a long shard still shows life. */
    static final long LINE_EVERY_MILLIS = 10_000;
    private static final String CLEAR_TO_END = "\033[K";

    private final PrintWriter err;
    private final Mode mode;
    private final LongSupplier clock;
    private String drawn;
    private int lastDone = -1;
    private long lastLineAt;

    /** @param mode BAR, LINES or NONE (AUTO resolved by the caller) */
    public ProgressDisplay(PrintWriter err, Mode mode, LongSupplier clock) {
        if (mode == Mode.AUTO) {
            throw new IllegalArgumentException("resolve AUTO first");
        }
        this.err = err;
        this.mode = mode;
        this.clock = clock;
    }

    /** Shows {@code s} (null: nothing known yet). */
    public void update(Snapshot s) {
        if (s == null || mode == Mode.NONE) {
            return;
        }
        if (mode == Mode.BAR) {
            draw(bar(s));
        } else if (s.done() != lastDone || clock.getAsLong() - lastLineAt >= LINE_EVERY_MILLIS) {
            line(text(s));
            lastDone = s.done();
        }
        err.flush();
    }

    /** The last state: always shown, and in bar mode the line ends. */
    public void finish(Snapshot s) {
        if (mode == Mode.NONE) {
            return;
        }
        if (mode == Mode.BAR) {
            draw(bar(s));
            err.println();
            drawn = null;
        } else {
            line(text(s));
        }
        err.flush();
    }

    /** Ends a bar left drawn (the work failed before {@link #finish}), so what follows starts on its own line. */
    public void stop() {
        if (drawn != null) {
            err.println();
            err.flush();
            drawn = null;
        }
    }

    /** Another line on stderr (a trainer's state), under the bar rather than through it; nothing in NONE mode. */
    public void println(String line) {
        if (mode == Mode.NONE) {
            return;
        }
        String bar = drawn;
        if (bar != null) {
            err.print("\r" + CLEAR_TO_END);
        }
        err.println(line);
        if (bar != null) {
            draw(bar);
        }
        err.flush();
    }

    private void draw(String bar) {
        err.print("\r" + bar + CLEAR_TO_END + "\r");
        drawn = bar;
    }

    private void line(String text) {
        err.println(text);
        lastLineAt = clock.getAsLong();
    }

    static String bar(Snapshot s) {
        int filled = (int) Math.floor(s.completed() * BAR_WIDTH);
        return "[" + "█".repeat(filled) + "░".repeat(BAR_WIDTH - filled) + "] " + text(s);
    }

    /** {@code shards 37/120 · 81,234 rows/s · 1 failed · ~0:42 left}; {@code –} where not known yet. */
    static String text(Snapshot s) {
        StringBuilder sb = new StringBuilder();
        sb.append(s.unit()).append(' ').append(s.done()).append('/').append(s.total() < 0 ? "–" : s.total());
        if (s.rows() >= 0) {
            sb.append(" · ").append(s.elapsedMillis() > 0
                    ? String.format(Locale.ROOT, "%,d", Math.round(s.rows() * 1000.0 / s.elapsedMillis())) : "–")
                    .append(" rows/s");
        }
        sb.append(" · ").append(s.failed()).append(" failed · ");
        double f = s.completed();
        if (s.finished()) {
            sb.append("done in ").append(clock(s.elapsedMillis()));
        } else if (f > 0 && s.elapsedMillis() > 0) {
            sb.append('~').append(clock(Math.round(s.elapsedMillis() * (1 - f) / f))).append(" left");
        } else {
            sb.append("– left");
        }
        return sb.toString();
    }

    /** 0:42, 12:05, 1:02:03 (rounded to the second). */
    static String clock(long millis) {
        long s = (millis + 500) / 1000;
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }

    /**
     * Runs {@code call} on a virtual thread and, until it returns, calls {@code poll} every {@code every} on this
     * one; its exception is rethrown here.
     */
    public static <T> T whilePolling(Supplier<T> call, Duration every, Runnable poll) {
        CompletableFuture<T> run = CompletableFuture.supplyAsync(call, Thread::startVirtualThread);
        while (true) {
            try {
                return run.get(every.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException notYet) {
                poll.run();
            } catch (ExecutionException e) {
                if (e.getCause() instanceof RuntimeException re) {
                    throw re;
                }
                if (e.getCause() instanceof Error error) {
                    throw error;
                }
                throw new IllegalStateException(e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted");
            }
        }
    }
}
