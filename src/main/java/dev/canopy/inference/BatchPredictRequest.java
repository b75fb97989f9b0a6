package dev.canopy.inference;

import java.util.List;

/**
 * Input of the {@code batch-predict} function. Give {@code shards} or {@code shardPrefix} (every
 * {@code .parquet} object under it), not both. Unset numbers take their defaults: poolSize 6, ordered
 * true, maxAttempts 3, shardTimeoutSeconds 300, toleratedFailurePercentage 0. {@code summaryOnly} (default
 * false) leaves the per-shard rows out of the answer, which then stays a few hundred bytes however many
 * shards there are: the rows are in the manifest ({@code manifestUri}, with an {@code outputPrefix}) or in
 * {@code resultUri}. Step Functions needs it: a task result above 256 KiB fails the state.
 */
public record BatchPredictRequest(String runId, String modelUri, List<String> shards, String shardPrefix,
                                  Integer poolSize, String outputPrefix, Boolean ordered, Integer maxAttempts,
                                  Integer shardTimeoutSeconds, Double toleratedFailurePercentage, Boolean summaryOnly,
                                  List<String> keepColumns, String outputFormat, Boolean overwrite, String resumeFrom) {

    public BatchPredictRequest(String runId, String modelUri, List<String> shards, String shardPrefix,
                               Integer poolSize, String outputPrefix, Boolean ordered, Integer maxAttempts,
                               Integer shardTimeoutSeconds, Double toleratedFailurePercentage, Boolean summaryOnly) {
        this(runId, modelUri, shards, shardPrefix, poolSize, outputPrefix, ordered, maxAttempts, shardTimeoutSeconds,
                toleratedFailurePercentage, summaryOnly, null, null, null, null);
    }

    public BatchPredictRequest(String runId, String modelUri, List<String> shards, String shardPrefix,
                               Integer poolSize, String outputPrefix, Boolean ordered, Integer maxAttempts,
                               Integer shardTimeoutSeconds, Double toleratedFailurePercentage) {
        this(runId, modelUri, shards, shardPrefix, poolSize, outputPrefix, ordered, maxAttempts, shardTimeoutSeconds,
                toleratedFailurePercentage, null);
    }
}
