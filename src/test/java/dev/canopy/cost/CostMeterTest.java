package dev.canopy.cost;

import dev.canopy.invoke.FunctionInvocationException;
import dev.canopy.invoke.FunctionInvocationException.Outcome;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class CostMeterTest {
    static final PriceTable PRICES = new PriceTable("x86_64", 0.0000166667, 0.0000133334, 0.20,
            Map.of("predict", 1024, "train", 2048, "batch-predict", 512));

    @Test
    void rowsPerFunctionSumToTheTotalsAndAttemptsAddUpPerItem() {
        CostMeter m = new CostMeter(PRICES);
        m.record("predict", 0, Billing.measured(1_500_000));        // 2 ms at the configured 1024 MB
        m.record("predict", 0, new Billing(100, 1024, Billing.Source.MEASURED));
        m.record("train", 1, new Billing(3000, null, Billing.Source.MEASURED));
        CostReport r = m.report("batch-predict", 4000);

        assertEquals(3, r.invocations());
        assertEquals(3102, r.billedMillis());
        assertEquals(102L, m.billedMillis(0), "an item's attempts are summed");
        assertEquals(3000L, m.billedMillis(1));
        assertNull(m.billedMillis(2));
        assertEquals(List.of("predict", "train"), r.functions().stream().map(CostReport.FunctionCost::function).toList());
        CostReport.FunctionCost predict = r.functions().get(0);
        assertEquals(2, predict.invocations());
        assertEquals(0.102, predict.gbSeconds(), 1e-12);
        assertEquals(2 * 0.2e-6 + 0.102 * 0.0000166667, predict.usd(), 1e-15);
        CostReport.FunctionCost train = r.functions().get(1);
        assertEquals(2048, train.memoryMb());
        assertEquals(6.0, train.gbSeconds(), 1e-12, "3 s at 2 GB");
        assertEquals(predict.gbSeconds() + train.gbSeconds(), r.gbSeconds(), 1e-12);
        assertEquals(predict.usd() + train.usd(), r.usd(), 1e-15);
        assertEquals(CostReport.MEASURED, r.source());
        assertEquals("x86_64", r.architecture());
        assertEquals(0, r.unmetered());

        // the orchestrator: its wall time at its configured memory, apart from the totals
        assertEquals(new CostReport.FunctionCost("batch-predict", 1, 4000, 512, 2.0, 0.2e-6 + 2.0 * 0.0000166667),
                r.orchestrator());
        assertEquals(r.usd() + r.orchestrator().usd(), r.usdWithOrchestrator(), 1e-15);
    }

    @Test
    void aReportLinesMemoryWinsOverTheConfiguredOneAndSourcesAreTold() {
        CostMeter m = new CostMeter(PRICES);
        m.record("predict", new Billing(1000, 2048, Billing.Source.LAMBDA_REPORT));
        m.record("predict", new Billing(1000, 1024, Billing.Source.LAMBDA_REPORT));
        CostReport r = m.report();
        assertEquals(CostReport.LAMBDA, r.source());
        assertEquals(List.of(1024, 2048), r.functions().stream().map(CostReport.FunctionCost::memoryMb).toList(),
                "one row per memory size: GB-seconds at each invocation's own memory");
        assertEquals(3.0, r.gbSeconds(), 1e-12);
        assertNull(r.orchestrator());
        m.record("predict", Billing.measured(1));
        assertEquals(CostReport.MIXED, m.report().source());
        assertEquals(CostReport.NONE, new CostMeter(PRICES).report().source());
    }

    @Test
    void failedCallsCountWhenTheyRanAndUnknownBillingIsUnmetered() {
        CostMeter m = new CostMeter(PRICES);
        Billing seven = new Billing(7, null, Billing.Source.MEASURED);
        m.recordFailure("predict", 0, new FunctionInvocationException("predict", "IOException", "disk", true, null).billed(seven));
        m.recordFailure("predict", 1, new FunctionInvocationException("predict", Outcome.NO_RESPONSE, "timeout", "read timed out", true, null));
        for (Outcome refused : List.of(Outcome.THROTTLED, Outcome.UNREACHABLE, Outcome.SERVICE_ERROR, Outcome.CLIENT_ERROR)) {
            m.recordFailure("predict", 2, new FunctionInvocationException("predict", refused, "x", "y", true, null));
        }
        m.recordFailure("predict", 3, new IllegalStateException("not an invocation"));
        CostReport r = m.report();
        assertEquals(2, r.invocations(), "the function error and the call without an answer; refused calls did not run");
        assertEquals(1, r.unmetered());
        assertEquals(7, r.billedMillis());
        assertEquals(7L, m.billedMillis(0));
        assertNull(m.billedMillis(1));
        assertEquals(2 * 0.2e-6 + PriceTable.gbSeconds(7, 1024) * 0.0000166667, r.usd(), 1e-15,
                "both requests are priced, only the known duration");
    }

    @Test
    void countsExactlyUnderConcurrentRecording() throws Exception {
        CostMeter m = new CostMeter(PRICES);
        int threads = 8;
        int calls = 2000;
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> ts = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int item = t;
            ts.add(Thread.ofPlatform().start(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < calls; i++) {
                    m.record(i % 2 == 0 ? "predict" : "train", item, new Billing(3, null, Billing.Source.MEASURED));
                }
            }));
        }
        go.countDown();
        for (Thread t : ts) {
            t.join(30_000);
        }
        CostReport r = m.report();
        assertEquals((long) threads * calls, r.invocations());
        assertEquals(3L * threads * calls, r.billedMillis());
        for (int t = 0; t < threads; t++) {
            assertEquals(3L * calls, m.billedMillis(t));
        }
    }
}
