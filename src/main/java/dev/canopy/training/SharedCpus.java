package dev.canopy.training;

import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntFunction;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * The process's CPUs, shared among the trainers running in it: each may use {@code CPUs / trainers running}
 * threads (at least one), asked again as it goes, so that a trainer that ends hands its CPUs to those still
 * running. On Lambda one trainer has its instance's CPUs; on one machine the tree's trainers split them, and the
 * one on the critical path (usually gradient boosting) is not starved by a forest that takes every core.
 *
 * <p>{@link #run} is the forest's loop over its trees; XGBoost's {@code nthread} follows {@link #threads()}
 * between rounds.
 */
final class SharedCpus {
    /** How long a thread over its trainer's share waits before asking again. */
    private static final long RECHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    private SharedCpus() {
    }

    /** Threads a trainer of this process may use now. */
    static int threads() {
        return Math.max(1, Runtime.getRuntime().availableProcessors() / TrainService.trainersRunning());
    }

    /**
     * Runs {@code task} for 0 … {@code tasks - 1} and returns the results in that order, on the calling thread and
     * up to CPUs − 1 helpers, of which only as many run a task at once as {@link #threads()} allows when each
     * task starts. The first failure stops the others from taking another task and is rethrown once every
     * thread has ended; so is an interrupt of the caller, as a {@link CancellationException}.
     */
    static <M> M[] run(int tasks, IntFunction<M> task, IntFunction<M[]> array) {
        return run(tasks, task, array, Runtime.getRuntime().availableProcessors(), SharedCpus::threads);
    }

    /** Two results, computed as {@link #run} computes two tasks: side by side when the trainer's share is two CPUs. */
    record Both<A, B>(A first, B second) {
    }

    /**
     * Both tasks, on the calling thread and one helper, whichever takes a task first, when the share allows two;
     * otherwise on the calling thread, {@code first} then {@code second}.
     */
    static <A, B> Both<A, B> both(Supplier<A> first, Supplier<B> second) {
        return both(first, second, Runtime.getRuntime().availableProcessors(), SharedCpus::threads);
    }

    @SuppressWarnings("unchecked")
    static <A, B> Both<A, B> both(Supplier<A> first, Supplier<B> second, int cpus, IntSupplier allowed) {
        Object[] done = run(2, i -> i == 0 ? first.get() : second.get(), Object[]::new, cpus, allowed);
        return new Both<>((A) done[0], (B) done[1]);
    }

    static <M> M[] run(int tasks, IntFunction<M> task, IntFunction<M[]> array, int cpus, IntSupplier allowed) {
        M[] out = array.apply(tasks);
        AtomicInteger next = new AtomicInteger();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread[] helpers = new Thread[Math.max(0, Math.min(cpus, tasks) - 1)];
        for (int h = 0; h < helpers.length; h++) {
            int worker = h + 1;
            helpers[h] = Thread.ofPlatform().daemon().name("forest-" + worker)
                    .start(() -> work(worker, tasks, task, out, next, failure, allowed));
        }
        work(0, tasks, task, out, next, failure, allowed);
        boolean interrupted = false;
        for (Thread h : helpers) {
            // bounded: a helper ends after its current task once every task is taken or one failed
            while (h.isAlive()) {
                try {
                    h.join();
                } catch (InterruptedException e) {
                    interrupted = true;
                    failure.compareAndSet(null, new CancellationException("interrupted"));
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return switch (failure.get()) {
            case null -> out;
            case RuntimeException r -> throw r;
            case Error e -> throw e;
            // a checked exception thrown past the compiler (IntFunction declares none): never a silent null result
            case Throwable t -> throw new IllegalStateException("a task failed: " + t, t);
        };
    }

    private static <M> void work(int worker, int tasks, IntFunction<M> task, M[] out, AtomicInteger next,
                                 AtomicReference<Throwable> failure, IntSupplier allowed) {
        while (failure.get() == null && next.get() < tasks) {
            if (worker == 0 && Thread.currentThread().isInterrupted()) {
                failure.compareAndSet(null, new CancellationException("interrupted"));
                return;
            }
            if (worker > 0 && worker >= allowed.getAsInt()) {
                // over this trainer's share for now: the caller's thread (worker 0) always goes on
                LockSupport.parkNanos(RECHECK_NANOS);
                continue;
            }
            int t = next.getAndIncrement();
            if (t >= tasks) {
                return;
            }
            try {
                out[t] = task.apply(t);
            } catch (Throwable e) {
                failure.compareAndSet(null, e);
                return;
            }
        }
    }
}
