package dev.canopy.cost;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;

/**
 * What a run's invocations cost on Lambda, or would have cost: how many ran, their billed milliseconds,
 * the GB-seconds at each function's memory, and the price those come to under a {@link PriceTable}. One
 * row per invoked function in {@code functions}; the top-level figures are their sums.
 *
 * <p>{@code invocations} counts every call that reached its function, retries and failed calls included
 * (Lambda bills them all); calls refused before they ran (throttled, unreachable, a 4xx/5xx of the
 * service) are not counted, as Lambda does not charge them. {@code unmetered} counts calls that ran but
 * whose billed time is unknown (no answer came, so no REPORT line): their requests are priced, their
 * duration is not. {@code source} says where the billed times come from: {@code lambda} (REPORT lines),
 * {@code measured} (in-process calls timed and rounded up to the millisecond as Lambda bills), or
 * {@code mixed}.
 *
 * <p>{@code orchestrator} is the calling function itself (supervise, batch-predict), which cannot see its
 * own REPORT line: its wall time at its configured memory, an estimate, and not part of the totals.
 */
public record CostReport(long invocations, long billedMillis, double gbSeconds, double usd, String architecture,
                         String source, List<FunctionCost> functions,
                         @JsonInclude(JsonInclude.Include.NON_DEFAULT) long unmetered,
                         @JsonInclude(JsonInclude.Include.NON_NULL) FunctionCost orchestrator) {

    public static final String LAMBDA = "lambda";
    public static final String MEASURED = "measured";
    public static final String MIXED = "mixed";
    /** No call's billing is known (none ran, or none answered). */
    public static final String NONE = "none";

    public CostReport {
        functions = functions == null ? List.of() : List.copyOf(functions);
    }

    /** One function's share: its calls, billed time, memory and price. */
    public record FunctionCost(String function, long invocations, long billedMillis, int memoryMb, double gbSeconds,
                               double usd) {
    }

    /** The totals with the orchestrator's estimate added, for a reader who wants one figure. */
    public double usdWithOrchestrator() {
        return usd + (orchestrator == null ? 0 : orchestrator.usd());
    }
}
