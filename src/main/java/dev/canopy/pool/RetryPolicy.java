package dev.canopy.pool;

import io.smallrye.faulttolerance.api.CustomBackoffStrategy;
import io.smallrye.faulttolerance.api.Guard;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * The retry and timeout policy of one kind of call, and the one place where Canopy's retry rule is
 * written down.
 *
 * <h2>Which layer retries what</h2>
 * <ul>
 *   <li><b>The transport makes exactly one attempt.</b> {@code LambdaFunctionInvoker} sends one request on a
 *       client whose SDK retries are off, and turns every failure into a {@code FunctionInvocationException}
 *       whose {@code outcome()} says what is known of the call: THROTTLED (429) and SERVICE_ERROR (5xx) and
 *       UNREACHABLE (never sent) are transient; CLIENT_ERROR (other 4xx) is permanent; FUNCTION_ERROR is the
 *       function's own answer, transient or not by its error type; NO_RESPONSE (read timeout, connection
 *       broken after sending) means the function may still be running. The local invoker makes one
 *       in-process call (a failure is a FUNCTION_ERROR). Neither ever sends a request twice, and neither has
 *       an attempts setting.</li>
 *   <li><b>The caller's policy retries the call</b>, here, with SmallRye Fault Tolerance: a
 *       {@link FunctionPool} retries one item (a shard) in the slot that ran it, up to {@link #maxAttempts()}
 *       calls in all, with {@link Backoff}'s full-jitter exponential backoff between them, when
 *       {@code retryable} accepts the error; the supervisor's trainers (and a search's trials) run in a pool
 *       too, classified by {@code FunctionInvocationException.invocationFault} and {@code noResponse}. One call
 *       path has one policy, so a call is made at most {@code maxAttempts} times: nothing nests. The count is a
 *       batch-predict request's {@code maxAttempts} (default {@value #DEFAULT_MAX_ATTEMPTS}) for shards, and
 *       {@value #DEFAULT_MAX_ATTEMPTS} for the supervisor's trainers.</li>
 *   <li><b>Timeouts are retried only for idempotent calls.</b> A call that exceeded {@link #callTimeout()},
 *       or failed with an error {@code timeouts} recognises (the transport's NO_RESPONSE), may still be
 *       running. It is retried only when {@link Builder#retryTimeouts(boolean)} says the call is idempotent:
 *       a second run must do no harm while the first may still be going. {@code predict} with its
 *       deterministic output name is idempotent (a repeated run overwrites the same object with the same
 *       bytes), so batch prediction enables it; a trainer is not retried on a timeout.</li>
 *   <li>An interrupted or cancelled call is never retried.</li>
 * </ul>
 *
 * <h2>What SmallRye does and what this class does</h2>
 * SmallRye Fault Tolerance's {@link Guard} makes the retries: the attempt count, the {@code retryable}
 * decision and the waits, through its custom backoff hook fed by {@link Backoff}. Every attempt runs on the
 * calling thread (a pool slot), one after the other. The per-attempt timeout is this class's own small
 * watchdog, not SmallRye's timeout: with a synchronous guard, SmallRye 6.10 completes a timed-out attempt
 * from its timer thread, and when that happens after the attempt has returned, the retry loop continues on
 * the timer thread while the caller only waits for it. The next attempt would then run outside its slot
 * and out of reach of the pool's cancel, which interrupts the slot's thread. The watchdog interrupts the
 * attempt's thread when the time is up, and {@link #call} returns only once the attempt has really ended,
 * even if it ignores the interrupt; the attempt number passed to the call is counted here too.
 *
 * <p>Instances are immutable and thread-safe; one policy serves any number of concurrent calls.
 */
public final class RetryPolicy {

    /** Calls in all for one item when the caller does not say otherwise. */
    public static final int DEFAULT_MAX_ATTEMPTS = 3;

    /** One attempt of a call; {@code attempt} counts from 1. */
    @FunctionalInterface
    public interface Attempt<T> {
        T run(int attempt) throws Exception;
    }

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {
        private int maxAttempts = DEFAULT_MAX_ATTEMPTS;
        private Backoff backoff = Backoff.DEFAULT;
        private Predicate<Throwable> retryable = e -> false;
        private Predicate<Throwable> timeouts = e -> false;
        private boolean retryTimeouts;
        private Duration callTimeout;
        private String description = "canopy call";

        private Builder() {
        }

        /** Calls in all, first attempt included; default {@value #DEFAULT_MAX_ATTEMPTS}. */
        public Builder maxAttempts(int attempts) {
            if (attempts < 1) {
                throw new IllegalArgumentException("maxAttempts must be at least 1: " + attempts);
            }
            this.maxAttempts = attempts;
            return this;
        }

        public Builder backoff(Backoff backoff) {
            this.backoff = Objects.requireNonNull(backoff);
            return this;
        }

        /** Which errors are transient, and the call certainly safe to make again; default: none. */
        public Builder retryable(Predicate<Throwable> retryable) {
            this.retryable = Objects.requireNonNull(retryable);
            return this;
        }

        /**
         * Errors that, like the per-call timeout, leave the call possibly still running (a transport's read
         * timeout); they follow {@link #retryTimeouts(boolean)}, not {@link #retryable}. Default: none.
         */
        public Builder timeouts(Predicate<Throwable> timeouts) {
            this.timeouts = Objects.requireNonNull(timeouts);
            return this;
        }

        /**
         * Whether a call that timed out, and may still be running, is made again. Set it only for idempotent
         * calls. Default false.
         */
        public Builder retryTimeouts(boolean retry) {
            this.retryTimeouts = retry;
            return this;
        }

        /** Timeout of one attempt; null (the default) waits for ever. */
        public Builder callTimeout(Duration timeout) {
            if (timeout != null && timeout.toMillis() < 1) {
                throw new IllegalArgumentException("callTimeout must be at least 1 ms: " + timeout);
            }
            this.callTimeout = timeout;
            return this;
        }

        /** Names the calls in SmallRye's log lines. */
        public Builder description(String description) {
            this.description = Objects.requireNonNull(description);
            return this;
        }

        public RetryPolicy build() {
            return new RetryPolicy(this);
        }
    }

    private final int maxAttempts;
    private final Backoff backoff;
    private final Predicate<Throwable> retryable;
    private final Predicate<Throwable> timeouts;
    private final boolean retryTimeouts;
    private final Duration callTimeout;
    private final Guard guard;

    private RetryPolicy(Builder b) {
        this.maxAttempts = b.maxAttempts;
        this.backoff = b.backoff;
        this.retryable = b.retryable;
        this.timeouts = b.timeouts;
        this.retryTimeouts = b.retryTimeouts;
        this.callTimeout = b.callTimeout;
        Guard.Builder g = Guard.create().withDescription(b.description)
                .withRetry()
                .maxRetries(maxAttempts - 1)
                // the backoff alone decides the waits; SmallRye's default 200 ms jitter and 3-minute cap on
                // the whole retry sequence would cut retries of long calls short
                .delay(0, ChronoUnit.MILLIS)
                .jitter(0, ChronoUnit.MILLIS)
                .maxDuration(0, ChronoUnit.MILLIS)
                .whenException(this::retries)
                .withCustomBackoff().strategy(() -> new FullJitter(backoff)).done()
                .done();
        this.guard = g.build();
    }

    public int maxAttempts() {
        return maxAttempts;
    }

    public Duration callTimeout() {
        return callTimeout;
    }

    public boolean retryTimeouts() {
        return retryTimeouts;
    }

    /**
     * Runs {@code attempt} until it succeeds, fails with an error this policy does not retry, or has been
     * made {@link #maxAttempts()} times, and returns its value or throws its last error. A timeout is thrown
     * as {@link TimeoutException}.
     */
    public <T> T call(Attempt<T> attempt) throws Exception {
        return call(attempt, () -> false);
    }

    /**
     * As {@link #call(Attempt)}, for a caller that cancels by interrupting: {@code cancelled} says whether
     * it has. A timeout's own interrupt is cleared when the attempt ends; a cancel's interrupt that arrived
     * meanwhile is indistinguishable from it, so it is set again when {@code cancelled} holds.
     */
    public <T> T call(Attempt<T> attempt, java.util.function.BooleanSupplier cancelled) throws Exception {
        AtomicInteger n = new AtomicInteger();
        @SuppressWarnings("unchecked")
        T value = (T) guard.call(() -> timed(attempt, n.incrementAndGet(), cancelled), Object.class);
        return value;
    }

    /** Whether {@code e} leaves the call possibly still running: a timeout of this policy or of the transport. */
    public boolean isTimeout(Throwable e) {
        return e instanceof TimeoutException || timeouts.test(e);
    }

    /** One attempt under the per-attempt timeout, on the calling thread. */
    private <T> T timed(Attempt<T> attempt, int n, java.util.function.BooleanSupplier cancelled) throws Exception {
        if (callTimeout == null) {
            return attempt.run(n);
        }
        Watchdog watchdog = new Watchdog(Thread.currentThread());
        ScheduledFuture<?> alarm = Watchdog.TIMER.schedule(watchdog::expire, callTimeout.toNanos(), TimeUnit.NANOSECONDS);
        T value;
        try {
            value = attempt.run(n);
        } catch (Exception e) {
            if (finish(watchdog, alarm, cancelled)) {
                throw timeout(n, e);
            }
            throw e;
        }
        if (finish(watchdog, alarm, cancelled)) {
            throw timeout(n, null);
        }
        return value;
    }

    private static boolean finish(Watchdog watchdog, ScheduledFuture<?> alarm, java.util.function.BooleanSupplier cancelled) {
        boolean expired = watchdog.finish(alarm);
        if (expired && cancelled.getAsBoolean()) {
            Thread.currentThread().interrupt(); // the cancel's interrupt, cleared with the timeout's
        }
        return expired;
    }

    private TimeoutException timeout(int attempt, Throwable cause) {
        TimeoutException t = new TimeoutException("call exceeded " + callTimeout + " (attempt " + attempt + ")");
        t.initCause(cause);
        return t;
    }

    /** Interrupts one attempt's thread when its time is up, unless the attempt has finished first. */
    private static final class Watchdog {
        static final ScheduledThreadPoolExecutor TIMER = timer();

        private final Thread thread;
        private boolean finished;
        private boolean expired;

        Watchdog(Thread thread) {
            this.thread = thread;
        }

        private static ScheduledThreadPoolExecutor timer() {
            ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1,
                    Thread.ofPlatform().daemon().name("canopy-call-timeout").factory());
            t.setRemoveOnCancelPolicy(true);
            return t;
        }

        synchronized void expire() {
            if (!finished) {
                expired = true;
                thread.interrupt();
            }
        }

        /**
         * Ends the watch; returns whether the attempt timed out. Called on the attempt's thread: once it
         * returns, no interrupt from this watchdog can arrive, so clearing the one that did is safe.
         */
        boolean finish(ScheduledFuture<?> alarm) {
            alarm.cancel(false);
            synchronized (this) {
                finished = true;
                if (expired) {
                    Thread.interrupted();
                }
                return expired;
            }
        }
    }

    /** The decision after a failed attempt (SmallRye asks it before each retry). */
    private boolean retries(Throwable e) {
        if (e instanceof InterruptedException || e instanceof CancellationException) {
            return false;
        }
        return isTimeout(e) ? retryTimeouts : retryable.test(e);
    }

    /** {@link Backoff}'s full jitter as SmallRye's custom backoff: one instance per call counts its retries. */
    private static final class FullJitter implements CustomBackoffStrategy {
        private final Backoff backoff;
        private int retry;

        FullJitter(Backoff backoff) {
            this.backoff = backoff;
        }

        @Override
        public long nextDelayInMillis(Throwable cause) {
            return backoff.delay(++retry).toMillis();
        }
    }
}
