package dev.canopy.training;

/**
 * One {@code train} invocation of a run, for its timeline: what it was ({@code kind} is {@code train},
 * {@code trial} or {@code refit}; {@code config} and {@code fold} are null outside a search), the pool slot
 * that ran it, and when it started and ended, in milliseconds since the run began. {@code billedMillis} is
 * its attempts' billed time summed (see {@link dev.canopy.cost.CostReport}), null when unknown.
 */
public record TrainInvocation(String kind, String algorithm, Integer config, Integer fold, int slot, long startMillis,
                         long endMillis, int attempts, String state,
                         @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
                         Long billedMillis) {

    public TrainInvocation(String kind, String algorithm, Integer config, Integer fold, int slot, long startMillis,
                      long endMillis, int attempts, String state) {
        this(kind, algorithm, config, fold, slot, startMillis, endMillis, attempts, state, null);
    }
}
