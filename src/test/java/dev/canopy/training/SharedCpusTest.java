package dev.canopy.training;

import org.junit.jupiter.api.Test;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A forest's trees on its share of the CPUs: every tree once, in seed order, never more at once than the share. */
class SharedCpusTest {

    /** Runs {@code tasks} tasks of {@code millis} each, recording the most that ran at once. */
    private static int mostAtOnce(int tasks, int cpus, java.util.function.IntSupplier allowed, long millis) {
        AtomicInteger running = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        SharedCpus.run(tasks, t -> {
            most.accumulateAndGet(running.incrementAndGet(), Math::max);
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            running.decrementAndGet();
            return t;
        }, Integer[]::new, cpus, allowed);
        return most.get();
    }

    @Test
    void everyTaskRunsOnceAndTheResultsKeepTheirOrder() {
        AtomicIntegerArray runs = new AtomicIntegerArray(50);
        Integer[] out = SharedCpus.run(50, t -> {
            runs.incrementAndGet(t);
            return t * 2;
        }, Integer[]::new, 4, () -> 4);
        Integer[] expected = new Integer[50];
        for (int t = 0; t < 50; t++) {
            expected[t] = t * 2;
            assertEquals(1, runs.get(t), "task " + t);
        }
        assertArrayEquals(expected, out);
    }

    @Test
    void noMoreRunAtOnceThanTheShareAllowsAndAGrowingShareIsTaken() {
        assertEquals(1, mostAtOnce(12, 4, () -> 1, 10), "a share of one CPU");
        assertTrue(mostAtOnce(12, 4, () -> 2, 10) <= 2, "a share of two");
        // the share grows from 1 to 3 once the first tasks are done: the waiting helpers join in
        AtomicInteger done = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        AtomicInteger running = new AtomicInteger();
        SharedCpus.run(40, t -> {
            most.accumulateAndGet(running.incrementAndGet(), Math::max);
            try {
                Thread.sleep(15);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            running.decrementAndGet();
            return done.incrementAndGet();
        }, Integer[]::new, 4, () -> done.get() < 4 ? 1 : 3);
        assertTrue(most.get() >= 2 && most.get() <= 3, "at most the grown share, and more than one: " + most.get());
    }

    @Test
    void theFirstFailureIsRethrownAndNoNewTaskStartsAfterIt() {
        IllegalStateException boom = new IllegalStateException("tree 3");
        AtomicInteger started = new AtomicInteger();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> SharedCpus.run(100, t -> {
            started.incrementAndGet();
            if (t == 3) {
                throw boom;
            }
            return t;
        }, Integer[]::new, 2, () -> 2));
        assertSame(boom, e);
        assertTrue(started.get() <= 4 + 2, "tasks started after the failure: " + started.get());
    }

    @Test
    void anInterruptedCallerStopsBetweenTasksAndKeepsItsInterrupt() throws Exception {
        CountDownLatch first = new CountDownLatch(1);
        AtomicBoolean stillInterrupted = new AtomicBoolean();
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        AtomicInteger started = new AtomicInteger();
        Thread caller = Thread.ofPlatform().start(() -> {
            try {
                SharedCpus.run(1000, t -> {
                    started.incrementAndGet();
                    first.countDown();
                    long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(5);
                    while (System.nanoTime() < until) {
                        Thread.onSpinWait(); // work that does not look at the interrupt, as a tree's growth
                    }
                    return t;
                }, Integer[]::new, 2, () -> 2);
            } catch (Throwable e) {
                thrown.set(e);
            }
            stillInterrupted.set(Thread.currentThread().isInterrupted());
        });
        assertTrue(first.await(10, TimeUnit.SECONDS));
        caller.interrupt();
        caller.join(10_000);
        assertTrue(thrown.get() instanceof CancellationException, "thrown: " + thrown.get());
        assertTrue(stillInterrupted.get(), "the caller's interrupt is kept");
        assertTrue(started.get() < 1000, "stopped before every task ran: " + started.get());
    }

    @Test
    void bothRunSideBySideWhenTheShareIsTwoCpusAndOneAfterTheOtherWhenItIsOne() throws InterruptedException {
        CountDownLatch secondStarted = new CountDownLatch(1);
        AtomicReference<String> firstThread = new AtomicReference<>();
        SharedCpus.Both<Boolean, String> side = SharedCpus.both(() -> {
            firstThread.set(Thread.currentThread().getName());
            try {
                // true only if the second task runs while this one waits: side by side
                return secondStarted.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }, () -> {
            secondStarted.countDown();
            return Thread.currentThread().getName();
        }, 2, () -> 2);
        assertTrue(side.first(), "the second task ran beside the first");
        // whichever of the caller and the helper takes a task first runs it
        assertTrue(!side.second().equals(firstThread.get()), "on two threads: " + firstThread.get() + ", " + side.second());

        String caller = Thread.currentThread().getName();
        AtomicReference<String> firstOn = new AtomicReference<>();
        AtomicBoolean firstDone = new AtomicBoolean();
        SharedCpus.Both<Integer, Boolean> serial = SharedCpus.both(() -> {
            firstOn.set(Thread.currentThread().getName());
            firstDone.set(true);
            return 7;
        }, firstDone::get, 2, () -> 1);
        assertEquals(7, serial.first());
        assertEquals(caller, firstOn.get(), "with a share of one CPU the calling thread runs both");
        assertTrue(serial.second(), "with a share of one CPU the second task runs after the first");
    }

    @Test
    void aFailureOfEitherIsThrown() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> SharedCpus.both(() -> 1, () -> {
            throw new IllegalStateException("second failed");
        }, 2, () -> 2));
        assertEquals("second failed", e.getMessage());
    }
}
