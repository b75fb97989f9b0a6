package dev.canopy.pool;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FunctionPoolTest {
    static final Backoff FAST = new Backoff(Duration.ofMillis(1), Duration.ofMillis(3));

    /** Counts calls running at once, to check the bound independently of the pool's own counter. */
    static final class Concurrency {
        final AtomicInteger now = new AtomicInteger();
        final AtomicInteger peak = new AtomicInteger();

        void enter() {
            peak.accumulateAndGet(now.incrementAndGet(), Math::max);
        }

        void exit() {
            now.decrementAndGet();
        }
    }

    static List<Integer> range(int n) {
        return IntStream.range(0, n).boxed().toList();
    }

    @Test
    void mapReturnsSubmissionOrderEvenWhenCompletionIsReversed() {
        try (FunctionPool<Integer, Integer> pool = FunctionPool.<Integer, Integer>builder(4).build((i, slot, a) -> {
            Thread.sleep(40 - i * 4L);
            return i * i;
        })) {
            List<PoolResult<Integer, Integer>> r = pool.map(range(8));
            assertEquals(range(8), r.stream().map(PoolResult::input).toList());
            assertEquals(List.of(0, 1, 4, 9, 16, 25, 36, 49), r.stream().map(PoolResult::value).toList());
            assertTrue(r.stream().allMatch(x -> x.state() == CallState.SUCCEEDED && x.attempts() == 1));
        }
    }

    @Test
    void mapUnorderedReturnsCompletionOrder() {
        try (FunctionPool<Integer, Integer> pool = FunctionPool.<Integer, Integer>builder(3).build((i, slot, a) -> {
            Thread.sleep(i == 0 ? 300 : 10);
            return i;
        })) {
            List<PoolResult<Integer, Integer>> r = pool.mapUnordered(range(3));
            assertEquals(0, r.getLast().input(), "the slow first item completes last");
            assertEquals(Set.of(0, 1, 2), new HashSet<>(r.stream().map(PoolResult::input).toList()));
        }
    }

    @Test
    void getNextAndGetNextUnorderedNeverHandOutAResultTwice() throws Exception {
        try (FunctionPool<Integer, Integer> pool = FunctionPool.<Integer, Integer>builder(2).build((i, s, a) -> {
            Thread.sleep(i == 0 ? 200 : 5);
            return i;
        })) {
            pool.submit(0);
            pool.submit(1);
            assertEquals(1, pool.getNextUnordered().input());
            assertThrows(java.util.concurrent.TimeoutException.class, () -> pool.getNext(Duration.ofMillis(20)));
            assertTrue(pool.hasNext(), "a getNext timeout loses nothing");
            assertEquals(0, pool.getNext().input());
            assertFalse(pool.hasNext());
            assertThrows(java.util.NoSuchElementException.class, pool::getNext);
        }
    }

    @Test
    void inFlightNeverExceedsThePoolSizeRetriesIncluded() {
        Concurrency c = new Concurrency();
        SplittableRandom rnd = new SplittableRandom(1);
        Map<Integer, Boolean> flaky = new ConcurrentHashMap<>();
        range(200).forEach(i -> flaky.put(i, rnd.nextInt(3) == 0));
        try (FunctionPool<Integer, Integer> pool = FunctionPool.<Integer, Integer>builder(4)
                .maxAttempts(3).backoff(FAST).retryable(e -> e instanceof IOException)
                .build((i, slot, attempt) -> {
                    c.enter();
                    try {
                        Thread.sleep(1);
                        if (flaky.get(i) && attempt == 1) {
                            throw new IOException("throttled");
                        }
                        return i;
                    } finally {
                        c.exit();
                    }
                })) {
            List<PoolResult<Integer, Integer>> r = pool.map(range(200));
            assertTrue(r.stream().allMatch(PoolResult::succeeded));
            assertTrue(c.peak.get() <= 4, "peak " + c.peak.get());
            assertTrue(pool.peakInFlight() <= 4);
            long retried = flaky.values().stream().filter(b -> b).count();
            assertEquals(200 + retried, pool.calls());
        }
    }

    @Test
    void permanentErrorsAreNotRetriedAndTransientOnesStopAtMaxAttempts() {
        try (FunctionPool<String, String> pool = FunctionPool.<String, String>builder(2)
                .maxAttempts(3).backoff(FAST).retryable(e -> e instanceof IOException)
                .build((s, slot, attempt) -> {
                    if (s.equals("bad")) {
                        throw new IllegalArgumentException("bad input");
                    }
                    throw new IOException("503");
                })) {
            List<PoolResult<String, String>> r = pool.map(List.of("bad", "flaky"));
            assertEquals(CallState.FAILED, r.get(0).state());
            assertEquals(1, r.get(0).attempts());
            assertInstanceOf(IllegalArgumentException.class, r.get(0).error());
            assertEquals(CallState.FAILED, r.get(1).state());
            assertEquals(3, r.get(1).attempts());
            assertInstanceOf(IOException.class, r.get(1).error());
        }
    }

    @Test
    void aTimeoutLeavesNoZombieSlot() throws Exception {
        Concurrency c = new Concurrency();
        CountDownLatch firstRunning = new CountDownLatch(1);
        long[] secondStart = new long[1];
        long[] firstEnd = new long[1];
        try (FunctionPool<Integer, Integer> pool = FunctionPool.<Integer, Integer>builder(1)
                .callTimeout(Duration.ofMillis(100)).maxAttempts(1)
                .build((i, slot, attempt) -> {
                    c.enter();
                    try {
                        if (i == 0) {
                            firstRunning.countDown();
                            // ignores interrupts, as a blocking socket read may: ends 400 ms later anyway
                            long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(400);
                            while (System.nanoTime() < until) {
                                Thread.onSpinWait();
                            }
                            firstEnd[0] = System.nanoTime();
                        } else {
                            secondStart[0] = System.nanoTime();
                        }
                        return i;
                    } finally {
                        c.exit();
                    }
                })) {
            List<PoolResult<Integer, Integer>> r = pool.map(List.of(0, 1));
            assertEquals(CallState.TIMED_OUT, r.get(0).state());
            assertInstanceOf(java.util.concurrent.TimeoutException.class, r.get(0).error());
            assertEquals(CallState.SUCCEEDED, r.get(1).state());
            assertEquals(1, c.peak.get(), "the slot was not handed out while its timed-out call still ran");
            assertTrue(secondStart[0] >= firstEnd[0]);
        }
    }

    @Test
    void timeoutsAreRetriedInTheSameSlot() {
        AtomicInteger calls = new AtomicInteger();
        try (FunctionPool<Integer, Integer> pool = FunctionPool.<Integer, Integer>builder(1)
                .callTimeout(Duration.ofMillis(50)).maxAttempts(3).backoff(FAST)
                .build((i, slot, attempt) -> {
                    calls.incrementAndGet();
                    if (attempt < 3) {
                        Thread.sleep(1000); // interrupted by the timeout
                    }
                    return attempt;
                })) {
            PoolResult<Integer, Integer> r = pool.map(List.of(7)).getFirst();
            assertEquals(CallState.SUCCEEDED, r.state());
            assertEquals(3, r.value());
            assertEquals(3, r.attempts());
            assertEquals(3, calls.get());
        }
    }

    @Test
    void cancellationInterruptsRunningCallsAndCancelsWaitingItems() throws Exception {
        CountDownLatch started = new CountDownLatch(2);
        FunctionPool<Integer, Integer> pool = FunctionPool.<Integer, Integer>builder(2).queueCapacity(10)
                .build((i, slot, attempt) -> {
                    started.countDown();
                    Thread.sleep(10_000);
                    return i;
                });
        for (int i = 0; i < 6; i++) {
            pool.submit(i);
        }
        assertTrue(started.await(5, TimeUnit.SECONDS));
        pool.cancel();
        pool.submit(99);
        List<PoolResult<Integer, Integer>> r = new ArrayList<>();
        while (pool.hasNext()) {
            r.add(pool.getNext());
        }
        pool.close();
        assertEquals(7, r.size(), "every item, cancelled or not, has a result");
        assertTrue(r.stream().allMatch(x -> x.state() == CallState.CANCELLED), r.toString());
        assertEquals(2, r.stream().filter(x -> x.attempts() == 1).count(), "two were running");
        assertNull(r.getLast().value());
    }

    @Test
    void submitBlocksWhenTheQueueIsFull() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (FunctionPool<Integer, Integer> pool = FunctionPool.<Integer, Integer>builder(1).queueCapacity(1)
                .build((i, slot, attempt) -> {
                    release.await();
                    return i;
                })) {
            pool.submit(0);
            long deadline = System.currentTimeMillis() + 2000;
            while (pool.hasFree() && System.currentTimeMillis() < deadline) {
                Thread.sleep(5);
            }
            assertFalse(pool.hasFree());
            pool.submit(1); // fills the queue
            Thread producer = Thread.ofVirtual().start(() -> pool.submit(2));
            Thread.sleep(150);
            assertTrue(producer.isAlive(), "third submit waits for room");
            release.countDown();
            producer.join(5000);
            assertFalse(producer.isAlive());
            assertEquals(List.of(0, 1, 2), List.of(pool.getNext().value(), pool.getNext().value(), pool.getNext().value()));
        }
    }

    @Test
    void everyItemIsReportedExactlyOnceUnderARandomFaultSchedule() {
        int n = 300;
        SplittableRandom rnd = new SplittableRandom(42);
        int[] transientFaults = new int[n];
        boolean[] permanent = new boolean[n];
        for (int i = 0; i < n; i++) {
            transientFaults[i] = rnd.nextInt(10) < 2 ? 1 + rnd.nextInt(3) : 0; // 20% fail 1-3 times
            permanent[i] = rnd.nextInt(100) < 3;
        }
        Concurrency c = new Concurrency();
        AtomicInteger progressEvents = new AtomicInteger();
        try (FunctionPool<Integer, Integer> pool = FunctionPool.<Integer, Integer>builder(8)
                .maxAttempts(3).backoff(FAST).retryable(e -> e instanceof IOException)
                .progress((r, done, submitted) -> progressEvents.incrementAndGet())
                .build((i, slot, attempt) -> {
                    c.enter();
                    try {
                        if (permanent[i]) {
                            throw new IllegalArgumentException("corrupt shard " + i);
                        }
                        if (attempt <= transientFaults[i]) {
                            throw new IOException("throttled " + i);
                        }
                        return i;
                    } finally {
                        c.exit();
                    }
                })) {
            List<PoolResult<Integer, Integer>> results = pool.mapUnordered(range(n));
            assertEquals(n, results.size());
            assertEquals(n, new HashSet<>(results.stream().map(PoolResult::index).toList()).size(), "no duplicates");
            for (PoolResult<Integer, Integer> r : results) {
                int i = r.input();
                boolean shouldSucceed = !permanent[i] && transientFaults[i] < 3;
                assertEquals(shouldSucceed ? CallState.SUCCEEDED : CallState.FAILED, r.state(), "item " + i);
                assertEquals(permanent[i] ? 1 : Math.min(3, transientFaults[i] + 1), r.attempts(), "item " + i);
            }
            assertTrue(c.peak.get() <= 8);
            assertEquals(n, progressEvents.get());
        }
    }
}
