package dev.canopy.inference;

import java.util.List;

/**
 * Input of the {@code batch-predict} function. Give {@code shards} or {@code shardPrefix} (every
 * {@code .parquet} object under it), not both. Unset numbers take their defaults: poolSize 6, ordered
 * true, maxAttempts 3, shardTimeoutSeconds 300, toleratedFailurePercentage 0.
 */
public record BatchPredictRequest(String runId, String modelUri, List<String> shards, String shardPrefix,
                                  Integer poolSize, String outputPrefix, Boolean ordered, Integer maxAttempts,
                                  Integer shardTimeoutSeconds, Double toleratedFailurePercentage) {
}
