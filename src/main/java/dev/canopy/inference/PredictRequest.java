package dev.canopy.inference;

/**
 * Input of the {@code predict} function: score one shard. {@code outputUri}, when set, is the exact object
 * the predictions are written to; the orchestrator derives it from the shard, so a retry overwrites the
 * same object instead of adding a second one. {@code runId} and {@code attempt} (from 1) are optional and
 * only label the predictor's log lines; the orchestrator and the Distributed Map workflow fill them.
 */
public record PredictRequest(String modelUri, String shard, String outputUri, String runId, Integer attempt) {

    public PredictRequest(String modelUri, String shard, String outputUri) {
        this(modelUri, shard, outputUri, null, null);
    }
}
