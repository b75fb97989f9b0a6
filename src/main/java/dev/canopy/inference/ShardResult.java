package dev.canopy.inference;

import dev.canopy.pool.CallState;

/**
 * One shard's row of a batch: its state (SUCCEEDED, FAILED, TIMED_OUT, CANCELLED) and what it produced.
 * {@code runId} is set only on a row a resumed batch carried over from an earlier run: that run's id.
 * {@code requests} and {@code roundTrips}: the storage requests the successful call made before its PUT, and the
 * sequential waits they took ({@link PredictResult}).
 */
public record ShardResult(int index, String shard, CallState state, Long rows, Double scoreSum, int attempts,
                          String instanceId, Boolean modelLoaded, long millis, String outputUri, String error,
                          @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
                          Long billedMillis,
                          @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
                          String runId,
                          @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
                          Long requests,
                          @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
                          Long roundTrips) {

    public ShardResult(int index, String shard, CallState state, Long rows, Double scoreSum, int attempts,
                       String instanceId, Boolean modelLoaded, long millis, String outputUri, String error,
                       Long billedMillis, String runId) {
        this(index, shard, state, rows, scoreSum, attempts, instanceId, modelLoaded, millis, outputUri, error,
                billedMillis, runId, null, null);
    }

    public ShardResult(int index, String shard, CallState state, Long rows, Double scoreSum, int attempts,
                       String instanceId, Boolean modelLoaded, long millis, String outputUri, String error) {
        this(index, shard, state, rows, scoreSum, attempts, instanceId, modelLoaded, millis, outputUri, error, null);
    }

    public ShardResult(int index, String shard, CallState state, Long rows, Double scoreSum, int attempts,
                       String instanceId, Boolean modelLoaded, long millis, String outputUri, String error,
                       Long billedMillis) {
        this(index, shard, state, rows, scoreSum, attempts, instanceId, modelLoaded, millis, outputUri, error,
                billedMillis, null);
    }

    /** This row as produced by the run {@code runId} (a resumed batch's manifest keeps rows of earlier runs). */
    public ShardResult inRun(String runId) {
        return new ShardResult(index, shard, state, rows, scoreSum, attempts, instanceId, modelLoaded, millis, outputUri,
                error, billedMillis, runId, requests, roundTrips);
    }
}
