package dev.canopy.inference;

/**
 * What {@code predict} returns for one shard. {@code instanceId} names the warm instance that served the
 * call, and {@code modelLoaded} says whether this call loaded the model (false: it came from the cache).
 * {@code csvUri} is the CSV copy of the predictions ({@code outputFormat} csv), or null. {@code requests} and
 * {@code roundTrips} count the storage requests this call made before writing its predictions (the model's, if
 * any, and the shard's) and the sequential waits they took (requests sent at once are one round trip);
 * {@code bytesRead} the shard bytes they fetched.
 */
public record PredictResult(String shard, long rows, double scoreSum, String instanceId, boolean modelLoaded,
                            long millis, String outputUri, String csvUri,
                            @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
                            Long requests,
                            @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
                            Long roundTrips,
                            @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
                            Long bytesRead) {

    public PredictResult(String shard, long rows, double scoreSum, String instanceId, boolean modelLoaded,
                         long millis, String outputUri, String csvUri) {
        this(shard, rows, scoreSum, instanceId, modelLoaded, millis, outputUri, csvUri, null, null, null);
    }

    public PredictResult(String shard, long rows, double scoreSum, String instanceId, boolean modelLoaded,
                         long millis, String outputUri) {
        this(shard, rows, scoreSum, instanceId, modelLoaded, millis, outputUri, null);
    }
}
