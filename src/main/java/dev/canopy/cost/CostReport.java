package dev.canopy.cost;

import java.util.List;

/**
 * What a run cost on Lambda, or would have cost: its invocations, their billed milliseconds, the GB-seconds
 * at each function's configured memory, and the price those come to under a price table. One row per
 * function in {@code functions}; the top-level figures are their sums.
 */
public record CostReport(long invocations, long billedMillis, double gbSeconds, double usd, String architecture,
                         String source, List<FunctionCost> functions) {

    /** One function's share: its calls, billed time, memory and price. */
    public record FunctionCost(String function, long invocations, long billedMillis, int memoryMb, double gbSeconds,
                               double usd) {
    }
}
