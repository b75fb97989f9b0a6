package dev.canopy.training;

import dev.canopy.model.FeatureEncoding;

import java.util.List;
import java.util.Map;

/**
 * The JSON written beside each model: enough to reproduce it and to score new data with it. {@code encoding}
 * is how scoring prepares a shard: categories in code order and the missing-value policy with its fill values.
 * {@code task} is {@code regression}, {@code binary} or {@code multiclass} (null in files written before
 * classification: a regression); {@code classes} a classification's labels in class-code order
 * ({@link ClassLabels}), the order of its probabilities, and null for a regression. {@code metrics} are a
 * regression's; a classification's are in the run's result ({@link TrainResult#classification}).
 */
public record ModelMetadata(String format, String algorithm, Map<String, Number> params, List<String> features,
                            String target, Metrics metrics, long trainMillis, long modelBytes, DatasetSummary dataset,
                            long seed, double testFraction, Map<String, String> libraries, String runId,
                            String createdAt, FeatureEncoding encoding, String task, List<String> classes) {
    public static final String FORMAT = "smile-java-serialization/1";

    /** A regression's metadata. */
    public ModelMetadata(String format, String algorithm, Map<String, Number> params, List<String> features,
                         String target, Metrics metrics, long trainMillis, long modelBytes, DatasetSummary dataset,
                         long seed, double testFraction, Map<String, String> libraries, String runId,
                         String createdAt, FeatureEncoding encoding) {
        this(format, algorithm, params, features, target, metrics, trainMillis, modelBytes, dataset, seed, testFraction,
                libraries, runId, createdAt, encoding, Task.REGRESSION.id(), null);
    }
}
