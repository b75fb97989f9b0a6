package dev.canopy.pool;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The policy on SmallRye Fault Tolerance, outside any container (its standalone implementation). */
class RetryPolicyTest {

    @Test
    void attemptsAreNumberedAndStopAtMaxAttemptsOnTheCallingThread() {
        List<Integer> attempts = new CopyOnWriteArrayList<>();
        List<Thread> threads = new CopyOnWriteArrayList<>();
        RetryPolicy p = RetryPolicy.builder().maxAttempts(4).backoff(Backoff.NONE)
                .retryable(e -> e instanceof IOException).build();
        IOException last = new IOException("503 #4");
        IOException thrown = assertThrows(IOException.class, () -> p.call(a -> {
            attempts.add(a);
            threads.add(Thread.currentThread());
            throw a == 4 ? last : new IOException("503 #" + a);
        }));
        assertSame(last, thrown, "the last attempt's error");
        assertEquals(List.of(1, 2, 3, 4), attempts);
        assertEquals(List.of(Thread.currentThread()), threads.stream().distinct().toList());
    }

    @Test
    void aPermanentErrorEndsAtOnceAndASuccessIsReturned() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        RetryPolicy p = RetryPolicy.builder().backoff(Backoff.NONE).retryable(e -> e instanceof IOException).build();
        assertThrows(IllegalArgumentException.class, () -> p.call(a -> {
            calls.incrementAndGet();
            throw new IllegalArgumentException("bad input");
        }));
        assertEquals(1, calls.get());
        assertEquals("ok on 2", p.call(a -> {
            if (a == 1) {
                throw new IOException("throttled");
            }
            return "ok on " + a;
        }));
    }

    @Test
    void anInterruptedCallIsNeverRetried() {
        AtomicInteger calls = new AtomicInteger();
        RetryPolicy p = RetryPolicy.builder().backoff(Backoff.NONE).retryable(e -> true).build();
        assertThrows(InterruptedException.class, () -> p.call(a -> {
            calls.incrementAndGet();
            throw new InterruptedException("cancelled");
        }));
        assertEquals(1, calls.get());
        assertFalse(Thread.interrupted());
    }

    @Test
    void aTimedOutCallThatIgnoresItsInterruptIsWaitedForAndLeavesNoInterruptBehind() {
        CountDownLatch interrupted = new CountDownLatch(1);
        AtomicInteger ended = new AtomicInteger();
        RetryPolicy p = RetryPolicy.builder().callTimeout(Duration.ofMillis(30)).build();
        TimeoutException e = assertThrows(TimeoutException.class, () -> p.call(a -> {
            while (!Thread.interrupted()) {
                Thread.onSpinWait();
            }
            interrupted.countDown();
            ended.incrementAndGet(); // still running after the interrupt, and allowed to finish
            return "late";
        }));
        assertEquals(0, interrupted.getCount());
        assertEquals(1, ended.get(), "call() returned only after the attempt had ended");
        assertTrue(e.getMessage().contains("attempt 1"), e.getMessage());
        assertFalse(Thread.currentThread().isInterrupted(), "the timeout's interrupt does not reach later work");
    }

    @Test
    void aCallThatEndsInTimeIsNotInterruptedLater() throws Exception {
        RetryPolicy p = RetryPolicy.builder().callTimeout(Duration.ofSeconds(30)).build();
        assertEquals("in time", p.<String>call(a -> "in time"));
        assertFalse(Thread.currentThread().isInterrupted());
    }
}
