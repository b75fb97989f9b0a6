package dev.canopy.inference;

/**
 * Input of the {@code predict} function: score one shard. {@code outputUri}, when set, is the exact object
 * the predictions are written to; the orchestrator derives it from the shard, so a retry overwrites the
 * same object instead of adding a second one.
 */
public record PredictRequest(String modelUri, String shard, String outputUri) {
}
