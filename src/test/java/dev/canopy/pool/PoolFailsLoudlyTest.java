package dev.canopy.pool;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The pool fails loudly and never hangs: listener failures are contained, Errors end it, an interrupted close ends. */
class PoolFailsLoudlyTest {
    private static final Duration BOUND = Duration.ofSeconds(30); // a hang fails the test instead of hanging it

    @Test
    void aThrowingProgressListenerEndsNoSlot() throws Exception {
        try (FunctionPool<Integer, Integer> pool = FunctionPool.<Integer, Integer>builder(2)
                .progress((r, done, submitted) -> {
                    throw new IllegalStateException("listener broke at " + done);
                })
                .build((x, slot, attempt) -> x * 2)) {
            for (int i = 0; i < 6; i++) {
                pool.submit(i);
            }
            List<Integer> out = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                out.add(pool.getNext(BOUND).value());
            }
            assertEquals(List.of(0, 2, 4, 6, 8, 10), out);
            assertEquals(6, pool.listenerFailures());
            assertTrue(pool.listenerError().getMessage().startsWith("listener broke"));
        }
    }

    @Test
    void anErrorIsNotAFailedResultItEndsThePoolWithItsCause() throws Exception {
        FunctionPool<Integer, Integer> pool = errorOnOne();
        pool.submit(0);
        pool.submit(1);
        pool.submit(2);
        assertEquals(0, pool.getNext(BOUND).value());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> pool.getNext(BOUND));
        assertTrue(e.getCause() instanceof OutOfMemoryError, e.toString());
        assertTrue(e.getMessage().contains("Java heap space"), e.getMessage());
        pool.close();
    }

    /**
     * The race CI once hung on: an item submitted as an Error ends the only slot stayed in the queue after the
     * cancel's drain, and close() waited for room for its stop signal for ever. Repeated, each close must return.
     */
    @Test
    void closeReturnsWhenAnErrorEndedTheSlotsWhileItemsWereBeingSubmitted() {
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            for (int round = 0; round < 300; round++) {
                FunctionPool<Integer, Integer> pool = errorOnOne();
                pool.submit(0);
                pool.submit(1);
                pool.submit(2);
                pool.submit(3);
                pool.close();
            }
        });
    }

    @Test
    void anInterruptedCloseStillStopsEverySlot() throws Exception {
        CountDownLatch running = new CountDownLatch(2);
        FunctionPool<Integer, Integer> pool = FunctionPool.<Integer, Integer>builder(2).maxAttempts(1)
                .build((x, slot, attempt) -> {
                    running.countDown();
                    Thread.sleep(Duration.ofMinutes(10)); // ended by the cancel's interrupt
                    return x;
                });
        pool.submit(1);
        pool.submit(2);
        running.await();
        AtomicBoolean interruptKept = new AtomicBoolean();
        Thread closer = Thread.ofVirtual().start(() -> {
            Thread.currentThread().interrupt(); // the caller is interrupted while it closes
            pool.close();
            interruptKept.set(Thread.currentThread().isInterrupted());
        });
        closer.join(BOUND);
        assertTrue(!closer.isAlive(), "close() returned");
        assertTrue(interruptKept.get(), "the caller's interrupt is kept");
        assertEquals(CallState.CANCELLED, pool.getNext(BOUND).state());
    }

    @Test
    void aCancelThatArrivesDuringATimedOutAttemptIsNotLost() throws Exception {
        RetryPolicy policy = RetryPolicy.builder().maxAttempts(1).callTimeout(Duration.ofMillis(50)).build();
        AtomicBoolean cancelled = new AtomicBoolean();
        Exception e = assertThrows(Exception.class, () -> policy.call(attempt -> {
            try {
                Thread.sleep(Duration.ofMinutes(1)); // until the watchdog's interrupt
            } catch (InterruptedException watchdog) {
                cancelled.set(true);
                Thread.currentThread().interrupt(); // a cancel's interrupt, as the pool's cancel() sends
            }
            return 0;
        }, cancelled::get));
        boolean stillInterrupted = Thread.interrupted();
        // without the fix: a TimeoutException, and the cancel's interrupt cleared with the timeout's
        assertTrue(e instanceof InterruptedException || stillInterrupted && !(e instanceof TimeoutException),
                "the cancel's interrupt survives the timeout's clean-up: " + e + ", interrupted " + stillInterrupted);
    }

    /** One slot, one attempt; item 1's call ends with an Error (an OutOfMemoryError), the others return themselves. */
    private static FunctionPool<Integer, Integer> errorOnOne() {
        return FunctionPool.<Integer, Integer>builder(1).maxAttempts(1).build((x, slot, attempt) -> {
            if (x == 1) {
                throw new OutOfMemoryError("Java heap space (a test's)");
            }
            return x;
        });
    }
}
