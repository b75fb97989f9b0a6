package dev.canopy.inference;

/**
 * What {@code predict} returns for one shard. {@code instanceId} names the warm instance that served the
 * call, and {@code modelLoaded} says whether this call loaded the model (false: it came from the cache).
 * {@code csvUri} is the CSV copy of the predictions ({@code outputFormat} csv), or null.
 */
public record PredictResult(String shard, long rows, double scoreSum, String instanceId, boolean modelLoaded,
                            long millis, String outputUri, String csvUri) {

    public PredictResult(String shard, long rows, double scoreSum, String instanceId, boolean modelLoaded,
                         long millis, String outputUri) {
        this(shard, rows, scoreSum, instanceId, modelLoaded, millis, outputUri, null);
    }
}
