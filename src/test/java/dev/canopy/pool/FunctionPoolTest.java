package dev.canopy.pool;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The pool's guarantees, synchronised by latches and barriers only: no test waits for time to pass to
 * order events. Retries use {@link Backoff#NONE}. The only durations are the per-call timeouts under test
 * and bounds that turn a would-be hang into a failure.
 */
class FunctionPoolTest {
    /** How long a test waits for something that must happen before it calls the pool broken. */
    static final long BOUND_SECONDS = 10;

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

    static void await(CountDownLatch latch) throws InterruptedException {
        if (!latch.await(BOUND_SECONDS, TimeUnit.SECONDS)) {
            throw new AssertionError("waited " + BOUND_SECONDS + " s for an event that must happen");
        }
    }

    /**
     * One latch per item, opened when the pool reports the item complete; item {@code i} returns only once
     * item {@code i + 1} is complete, so items complete in exactly the reverse of submission order.
     */
    static final class ReverseChain {
        final List<CountDownLatch> done;
        final List<Integer> progressOrder = new CopyOnWriteArrayList<>();

        ReverseChain(int n) {
            done = IntStream.range(0, n).mapToObj(i -> new CountDownLatch(1)).toList();
        }

        int call(int i) throws InterruptedException {
            if (i + 1 < done.size()) {
                await(done.get(i + 1));
            }
            return i * i;
        }

        void completed(PoolResult<Integer, Integer> r) {
            progressOrder.add(r.input());
            done.get(r.input()).countDown();
        }
    }

    @Test
    void mapReturnsSubmissionOrderWhenCompletionIsReversed() {
        int n = 6;
        ReverseChain chain = new ReverseChain(n);
        try (FunctionPool<Integer, Integer> pool = FunctionPool.<Integer, Integer>builder(n)
                .progress((r, done, submitted) -> chain.completed(r))
                .build((i, slot, a) -> chain.call(i))) {
            List<PoolResult<Integer, Integer>> r = pool.map(range(n));
            assertEquals(List.of(5, 4, 3, 2, 1, 0), chain.progressOrder, "completion order is reversed");
            assertEquals(range(n), r.stream().map(PoolResult::input).toList(), "results in submission order");
            assertEquals(List.of(0, 1, 4, 9, 16, 25), r.stream().map(PoolResult::value).toList());
            assertTrue(r.stream().allMatch(x -> x.state() == CallState.SUCCEEDED && x.attempts() == 1));
        }
    }

    @Test
    void mapUnorderedReturnsCompletionOrder() {
        int n = 5;
        ReverseChain chain = new ReverseChain(n);
        try (FunctionPool<Integer, Integer> pool = FunctionPool.<Integer, Integer>builder(n)
                .progress((r, done, submitted) -> chain.completed(r))
                .build((i, slot, a) -> chain.call(i))) {
            List<PoolResult<Integer, Integer>> r = pool.mapUnordered(range(n));
            assertEquals(List.of(4, 3, 2, 1, 0), r.stream().map(PoolResult::input).toList());
            assertEquals(chain.progressOrder, r.stream().map(PoolResult::input).toList(),
                    "results come in the order the progress listener saw them complete");
        }
    }

    @Test
    void getNextAndGetNextUnorderedNeverHandOutAResultTwice() throws Exception {
        CountDownLatch releaseFirst = new CountDownLatch(1);
        try (FunctionPool<Integer, Integer> pool = FunctionPool.<Integer, Integer>builder(2).build((i, s, a) -> {
            if (i == 0) {
                await(releaseFirst);
            }
            return i;
        })) {
            assertTrue(pool.hasFree());
            pool.submit(0);
            pool.submit(1);
            assertTrue(pool.hasNext());
            assertEquals(1, pool.getNextUnordered().input(), "item 0 cannot complete before it is released");
            // item 0 is held: a getNext that gives up loses nothing
            assertThrows(TimeoutException.class, () -> pool.getNext(Duration.ofMillis(20)));
            assertTrue(pool.hasNext(), "a getNext timeout loses nothing");
            releaseFirst.countDown();
            assertEquals(0, pool.getNext().input());
            assertFalse(pool.hasNext());
            assertThrows(java.util.NoSuchElementException.class, pool::getNext);
            assertThrows(java.util.NoSuchElementException.class, pool::getNextUnordered);
        }
    }

    @Test
    void inFlightNeverExceedsThePoolSizeRetriesIncluded() {
        Concurrency c = new Concurrency();
        SplittableRandom rnd = new SplittableRandom(1);
        Map<Integer, Boolean> flaky = new ConcurrentHashMap<>();
        range(200).forEach(i -> flaky.put(i, rnd.nextInt(3) == 0));
        // the first four calls meet at a barrier: the pool really runs four at once
        CyclicBarrier firstFour = new CyclicBarrier(4);
        AtomicInteger started = new AtomicInteger();
        try (FunctionPool<Integer, Integer> pool = FunctionPool.<Integer, Integer>builder(4)
                .maxAttempts(3).backoff(Backoff.NONE).retryable(e -> e instanceof IOException)
                .build((i, slot, attempt) -> {
                    c.enter();
                    try {
                        if (started.incrementAndGet() <= 4) {
                            firstFour.await(BOUND_SECONDS, TimeUnit.SECONDS);
                        }
                        if (flaky.get(i) && attempt == 1) {
                            throw new IOException("throttled");
                        }
                        return i;
                    } finally {
                        c.exit();
                    }
                })) {
            List<PoolResult<Integer, Integer>> r = pool.map(range(200));
            assertTrue(r.stream().allMatch(PoolResult::succeeded), r.toString());
            assertEquals(4, c.peak.get(), "peak in flight");
            assertEquals(4, pool.peakInFlight());
            long retried = flaky.values().stream().filter(b -> b).count();
            assertEquals(200 + retried, pool.calls());
        }
    }

    @Test
    void permanentErrorsAreNotRetriedAndTransientOnesStopAtMaxAttempts() {
        try (FunctionPool<String, String> pool = FunctionPool.<String, String>builder(2)
                .maxAttempts(3).backoff(Backoff.NONE).retryable(e -> e instanceof IOException)
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
            assertEquals(4, pool.calls());
        }
    }

    /** Waits for {@code latch} up to {@code millis}, ignoring interrupts as a blocking socket read may. */
    static boolean awaitIgnoringInterrupts(CountDownLatch latch, long millis) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (true) {
            try {
                return latch.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (InterruptedException ignored) {
                // keep waiting
            }
        }
    }

    @Test
    void aTimeoutLeavesNoZombieSlot() {
        Concurrency c = new Concurrency();
        CountDownLatch secondStarted = new CountDownLatch(1);
        AtomicBoolean firstSawInterrupt = new AtomicBoolean();
        AtomicBoolean secondStartedWhileFirstRan = new AtomicBoolean();
        try (FunctionPool<Integer, Integer> pool = FunctionPool.<Integer, Integer>builder(1)
                .callTimeout(Duration.ofMillis(100)).maxAttempts(1)
                .build((i, slot, attempt) -> {
                    c.enter();
                    try {
                        if (i == 0) {
                            // ignores the timeout's interrupt and keeps running: had the slot been handed
                            // out, the second item would start within this window
                            while (!Thread.interrupted()) {
                                Thread.onSpinWait();
                            }
                            firstSawInterrupt.set(true);
                            secondStartedWhileFirstRan.set(awaitIgnoringInterrupts(secondStarted, 300));
                        } else {
                            secondStarted.countDown();
                        }
                        return i;
                    } finally {
                        c.exit();
                    }
                })) {
            List<PoolResult<Integer, Integer>> r = pool.map(List.of(0, 1));
            assertEquals(CallState.TIMED_OUT, r.get(0).state());
            assertInstanceOf(TimeoutException.class, r.get(0).error());
            assertTrue(firstSawInterrupt.get(), "the timed-out call was interrupted");
            assertFalse(secondStartedWhileFirstRan.get(), "the slot was handed out while its timed-out call still ran");
            assertEquals(CallState.SUCCEEDED, r.get(1).state());
            assertEquals(1, c.peak.get());
        }
    }

    /** Blocks until the pool's timeout interrupts it. */
    static int blockUntilInterrupted() throws InterruptedException {
        new CountDownLatch(1).await();
        throw new AssertionError("unreachable");
    }

    @Test
    void timeoutsAreRetriedInTheSameSlotWhenTheCallIsIdempotent() {
        AtomicInteger calls = new AtomicInteger();
        Set<String> threads = ConcurrentHashMap.newKeySet();
        try (FunctionPool<Integer, Integer> pool = FunctionPool.<Integer, Integer>builder(1)
                .callTimeout(Duration.ofMillis(50)).maxAttempts(3).backoff(Backoff.NONE).retryTimeouts(true)
                .build((i, slot, attempt) -> {
                    calls.incrementAndGet();
                    threads.add(Thread.currentThread().getName() + "/" + slot);
                    return attempt < 3 ? blockUntilInterrupted() : attempt;
                })) {
            PoolResult<Integer, Integer> r = pool.map(List.of(7)).getFirst();
            assertEquals(CallState.SUCCEEDED, r.state());
            assertEquals(3, r.value());
            assertEquals(3, r.attempts());
            assertEquals(3, calls.get());
            assertEquals(1, threads.size(), "every attempt ran in the item's slot: " + threads);
        }
    }

    @Test
    void timeoutsAreNotRetriedByDefault() {
        AtomicInteger calls = new AtomicInteger();
        try (FunctionPool<Integer, Integer> pool = FunctionPool.<Integer, Integer>builder(1)
                .callTimeout(Duration.ofMillis(50)).maxAttempts(3).backoff(Backoff.NONE).retryable(e -> true)
                .build((i, slot, attempt) -> {
                    calls.incrementAndGet();
                    return blockUntilInterrupted();
                })) {
            PoolResult<Integer, Integer> r = pool.map(List.of(7)).getFirst();
            assertEquals(CallState.TIMED_OUT, r.state());
            assertEquals(1, r.attempts());
            assertEquals(1, calls.get(), "a call that may still be running is not sent again");
            assertTrue(r.error().getMessage().contains("attempt 1"), r.error().getMessage());
        }
    }

    /** An error like the transport's "no response": the call may still be running. */
    static final class NoResponse extends RuntimeException {
        NoResponse() {
            super("read timed out");
        }
    }

    @Test
    void errorsThatMeanNoResponseFollowTheTimeoutRule() {
        for (boolean idempotent : List.of(false, true)) {
            AtomicInteger calls = new AtomicInteger();
            try (FunctionPool<Integer, Integer> pool = FunctionPool.<Integer, Integer>builder(1)
                    .maxAttempts(3).backoff(Backoff.NONE).retryable(e -> true)
                    .timeouts(e -> e instanceof NoResponse).retryTimeouts(idempotent)
                    .build((i, slot, attempt) -> {
                        calls.incrementAndGet();
                        throw new NoResponse();
                    })) {
                PoolResult<Integer, Integer> r = pool.map(List.of(1)).getFirst();
                assertEquals(CallState.TIMED_OUT, r.state());
                assertInstanceOf(NoResponse.class, r.error());
                assertEquals(idempotent ? 3 : 1, calls.get(), "idempotent " + idempotent);
            }
        }
    }

    @Test
    void cancellationInterruptsRunningCallsAndCancelsWaitingItems() throws Exception {
        CountDownLatch started = new CountDownLatch(2);
        FunctionPool<Integer, Integer> pool = FunctionPool.<Integer, Integer>builder(2).queueCapacity(10)
                .build((i, slot, attempt) -> {
                    started.countDown();
                    return blockUntilInterrupted();
                });
        for (int i = 0; i < 6; i++) {
            pool.submit(i);
        }
        await(started);
        pool.cancel();
        assertFalse(pool.hasFree());
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
        assertEquals(2, pool.calls());
    }

    /** Polls {@code condition} until it holds, failing after {@link #BOUND_SECONDS}. */
    static void until(java.util.function.BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(BOUND_SECONDS);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + BOUND_SECONDS + " s: " + what);
            }
            Thread.onSpinWait();
        }
    }

    @Test
    void submitBlocksWhenTheQueueIsFull() throws Exception {
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try (FunctionPool<Integer, Integer> pool = FunctionPool.<Integer, Integer>builder(1).queueCapacity(1)
                .build((i, slot, attempt) -> {
                    running.countDown();
                    await(release);
                    return i;
                })) {
            pool.submit(0);
            await(running);
            assertFalse(pool.hasFree(), "the only slot is busy");
            pool.submit(1); // fills the queue
            AtomicBoolean thirdSubmitted = new AtomicBoolean();
            Thread producer = Thread.ofPlatform().start(() -> {
                pool.submit(2);
                thirdSubmitted.set(true);
            });
            until(() -> producer.getState() == Thread.State.WAITING, "the producer parks in submit");
            assertFalse(thirdSubmitted.get(), "third submit waits for room");
            release.countDown();
            producer.join(TimeUnit.SECONDS.toMillis(BOUND_SECONDS));
            assertTrue(thirdSubmitted.get());
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
        List<Long> completedCounts = Collections.synchronizedList(new ArrayList<>());
        try (FunctionPool<Integer, Integer> pool = FunctionPool.<Integer, Integer>builder(8)
                .maxAttempts(3).backoff(Backoff.NONE).retryable(e -> e instanceof IOException)
                .progress((r, done, submitted) -> {
                    progressEvents.incrementAndGet();
                    completedCounts.add(done);
                })
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
            assertEquals(IntStream.rangeClosed(1, n).mapToObj(x -> (long) x).toList(), completedCounts,
                    "progress calls come one at a time, counting up");
        }
    }

    /**
     * Many cancels from several threads while calls start and finish. Every item yields exactly one result,
     * no call starts uninterrupted once a cancel has returned, every running call is interrupted (none is
     * left blocked), and nothing throws.
     */
    @Test
    void manyConcurrentCancelsUnderLoad() throws Exception {
        for (int round = 0; round < 20; round++) {
            int n = 200;
            int cancellers = 4;
            AtomicInteger running = new AtomicInteger();
            AtomicInteger startedAfterCancel = new AtomicInteger();
            AtomicInteger missedInterrupts = new AtomicInteger();
            AtomicBoolean cancelReturned = new AtomicBoolean();
            CountDownLatch enoughStarted = new CountDownLatch(20);
            List<Throwable> thrown = new CopyOnWriteArrayList<>();
            FunctionPool<Integer, Integer> pool = FunctionPool.<Integer, Integer>builder(8).queueCapacity(16)
                    .maxAttempts(2).backoff(Backoff.NONE).retryable(e -> e instanceof IOException)
                    .build((i, slot, attempt) -> {
                        // a call may begin after every cancel() returned only if it was interrupted
                        // first: its slot was running the item when cancel() looked
                        if (cancelReturned.get() && !Thread.currentThread().isInterrupted()) {
                            startedAfterCancel.incrementAndGet();
                        }
                        running.incrementAndGet();
                        enoughStarted.countDown();
                        try {
                            switch (i % 4) {
                                case 0 -> { // blocks until a cancel interrupts it
                                    if (!new CountDownLatch(1).await(BOUND_SECONDS, TimeUnit.SECONDS)) {
                                        missedInterrupts.incrementAndGet();
                                    }
                                    return i;
                                }
                                case 1 -> throw new IOException("throttled"); // retried once
                                default -> {
                                    return i; // finishes at once
                                }
                            }
                        } finally {
                            running.decrementAndGet();
                        }
                    });
            List<Thread> threads = new ArrayList<>();
            CyclicBarrier together = new CyclicBarrier(cancellers);
            CountDownLatch cancelsDone = new CountDownLatch(cancellers);
            for (int t = 0; t < cancellers; t++) {
                threads.add(Thread.ofPlatform().start(() -> {
                    try {
                        await(enoughStarted);
                        together.await(BOUND_SECONDS, TimeUnit.SECONDS);
                        pool.cancel();
                        cancelsDone.countDown();
                        if (cancelsDone.getCount() == 0) {
                            cancelReturned.set(true);
                        }
                    } catch (Throwable e) {
                        thrown.add(e);
                    }
                }));
            }
            List<PoolResult<Integer, Integer>> results = new ArrayList<>();
            Thread driver = Thread.ofPlatform().start(() -> {
                try {
                    results.addAll(pool.mapUnordered(range(n)));
                    pool.close();
                } catch (Throwable e) {
                    thrown.add(e);
                }
            });
            driver.join(TimeUnit.SECONDS.toMillis(3 * BOUND_SECONDS));
            for (Thread t : threads) {
                t.join(TimeUnit.SECONDS.toMillis(BOUND_SECONDS));
            }
            assertFalse(driver.isAlive(), "the pool drained after the cancels");
            assertEquals(List.of(), thrown, "round " + round);
            assertEquals(n, results.size(), "round " + round);
            assertEquals(n, new HashSet<>(results.stream().map(PoolResult::index).toList()).size(), "one result per item");
            assertEquals(0, running.get(), "no call left running");
            assertEquals(0, startedAfterCancel.get(), "no call started uninterrupted after cancel() returned");
            assertEquals(0, missedInterrupts.get(), "every blocked call was interrupted");
            assertTrue(results.stream().anyMatch(r -> r.state() == CallState.CANCELLED));
            for (PoolResult<Integer, Integer> r : results) {
                assertTrue(r.state() == CallState.CANCELLED || r.state() == CallState.SUCCEEDED
                        || (r.state() == CallState.FAILED && r.input() % 4 == 1), r.toString());
                if (r.input() % 4 == 0) {
                    assertEquals(CallState.CANCELLED, r.state(), "a blocked call ends only by cancel: " + r);
                }
            }
        }
    }
}
