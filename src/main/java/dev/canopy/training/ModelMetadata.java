package dev.canopy.training;

import dev.canopy.model.FeatureEncoding;

import java.util.List;
import java.util.Map;

/**
 * The JSON written beside each model: enough to reproduce it and to score new data with it. {@code encoding}
 * is how scoring prepares a shard: categories in code order and the missing-value policy with its fill values.
 */
public record ModelMetadata(String format, String algorithm, Map<String, Number> params, List<String> features,
                            String target, Metrics metrics, long trainMillis, long modelBytes, DatasetSummary dataset,
                            long seed, double testFraction, Map<String, String> libraries, String runId,
                            String createdAt, FeatureEncoding encoding) {
    public static final String FORMAT = "smile-java-serialization/1";
}
