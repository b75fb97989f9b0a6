package dev.canopy.pool;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.TreeSet;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
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
 *   <li><b>Retries.</b> Errors the {@code retryable} predicate accepts (throttling, 5xx, I/O), and
 *       timeouts, are retried in the same slot after exponential backoff with full jitter, up to
 *       {@code maxAttempts} calls; permanent errors are not retried.</li>
 *   <li><b>No zombie slots.</b> A call that exceeds {@code callTimeout} is interrupted, and its slot
 *       takes no new work until that call has really ended, so a slot is never handed out while it is
 *       still busy (Ray returns the actor to the pool on timeout even though it is still running).</li>
 *   <li><b>Cancellation and progress.</b> {@link #cancel()} interrupts running calls and turns waiting
 *       items into CANCELLED results; a progress listener sees every result as it completes.</li>
 * </ul>
 *
 * <pre>{@code
 * try (FunctionPool<String, Summary> pool = FunctionPool.<String, Summary>builder(6)
 *         .callTimeout(Duration.ofMinutes(2))
 *         .maxAttempts(3)
 *         .retryable(e -> e instanceof CanopyException c && c.retryable())
 *         .build((shard, slot, attempt) -> predictor.predict(shard, slot))) {
 *     for (PoolResult<String, Summary> r : pool.map(shards)) {   // submission order
 *         report(r.input(), r.state(), r.value(), r.error());
 *     }
 * }
 * }</pre>
 *
 * <p><b>Thread safety.</b> All methods may be called from any thread. {@link #map} and
 * {@link #mapUnordered} assume they are the pool's only user while they run. Results are delivered once:
 * an item returned by {@link #getNextUnordered()} is not returned again by {@link #getNext()}.
 *
 * @param <I> item type
 * @param <O> value type of a successful call
 */
public final class FunctionPool<I, O> implements AutoCloseable {

    /** Called on the worker's thread each time an item completes. */
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
        private Duration callTimeout;
        private int maxAttempts = 3;
        private Backoff backoff = Backoff.DEFAULT;
        private Predicate<Throwable> retryable = e -> false;
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

        /** Timeout of one call; null (the default) waits for ever. */
        public Builder<I, O> callTimeout(Duration timeout) {
            this.callTimeout = timeout;
            return this;
        }

        /** Calls in all for one item, first attempt included; default 3. */
        public Builder<I, O> maxAttempts(int attempts) {
            if (attempts < 1) {
                throw new IllegalArgumentException("maxAttempts must be at least 1: " + attempts);
            }
            this.maxAttempts = attempts;
            return this;
        }

        public Builder<I, O> backoff(Backoff backoff) {
            this.backoff = Objects.requireNonNull(backoff);
            return this;
        }

        /** Which errors are transient and worth another attempt; default: none. */
        public Builder<I, O> retryable(Predicate<Throwable> retryable) {
            this.retryable = Objects.requireNonNull(retryable);
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
    private final Duration callTimeout;
    private final int maxAttempts;
    private final Backoff backoff;
    private final Predicate<Throwable> retryable;
    private final ProgressListener<I, O> progress;
    private final PoolCall<I, O> call;

    private final BlockingQueue<Task<I>> queue;
    private final Thread[] workers;
    @SuppressWarnings("unchecked")
    private final FutureTask<O>[] running;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition completedSignal = lock.newCondition();
    /** Submitted and not yet handed back to the caller. */
    private final TreeSet<Long> outstanding = new TreeSet<>();
    /** Completed and not yet handed back, by index; {@link #completionOrder} keeps their order. */
    private final Map<Long, PoolResult<I, O>> completed = new HashMap<>();
    private final ArrayDeque<Long> completionOrder = new ArrayDeque<>();
    /** Items whose result has been decided (it may still be on its way to {@link #completed}). */
    private final java.util.Set<Long> completing = new java.util.HashSet<>();
    private long nextIndex;
    private long completedCount;

    private final AtomicInteger idle;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger peakInFlight = new AtomicInteger();
    private final AtomicLong calls = new AtomicLong();
    private volatile boolean cancelled;
    private volatile boolean closed;

    @SuppressWarnings("unchecked")
    private FunctionPool(Builder<I, O> b, PoolCall<I, O> call) {
        this.size = b.size;
        this.callTimeout = b.callTimeout;
        this.maxAttempts = b.maxAttempts;
        this.backoff = b.backoff;
        this.retryable = b.retryable;
        this.progress = b.progress;
        this.call = call;
        this.queue = new ArrayBlockingQueue<>(b.queueCapacity);
        this.running = new FutureTask[size];
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
        long index;
        lock.lock();
        try {
            if (closed) {
                throw new IllegalStateException("pool is closed");
            }
            index = nextIndex++;
            outstanding.add(index);
        } finally {
            lock.unlock();
        }
        if (cancelled) {
            complete(new PoolResult<>(index, input, CallState.CANCELLED, null, null, 0, 0, -1));
            return index;
        }
        try {
            queue.put(new Task<>(index, input));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            complete(new PoolResult<>(index, input, CallState.CANCELLED, null, e, 0, 0, -1));
        }
        return index;
    }

    /** Whether a submitted item would start at once: a slot is idle and nothing is waiting. */
    public boolean hasFree() {
        return idle.get() > 0 && queue.isEmpty() && !cancelled && !closed;
    }

    /** Whether some submitted item's result has not been handed back yet. */
    public boolean hasNext() {
        lock.lock();
        try {
            return !outstanding.isEmpty();
        } finally {
            lock.unlock();
        }
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
        return take(true, timeout);
    }

    /** The next result in completion order, waiting for one if needed. */
    public PoolResult<I, O> getNextUnordered() {
        try {
            return take(false, null);
        } catch (TimeoutException e) {
            throw new IllegalStateException(e);
        }
    }

    public PoolResult<I, O> getNextUnordered(Duration timeout) throws TimeoutException {
        return take(false, timeout);
    }

    private PoolResult<I, O> take(boolean ordered, Duration timeout) throws TimeoutException {
        long deadline = timeout == null ? 0 : System.nanoTime() + timeout.toNanos();
        lock.lock();
        try {
            while (true) {
                if (outstanding.isEmpty()) {
                    throw new NoSuchElementException("no outstanding items");
                }
                Long index = ordered ? outstanding.first() : completionOrder.peekFirst();
                if (index != null && completed.containsKey(index)) {
                    completionOrder.remove(index);
                    outstanding.remove(index);
                    completing.remove(index);
                    return completed.remove(index);
                }
                if (timeout == null) {
                    completedSignal.awaitUninterruptibly();
                } else {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        throw new TimeoutException("no result within " + timeout);
                    }
                    completedSignal.awaitNanos(left);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancellationException("interrupted while waiting for a result");
        } finally {
            lock.unlock();
        }
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
                complete(new PoolResult<>(t.index(), t.input(), CallState.CANCELLED, null, null, 0, 0, -1));
            }
        }
        for (int i = 0; i < poison; i++) {
            queue.offer(t(POISON)); // a close() in progress still needs its stop signals
        }
        for (FutureTask<O> f : running) {
            if (f != null) {
                f.cancel(true);
            }
        }
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
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
        } finally {
            lock.unlock();
        }
        for (int i = 0; i < size; i++) {
            try {
                queue.put((Task<I>) POISON);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                cancel();
                break;
            }
        }
        for (Thread w : workers) {
            try {
                w.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
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
                complete(run(task, slot));
            } finally {
                idle.incrementAndGet();
            }
        }
    }

    private PoolResult<I, O> run(Task<I> task, int slot) {
        long start = System.nanoTime();
        Throwable last = null;
        for (int attempt = 1; ; attempt++) {
            if (cancelled) {
                return result(task, CallState.CANCELLED, null, last, attempt - 1, start, slot);
            }
            int a = attempt;
            FutureTask<O> f = new FutureTask<>(() -> call.call(task.input(), slot, a));
            Thread t = Thread.ofVirtual().name("pool-call-" + slot + "-" + task.index()).unstarted(f);
            running[slot] = f;
            int now = inFlight.incrementAndGet();
            peakInFlight.accumulateAndGet(now, Math::max);
            calls.incrementAndGet();
            t.start();
            boolean timedOut = false;
            try {
                O value = callTimeout == null ? f.get() : f.get(callTimeout.toNanos(), TimeUnit.NANOSECONDS);
                return result(task, CallState.SUCCEEDED, value, null, attempt, start, slot);
            } catch (TimeoutException e) {
                timedOut = true;
                f.cancel(true);
                last = new TimeoutException("call exceeded " + callTimeout + " (attempt " + attempt + ")");
            } catch (CancellationException e) {
                last = e;
            } catch (ExecutionException e) {
                last = e.getCause();
            } catch (InterruptedException e) {
                f.cancel(true);
                last = e;
            } finally {
                // The slot is free only once the call has really ended: no zombie slot after a timeout.
                joinUninterruptibly(t);
                running[slot] = null;
                inFlight.decrementAndGet();
            }
            if (cancelled) {
                return result(task, CallState.CANCELLED, null, last, attempt, start, slot);
            }
            boolean again = timedOut || retryable.test(last);
            if (!again || attempt >= maxAttempts) {
                return result(task, timedOut ? CallState.TIMED_OUT : CallState.FAILED, null, last, attempt, start, slot);
            }
            if (!backoff.sleep(attempt)) {
                Thread.interrupted();
                return result(task, CallState.CANCELLED, null, last, attempt, start, slot);
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static <I> Task<I> t(Task<?> task) {
        return (Task<I>) task;
    }

    private static void joinUninterruptibly(Thread t) {
        boolean interrupted = false;
        while (true) {
            try {
                t.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private PoolResult<I, O> result(Task<I> t, CallState state, O value, Throwable error, int attempts, long start,
                                    int slot) {
        return new PoolResult<>(t.index(), t.input(), state, value, state == CallState.SUCCEEDED ? null : error,
                attempts, (System.nanoTime() - start) / 1_000_000, slot);
    }

    private void complete(PoolResult<I, O> r) {
        long done;
        long submitted;
        lock.lock();
        try {
            if (!outstanding.contains(r.index()) || !completing.add(r.index())) {
                return; // each item completes once
            }
            done = ++completedCount;
            submitted = nextIndex;
        } finally {
            lock.unlock();
        }
        // The listener runs before the result becomes visible, so a caller that has every result has
        // also seen every progress call.
        try {
            progress.onResult(r, done, submitted);
        } finally {
            lock.lock();
            try {
                completed.put(r.index(), r);
                completionOrder.addLast(r.index());
                completedSignal.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }
}
