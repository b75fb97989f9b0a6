package dev.canopy.invoke.local;

import dev.canopy.cost.Billing;
import dev.canopy.invoke.FunctionInvocationException;
import dev.canopy.invoke.local.LocalFunctionInvoker.LocalFunction;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** In-process calls are billed as Lambda bills: measured, rounded up to the millisecond, failures included. */
class LocalFunctionInvokerCostTest {

    /** Runs for at least {@code millis} of wall time, measured, without sleeping. */
    static String busy(long millis) {
        long end = System.nanoTime() + millis * 1_000_000;
        long spins = 0;
        while (System.nanoTime() < end) {
            spins++;
        }
        return String.valueOf(spins);
    }

    final LocalFunctionInvoker invoker = new LocalFunctionInvoker(Map.of(
            "work", new LocalFunction<>(Map.class, m -> busy(millis(m))),
            "fail", new LocalFunction<>(Map.class, m -> {
                busy(millis(m));
                throw new IllegalStateException("broke after " + m + " ms");
            })));

    static long millis(Map<?, ?> request) {
        return ((Number) request.get("ms")).longValue();
    }

    @Test
    void aCallIsBilledItsWallTimeRoundedUpWithNoMemoryOfItsOwn() {
        long t0 = System.nanoTime();
        var r = invoker.invokeBilled("work", "{\"ms\":7}", 0);
        long outside = (System.nanoTime() - t0 + 999_999) / 1_000_000;
        assertEquals(Billing.Source.MEASURED, r.billing().source());
        assertNull(r.billing().memoryMb(), "the price table's configured memory applies");
        assertTrue(r.billing().billedMillis() >= 7 && r.billing().billedMillis() <= outside,
                r.billing() + " within [7, " + outside + "]");
        assertTrue(r.value().matches("\"\\d+\""), "the function's answer comes with its billing: " + r.value());
    }

    @Test
    void aFailedCallIsBilledToo() {
        FunctionInvocationException e = assertThrows(FunctionInvocationException.class, () -> invoker.invokeBilled("fail", "{\"ms\":5}", 0));
        assertEquals("IllegalStateException", e.errorType());
        assertTrue(e.billing().billedMillis() >= 5, String.valueOf(e.billing()));
        assertEquals(Billing.Source.MEASURED, e.billing().source());
        // the plain call keeps its contract
        assertThrows(FunctionInvocationException.class, () -> invoker.invoke("fail", "{\"ms\":1}"));
    }
}
