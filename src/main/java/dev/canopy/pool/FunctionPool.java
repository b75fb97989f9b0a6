package dev.canopy.pool;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * A bounded pool of N slots that runs one call per slot at a time: Ray's {@code ActorPool}, with its
 * known flaws fixed.
 *
 * <ul>
 *   <li><b>Bounded.</b> At most {@code size} calls are in flight, retries included, and at most
 *       {@code queueCapacity} items wait; {@link #submit} blocks while the queue is full (backpressure)
 *       instead of growing an unbounded pending list.</li>
 *   <li><b>Nothing is lost.</b> Every submitted item yields exactly one {@link PoolResult}: SUCCEEDED,
 *       FAILED, TIMED_OUT or CANCELLED. A failing item never turns into an exception that loses the
 *       others.</li>
 *   <li><b>Retries</b> follow the item's {@link RetryPolicy} (SmallRye Fault Tolerance), whose Javadoc is
 *       the one statement of which layer retries what: errors the {@code retryable} predicate accepts
 *       (throttling, 5xx, I/O) are retried in the same slot after exponential backoff with full jitter, up
 *       to {@code maxAttempts} calls; permanent errors are not retried; timeouts only when
 *       {@link Builder#retryTimeouts(boolean)} declares the call idempotent.</li>
 *   <li><b>No zombie slots.</b> A call runs on its slot's own thread. One that exceeds
 *       {@code callTimeout} is interrupted, and the slot takes no new work (and makes no new attempt)
 *       until that call has really ended, so a slot is never handed out while it is still busy (Ray
 *       returns the actor to the pool on timeout even though it is still running).</li>
 *   <li><b>Cancellation and progress.</b> {@link #cancel()} interrupts running calls and turns waiting
 *       items into CANCELLED results; a progress listener sees every result as it completes. A cancel
 *       interrupts only a slot that is running an item, never one that has moved on to the next.</li>
 * </ul>
 *
 * <pre>{@code
 * try (FunctionPool<String, Summary> pool = FunctionPool.<String, Summary>builder(6)
 *         .callTimeout(Duration.ofMinutes(2))
 *         .maxAttempts(3)
 *         .retryable(e -> e instanceof CanopyException c && c.retryable())
 *         .retryTimeouts(true)   // only because predict is idempotent
 *         .build((shard, slot, attempt) -> predictor.predict(shard, slot))) {
 *     for (PoolResult<String, Summary> r : pool.map(shards)) {   // submission order
 *         report(r.input(), r.state(), r.value(), r.error());
 *     }
 *     pool.mapUnordered(moreShards).forEach(r -> report(...)); // completion order: each as it ends
 *     pool.submit(lastShard);                                    // one item, as ActorPool.submit
 *     try {
 *         report(pool.getNext(Duration.ofSeconds(30)));          // submission order, waiting at most 30 s
 *     } catch (TimeoutException notYet) {
 *         // the item stays outstanding, nothing is lost: ask again later
 *     }
 * }
 * }</pre>
 *
 * <p><b>Thread safety.</b> All methods may be called from any thread. {@link #map} and
 * {@link #mapUnordered} assume they are the pool's only user while they run. Results are delivered once:
 * an item returned by {@link #getNextUnordered()} is not returned again by {@link #getNext()}.
 *
 * <p><b>Why one class of this length.</b> The items' book-keeping from submission to hand-back (results,
 * their order, progress calls, closing, the Error that ends the pool) is {@link ResultQueue}'s, under its
 * own lock. What stays here is the slots and the queue of waiting items, one protocol: {@link #submit},
 * {@link #cancel()}, {@link #close()} and the slot loop hand items, stop signals and interrupts to each other
 * through the queue, {@code cancelled} and the {@code busy} marks, and split apart they could not be read
 * as one; the public {@link Builder} makes up the rest.
 *
 * @param <I> item type
 * @param <O> value type of a successful call
 */
public final class FunctionPool<I, O> implements AutoCloseable {

    /**
     * Called each time an item completes, on the thread that completed it. Calls come one at a time, in
     * completion order (the order {@link #getNextUnordered()} hands results out), so a listener needs no
     * synchronisation of its own; it must not wait on the pool ({@code submit}, {@code getNext}...).
     */
    @FunctionalInterface
    public interface ProgressListener<I, O> {
        void onResult(PoolResult<I, O> result, long completed, long submitted);
    }

    public static <I, O> Builder<I, O> builder(int size) {
        return new Builder<>(size);
    }

    /** Settings of a pool; {@code size} is the only required one. */
    public static final class Builder<I, O> {
        private final int size;
        private int queueCapacity;
        private final RetryPolicy.Builder retry = RetryPolicy.builder().description("function pool call");
        private ProgressListener<I, O> progress = (r, c, s) -> {
        };

        private Builder(int size) {
            if (size < 1) {
                throw new IllegalArgumentException("pool size must be at least 1: " + size);
            }
            this.size = size;
            this.queueCapacity = size;
        }

        /** Items that may wait for a slot before {@link #submit} blocks; default: the pool size. */
        public Builder<I, O> queueCapacity(int capacity) {
            if (capacity < 1) {
                throw new IllegalArgumentException("queue capacity must be at least 1: " + capacity);
            }
            this.queueCapacity = capacity;
            return this;
        }

        /** Timeout of one call; null (the default) waits for ever. See {@link RetryPolicy.Builder#callTimeout}. */
        public Builder<I, O> callTimeout(Duration timeout) {
            retry.callTimeout(timeout);
            return this;
        }

        /** Calls in all for one item, first attempt included; default 3. */
        public Builder<I, O> maxAttempts(int attempts) {
            retry.maxAttempts(attempts);
            return this;
        }

        public Builder<I, O> backoff(Backoff backoff) {
            retry.backoff(backoff);
            return this;
        }

        /** Which errors are transient and worth another attempt; default: none. */
        public Builder<I, O> retryable(Predicate<Throwable> retryable) {
            retry.retryable(retryable);
            return this;
        }

        /** Errors that leave the call possibly still running, as a timeout does; see {@link RetryPolicy.Builder#timeouts}. */
        public Builder<I, O> timeouts(Predicate<Throwable> timeouts) {
            retry.timeouts(timeouts);
            return this;
        }

        /**
         * Whether a timed-out item, whose call may still be running, is tried again; only for idempotent
         * calls. Default false: the item ends TIMED_OUT.
         */
        public Builder<I, O> retryTimeouts(boolean retryTimeouts) {
            retry.retryTimeouts(retryTimeouts);
            return this;
        }

        public Builder<I, O> progress(ProgressListener<I, O> progress) {
            this.progress = Objects.requireNonNull(progress);
            return this;
        }

        public FunctionPool<I, O> build(PoolCall<I, O> call) {
            return new FunctionPool<>(this, Objects.requireNonNull(call));
        }
    }

    private record Task<I>(long index, I input) {
    }

    private static final Task<?> POISON = new Task<>(-1, null);

    private final int size;
    private final RetryPolicy policy;
    private final PoolCall<I, O> call;

    private final BlockingQueue<Task<I>> queue;
    private final Thread[] workers;
    /**
     * Which slots are running an item (calls and backoff waits included); guarded by its own monitor. A
     * slot checks {@link #cancelled} and marks itself busy in one step, and {@link #cancel()} interrupts only
     * slots marked busy, under the same monitor: so a cancel either finds the slot busy and interrupts it,
     * or the slot sees the cancel before its call starts; and a slot that has moved on is never interrupted.
     */
    private final boolean[] busy;

    private final AtomicInteger idle;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger peakInFlight = new AtomicInteger();
    private final AtomicLong calls = new AtomicLong();
    private volatile boolean cancelled;
    /** The items from submission to hand-back, closing and the pool's Error: the pool's other half. */
    private final ResultQueue<I, O> results;

    private FunctionPool(Builder<I, O> b, PoolCall<I, O> call) {
        this.size = b.size;
        this.policy = b.retry.build();
        this.results = new ResultQueue<>(b.progress);
        this.call = call;
        this.queue = new ArrayBlockingQueue<>(b.queueCapacity);
        this.busy = new boolean[size];
        this.idle = new AtomicInteger(size);
        this.workers = new Thread[size];
        for (int s = 0; s < size; s++) {
            int slot = s;
            workers[s] = Thread.ofVirtual().name("pool-slot-" + s).start(() -> work(slot));
        }
    }

    public int size() {
        return size;
    }

    /**
     * Queues one item and returns its submission index. Blocks while the queue is full. After
     * {@link #cancel()} the item completes at once as CANCELLED.
     *
     * @throws IllegalStateException after {@link #close()}
     */
    public long submit(I input) {
        long index = results.register();
        if (cancelled) {
            results.complete(new PoolResult<>(index, input, CallState.CANCELLED, null, null, 0, 0, -1));
            return index;
        }
        try {
            queue.put(new Task<>(index, input));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            results.complete(new PoolResult<>(index, input, CallState.CANCELLED, null, e, 0, 0, -1));
            return index;
        }
        // a cancel (an Error ending the pool, say) that drained the queue between the check above and this put
        // would leave the item there with no slot to take it: drain again
        if (cancelled) {
            cancel();
        }
        return index;
    }

    /** Whether a submitted item would start at once: a slot is idle and nothing is waiting. */
    public boolean hasFree() {
        return idle.get() > 0 && queue.isEmpty() && !cancelled && !results.closed();
    }

    /** Whether some submitted item's result has not been handed back yet. */
    public boolean hasNext() {
        return results.hasNext();
    }

    /** The next result in submission order, waiting for it if needed. */
    public PoolResult<I, O> getNext() {
        try {
            return getNext(null);
        } catch (TimeoutException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The next result in submission order, waiting at most {@code timeout}. On timeout the item stays
     * outstanding (it is not lost, and its slot is untouched); ask again later.
     */
    public PoolResult<I, O> getNext(Duration timeout) throws TimeoutException {
        return results.take(true, timeout);
    }

    /** The next result in completion order, waiting for one if needed. */
    public PoolResult<I, O> getNextUnordered() {
        try {
            return results.take(false, null);
        } catch (TimeoutException e) {
            throw new IllegalStateException(e);
        }
    }

    public PoolResult<I, O> getNextUnordered(Duration timeout) throws TimeoutException {
        return results.take(false, timeout);
    }

    /** Runs every input and returns the results in submission order. */
    public List<PoolResult<I, O>> map(Iterable<I> inputs) {
        return drive(inputs, true);
    }

    /** Runs every input and returns the results in completion order. */
    public List<PoolResult<I, O>> mapUnordered(Iterable<I> inputs) {
        return drive(inputs, false);
    }

    private List<PoolResult<I, O>> drive(Iterable<I> inputs, boolean ordered) {
        List<PoolResult<I, O>> out = new ArrayList<>();
        Iterator<I> it = inputs.iterator();
        while (it.hasNext()) {
            // Collect before submitting into a full queue, so this thread never blocks while results wait.
            while (queue.remainingCapacity() == 0 && hasNext()) {
                out.add(ordered ? getNext() : getNextUnordered());
            }
            submit(it.next());
        }
        while (hasNext()) {
            out.add(ordered ? getNext() : getNextUnordered());
        }
        return out;
    }

    /**
     * Cancels the pool: waiting items and items submitted from now on complete as CANCELLED, and running
     * calls are interrupted (their items complete as CANCELLED unless they finish first).
     */
    public void cancel() {
        cancelled = true;
        List<Task<I>> waiting = new ArrayList<>();
        queue.drainTo(waiting);
        int poison = 0;
        for (Task<I> t : waiting) {
            if (t == POISON) {
                poison++;
            } else {
                results.complete(new PoolResult<>(t.index(), t.input(), CallState.CANCELLED, null, null, 0, 0, -1));
            }
        }
        for (int i = 0; i < poison; i++) {
            queue.offer(t(POISON)); // a close() in progress still needs its stop signals
        }
        synchronized (busy) {
            for (int s = 0; s < size; s++) {
                if (busy[s]) {
                    workers[s].interrupt();
                }
            }
        }
    }

    /** How many progress calls threw, and the first exception (null if none): they never end a slot. */
    public long listenerFailures() {
        return results.listenerFailures();
    }

    public RuntimeException listenerError() {
        return results.listenerError();
    }

    /** The most calls that were ever in flight at once (never more than {@link #size()}). */
    public int peakInFlight() {
        return peakInFlight.get();
    }

    /** Calls made so far, retries included. */
    public long calls() {
        return calls.get();
    }

    /** Waits for queued and running items to finish, then stops the slots. Results stay collectable. */
    @Override
    @SuppressWarnings("unchecked")
    public void close() {
        if (!results.close()) {
            return;
        }
        // An interrupt cancels the items, but every slot still gets its stop signal and is waited for: a
        // slot left parked on the queue would never end.
        boolean interrupted = false;
        for (int i = 0; i < size; i++) {
            while (true) {
                try {
                    if (queue.offer((Task<I>) POISON, 50, java.util.concurrent.TimeUnit.MILLISECONDS)) {
                        break;
                    }
                    // A slot that an Error ended takes nothing more: an item submitted as it ended would fill
                    // the queue for ever. Once the pool has failed, what still waits is cancelled instead.
                    if (results.failed()) {
                        cancel();
                    }
                } catch (InterruptedException e) {
                    interrupted = true;
                    cancel();
                }
            }
        }
        for (Thread w : workers) {
            while (true) {
                try {
                    w.join();
                    break;
                } catch (InterruptedException e) {
                    if (!interrupted) {
                        interrupted = true;
                        cancel();
                    }
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    // ---- slot loop ----------------------------------------------------------------------------

    private void work(int slot) {
        while (true) {
            Task<I> task;
            try {
                task = queue.take();
            } catch (InterruptedException e) {
                continue; // slots are never interrupted while idle on purpose; keep serving until POISON
            }
            if (task == POISON) {
                return;
            }
            idle.decrementAndGet();
            try {
                results.complete(run(task, slot));
            } catch (Error e) {
                // an OutOfMemoryError or the like is no item's result: it ends the pool, and the caller hears it
                results.fail(e);
                cancel();
                return;
            } finally {
                idle.incrementAndGet();
            }
        }
    }

    private PoolResult<I, O> run(Task<I> task, int slot) {
        long start = System.nanoTime();
        synchronized (busy) {
            if (cancelled) {
                return result(task, CallState.CANCELLED, null, null, 0, start, slot);
            }
            busy[slot] = true;
        }
        int[] attempts = {0}; // written and read on this slot's thread only: SmallRye runs a synchronous call in place
        try {
            O value = policy.call(attempt -> {
                if (cancelled) {
                    throw new CancellationException("pool cancelled before attempt " + attempt);
                }
                attempts[0] = attempt;
                peakInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
                calls.incrementAndGet();
                try {
                    return call.call(task.input(), slot, attempt);
                } finally {
                    inFlight.decrementAndGet();
                }
            }, () -> cancelled);
            return result(task, CallState.SUCCEEDED, value, null, attempts[0], start, slot);
        } catch (Exception e) {
            // every item ends as a result, whatever exception its call threw; an Error ends the pool (work())
            CallState state = cancelled ? CallState.CANCELLED : policy.isTimeout(e) ? CallState.TIMED_OUT : CallState.FAILED;
            return result(task, state, null, e, attempts[0], start, slot);
        } finally {
            synchronized (busy) {
                busy[slot] = false;
            }
            // no cancel() can interrupt this slot any more; clear one that came after the call ended
            Thread.interrupted();
        }
    }

    @SuppressWarnings("unchecked")
    private static <I> Task<I> t(Task<?> task) {
        return (Task<I>) task;
    }

    private PoolResult<I, O> result(Task<I> t, CallState state, O value, Throwable error, int attempts, long start,
                                    int slot) {
        return new PoolResult<>(t.index(), t.input(), state, value, state == CallState.SUCCEEDED ? null : error,
                attempts, (System.nanoTime() - start) / 1_000_000, slot);
    }
}
