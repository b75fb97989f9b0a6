package dev.canopy.inference;

import dev.canopy.pool.CallState;

/** One shard's row of a batch: its state (SUCCEEDED, FAILED, TIMED_OUT, CANCELLED) and what it produced. */
public record ShardResult(int index, String shard, CallState state, Long rows, Double scoreSum, int attempts,
                          String instanceId, Boolean modelLoaded, long millis, String outputUri, String error,
                          @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
                          Long billedMillis) {

    public ShardResult(int index, String shard, CallState state, Long rows, Double scoreSum, int attempts,
                       String instanceId, Boolean modelLoaded, long millis, String outputUri, String error) {
        this(index, shard, state, rows, scoreSum, attempts, instanceId, modelLoaded, millis, outputUri, error, null);
    }
}
