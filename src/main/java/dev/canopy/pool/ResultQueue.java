package dev.canopy.pool;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A {@link FunctionPool}'s items from submission to hand-back: which are outstanding (submitted, their result
 * not handed back yet), which have completed and in which order, the progress listener's calls, whether the
 * pool still takes items, and the Error that ended it. One lock guards all of it; a second one is held through
 * each completion, so that progress calls and the visibility of results follow one order. The slots and the
 * items waiting for them are the pool's: this class knows nothing of them.
 */
final class ResultQueue<I, O> {
    private final FunctionPool.ProgressListener<I, O> progress;
    private final ReentrantLock lock = new ReentrantLock();
    /** Held through one completion: progress calls and the visibility of results follow one order. */
    private final ReentrantLock completion = new ReentrantLock();
    private final Condition completedSignal = lock.newCondition();
    /** Submitted and not yet handed back to the caller. */
    private final TreeSet<Long> outstanding = new TreeSet<>();
    /** Completed and not yet handed back, by index; {@link #completionOrder} keeps their order. */
    private final Map<Long, PoolResult<I, O>> completed = new HashMap<>();
    private final ArrayDeque<Long> completionOrder = new ArrayDeque<>();
    /** Items whose result has been decided (it may still be on its way to {@link #completed}). */
    private final Set<Long> completing = new HashSet<>();
    private long nextIndex;
    private long completedCount;
    /** Written under the lock; read without it where a stale answer is harmless ({@link FunctionPool#hasFree}). */
    private volatile boolean closed;
    /** The Error that ended a slot, which ends the pool. */
    private Error fatal;
    private final AtomicLong listenerFailures = new AtomicLong();
    private final AtomicReference<RuntimeException> listenerError = new AtomicReference<>();

    ResultQueue(FunctionPool.ProgressListener<I, O> progress) {
        this.progress = progress;
    }

    /**
     * A new item's submission index; the item is outstanding from now on.
     *
     * @throws IllegalStateException once {@link #close() closed}
     */
    long register() {
        lock.lock();
        try {
            if (closed) {
                throw new IllegalStateException("pool is closed");
            }
            long index = nextIndex++;
            outstanding.add(index);
            return index;
        } finally {
            lock.unlock();
        }
    }

    /** Takes no more items; false if it was closed already. */
    boolean close() {
        lock.lock();
        try {
            if (closed) {
                return false;
            }
            closed = true;
            return true;
        } finally {
            lock.unlock();
        }
    }

    boolean closed() {
        return closed;
    }

    /** Whether some submitted item's result has not been handed back yet. */
    boolean hasNext() {
        lock.lock();
        try {
            return !outstanding.isEmpty();
        } finally {
            lock.unlock();
        }
    }

    /**
     * The next result, in submission order ({@code ordered}) or in completion order, waiting at most
     * {@code timeout} (null: for ever). On timeout the item stays outstanding.
     */
    PoolResult<I, O> take(boolean ordered, Duration timeout) throws TimeoutException {
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
                if (fatal != null) {
                    throw new IllegalStateException("the pool stopped: a slot ended with " + fatal
                            + "; the batch cannot complete", fatal);
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

    /** Records an item's result, once: a second result for the same item is dropped. */
    void complete(PoolResult<I, O> r) {
        completion.lock();
        try {
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
            } catch (RuntimeException e) {
                // a listener's failure is not the item's: the result stands, and the slot keeps serving
                listenerFailures.incrementAndGet();
                listenerError.compareAndSet(null, e);
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
        } finally {
            completion.unlock();
        }
    }

    /** Ends the pool with the first Error a slot ended with: a waiting {@link #take} throws it. */
    void fail(Error e) {
        lock.lock();
        try {
            if (fatal == null) {
                fatal = e;
            }
            completedSignal.signalAll();
        } finally {
            lock.unlock();
        }
    }

    boolean failed() {
        lock.lock();
        try {
            return fatal != null;
        } finally {
            lock.unlock();
        }
    }

    long listenerFailures() {
        return listenerFailures.get();
    }

    RuntimeException listenerError() {
        return listenerError.get();
    }
}
