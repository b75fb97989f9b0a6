package dev.canopy.cost;


import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Counts one run's invocations and their billing as they happen, from any number of threads, and turns
 * them into a {@link CostReport}. Each call is recorded once, success or failure, with whatever billing is
 * known of it; a call whose billing is unknown counts as an invocation and as {@code unmetered}.
 *
 * <p>Rows are kept per (function, memory): GB-seconds are billed milliseconds times each invocation's
 * own memory, so a function whose memory changed mid-run (a deployment) is not priced at one size.
 */
public final class CostMeter {
    private final PriceTable prices;
    private final Map<String, Map<Integer, long[]>> rows = new TreeMap<>();
    private final Map<Integer, Long> perItem = new HashMap<>();
    private long unmetered;
    private boolean lambda;
    private boolean measured;

    public CostMeter(PriceTable prices) {
        this.prices = prices;
    }

    /**
     * Records one invocation that reached {@code function}.
     *
     * @param billing what it was billed, or null when unknown
     * @return the billed milliseconds, or null when unknown
     */
    public synchronized Long record(String function, Billing billing) {
        int memory = billing != null && billing.memoryMb() != null ? billing.memoryMb() : prices.memoryOf(function);
        long[] row = rows.computeIfAbsent(function, f -> new TreeMap<>()).computeIfAbsent(memory, m -> new long[2]);
        row[0]++;
        if (billing == null) {
            unmetered++;
            return null;
        }
        row[1] += billing.billedMillis();
        if (billing.source() == Billing.Source.LAMBDA_REPORT) {
            lambda = true;
        } else {
            measured = true;
        }
        return billing.billedMillis();
    }

    /**
     * Records one invocation made for {@code item} (a shard, a trainer job), whose billed milliseconds
     * add up over its attempts ({@link #billedMillis(int)}).
     */
    public synchronized Long record(String function, int item, Billing billing) {
        Long ms = record(function, billing);
        if (ms != null) {
            perItem.merge(item, ms, Long::sum);
        }
        return ms;
    }

    /**
     * Records a failed call for {@code item} if it reached its function: a function error (it ran, and
     * Lambda bills it) or no answer (it may have run; billing unknown). A call refused before it ran
     * (throttled, unreachable, a 4xx or 5xx of the service, a bad function name) is not an invocation.
     */
    public void recordFailure(String function, int item, Throwable e) {
        if (e instanceof FailedCall f && f.reachedFunction()) {
            record(function, item, f.billing());
        }
    }

    /** The billed milliseconds of an item's attempts, summed; null when none of them was billed. */
    public synchronized Long billedMillis(int item) {
        return perItem.get(item);
    }

    /** The report so far, without an orchestrator estimate. */
    public CostReport report() {
        return report(null, 0);
    }

    /**
     * The report so far.
     *
     * @param orchestrator the calling function's name ({@code batch-predict}, {@code supervise}), or null
     * @param wallMillis   its wall time so far, estimated as its billed duration at its configured memory
     */
    public synchronized CostReport report(String orchestrator, long wallMillis) {
        List<CostReport.FunctionCost> out = new ArrayList<>();
        long invocations = 0;
        long billed = 0;
        double gbs = 0;
        double usd = 0;
        for (var f : rows.entrySet()) {
            for (var m : f.getValue().entrySet()) {
                long[] row = m.getValue();
                double g = PriceTable.gbSeconds(row[1], m.getKey());
                double u = prices.usd(row[0], g);
                out.add(new CostReport.FunctionCost(f.getKey(), row[0], row[1], m.getKey(), g, u));
                invocations += row[0];
                billed += row[1];
                gbs += g;
                usd += u;
            }
        }
        String source = lambda && measured ? CostReport.MIXED : lambda ? CostReport.LAMBDA
                : measured ? CostReport.MEASURED : CostReport.NONE;
        CostReport.FunctionCost self = null;
        if (orchestrator != null) {
            int memory = prices.memoryOf(orchestrator);
            double g = PriceTable.gbSeconds(wallMillis, memory);
            self = new CostReport.FunctionCost(orchestrator, 1, wallMillis, memory, g, prices.usd(1, g));
        }
        return new CostReport(invocations, billed, gbs, usd, prices.architecture(), source, out, unmetered, self);
    }
}
