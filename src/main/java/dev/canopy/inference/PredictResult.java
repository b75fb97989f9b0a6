package dev.canopy.inference;

/**
 * What {@code predict} returns for one shard. {@code instanceId} names the warm instance that served the
 * call, and {@code modelLoaded} says whether this call loaded the model (false: it came from the cache).
 */
public record PredictResult(String shard, long rows, double scoreSum, String instanceId, boolean modelLoaded,
                            long millis, String outputUri) {
}
