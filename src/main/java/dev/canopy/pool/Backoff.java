package dev.canopy.pool;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with full jitter (AWS Architecture Blog, "Exponential Backoff and Jitter"): the wait
 * before retry {@code n} is uniform in {@code [0, min(cap, base * 2^(n-1))]}. Full jitter spreads retries
 * of many throttled callers instead of having them collide again in lockstep. {@link RetryPolicy} hands it
 * to SmallRye Fault Tolerance as a custom backoff.
 */
public record Backoff(Duration base, Duration cap) {

    public static final Backoff DEFAULT = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(5));
    /** No wait between attempts: for tests, which synchronise on latches rather than on time. */
    public static final Backoff NONE = new Backoff(Duration.ZERO, Duration.ZERO);

    /** The wait before retry number {@code retry} (1 for the first retry). */
    public Duration delay(int retry) {
        long ceiling = Math.min(cap.toMillis(), base.toMillis() << Math.min(30, Math.max(0, retry - 1)));
        return Duration.ofMillis(ThreadLocalRandom.current().nextLong(ceiling + 1));
    }
}
