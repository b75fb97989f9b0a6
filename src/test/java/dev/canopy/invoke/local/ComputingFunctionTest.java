package dev.canopy.invoke.local;

import dev.canopy.invoke.FunctionInvocationException;
import dev.canopy.invoke.local.LocalFunctionInvoker.LocalFunction;
import dev.canopy.log.LogContext;
import org.jboss.logging.MDC;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A computing function (a trainer) called from a pool's virtual thread runs on a platform thread of its own, as
 * if the caller had run it: the same log fields, the same errors, and an interrupt passed on and waited out.
 */
class ComputingFunctionTest {

    private static final String CALL = "{}";

    /** Runs {@code body} on a virtual thread, as a pool's slot does, and waits for it. */
    private static void onVirtualThread(Runnable body) throws InterruptedException {
        Thread t = Thread.ofVirtual().start(body);
        assertTrue(t.join(java.time.Duration.ofSeconds(20)), "the call returned");
    }

    @Test
    void aComputingCallLeavesTheVirtualThreadAndAPlainOneStaysOnIt() throws InterruptedException {
        List<String> seen = new CopyOnWriteArrayList<>();
        LocalFunctionInvoker invoker = new LocalFunctionInvoker(Map.of(
                "train", LocalFunction.computing(Map.class, m -> {
                    seen.add("train virtual=" + Thread.currentThread().isVirtual() + " run=" + MDC.get(LogContext.RUN_ID));
                    return "ok";
                }),
                "status", new LocalFunction<>(Map.class, m -> {
                    seen.add("status virtual=" + Thread.currentThread().isVirtual());
                    return "ok";
                })));
        onVirtualThread(() -> {
            try (LogContext ignored = LogContext.push(LogContext.RUN_ID, "run-1")) {
                assertEquals("\"ok\"", invoker.invoke("train", CALL));
                assertEquals("\"ok\"", invoker.invoke("status", CALL));
            }
        });
        // called from a platform thread, a computing function runs where it is called
        invoker.invoke("train", CALL);
        assertEquals(List.of("train virtual=false run=run-1", "status virtual=true",
                "train virtual=false run=null"), seen);
    }

    @Test
    void itsFailureIsTheFunctionsFailure() throws InterruptedException {
        LocalFunctionInvoker invoker = new LocalFunctionInvoker(Map.of("train", LocalFunction.computing(Map.class, m -> {
            throw new IllegalArgumentException("max_depth must be at least 0, not -1");
        })));
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        onVirtualThread(() -> {
            try {
                invoker.invoke("train", CALL);
            } catch (RuntimeException e) {
                thrown.set(e);
            }
        });
        FunctionInvocationException e = (FunctionInvocationException) thrown.get();
        assertEquals("IllegalArgumentException", e.errorType());
        assertEquals("max_depth must be at least 0, not -1", e.errorMessage());
    }

    @Test
    void anInterruptedCallerPassesTheInterruptOnAndReturnsOnlyOnceTheCallHasEnded() throws InterruptedException {
        CountDownLatch started = new CountDownLatch(1);
        AtomicBoolean callInterrupted = new AtomicBoolean();
        AtomicBoolean callEnded = new AtomicBoolean();
        LocalFunctionInvoker invoker = new LocalFunctionInvoker(Map.of("train", LocalFunction.computing(Map.class, m -> {
            started.countDown();
            try {
                Thread.sleep(20_000);
            } catch (InterruptedException e) {
                callInterrupted.set(true);
            }
            LocalFunctionInvokerCostTest.busy(200); // winding down after the interrupt
            callEnded.set(true);
            return "stopped";
        })));
        AtomicBoolean endedWhenReturned = new AtomicBoolean();
        AtomicBoolean callerStillInterrupted = new AtomicBoolean();
        Thread caller = Thread.ofVirtual().start(() -> {
            invoker.invoke("train", CALL);
            endedWhenReturned.set(callEnded.get());
            callerStillInterrupted.set(Thread.currentThread().isInterrupted());
        });
        assertTrue(started.await(10, TimeUnit.SECONDS));
        caller.interrupt();
        assertTrue(caller.join(java.time.Duration.ofSeconds(10)), "the caller returned after the interrupt");
        assertTrue(callInterrupted.get(), "the call saw the interrupt");
        assertTrue(endedWhenReturned.get(), "the caller waited for the call to end");
        assertTrue(callerStillInterrupted.get(), "the caller's interrupt status is kept");
        assertFalse(Thread.currentThread().isInterrupted());
    }
}
