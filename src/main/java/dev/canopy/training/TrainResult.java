package dev.canopy.training;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.Map;

/**
 * One trainer's outcome: a row of the supervisor's results. A FAILED row has {@code error} set and no
 * metrics. {@code dataset} is filled by {@code train} and left out of the supervisor's rows, which
 * report it once at the top. {@code validationMse} is set only for a cross-validation trial: the MSE on
 * its held-out fold (the other metrics are always on the test rows). {@code workers} is set by a random
 * forest that fanned out ({@link ForestFanOut}): its workers' invocations, in milliseconds since the trainer began.
 *
 * <p>A classification has no regression metrics ({@code mse} … {@code r2} null): {@code classification} holds its
 * test-row metrics, and a cross-validation trial's {@code validationScore} is the run's ranking metric
 * ({@link ClassificationMetric}) on its held-out fold. Both are absent from a regression's JSON.
 */
public record TrainResult(String algorithm, TrainerState state, Double mse, Double rmse, Double mae, Double r2,
                          Long trainMillis, Long modelBytes, String modelUri, Map<String, Number> params,
                          String error, @JsonInclude(JsonInclude.Include.NON_NULL) DatasetSummary dataset,
                          @JsonInclude(JsonInclude.Include.NON_NULL) Double validationMse,
                          @JsonInclude(JsonInclude.Include.NON_NULL) java.util.List<TrainInvocation> workers,
                          @JsonInclude(JsonInclude.Include.NON_NULL) ClassificationMetrics classification,
                          @JsonInclude(JsonInclude.Include.NON_NULL) Double validationScore) {

    public TrainResult(String algorithm, TrainerState state, Double mse, Double rmse, Double mae, Double r2,
                       Long trainMillis, Long modelBytes, String modelUri, Map<String, Number> params, String error,
                       DatasetSummary dataset, Double validationMse, java.util.List<TrainInvocation> workers) {
        this(algorithm, state, mse, rmse, mae, r2, trainMillis, modelBytes, modelUri, params, error, dataset,
                validationMse, workers, null, null);
    }

    public TrainResult(String algorithm, TrainerState state, Double mse, Double rmse, Double mae, Double r2,
                       Long trainMillis, Long modelBytes, String modelUri, Map<String, Number> params, String error,
                       DatasetSummary dataset, Double validationMse) {
        this(algorithm, state, mse, rmse, mae, r2, trainMillis, modelBytes, modelUri, params, error, dataset,
                validationMse, null);
    }

    public TrainResult(String algorithm, TrainerState state, Double mse, Double rmse, Double mae, Double r2,
                       Long trainMillis, Long modelBytes, String modelUri, Map<String, Number> params, String error,
                       DatasetSummary dataset) {
        this(algorithm, state, mse, rmse, mae, r2, trainMillis, modelBytes, modelUri, params, error, dataset, null);
    }

    public static TrainResult failed(String algorithm, Map<String, Number> params, String error) {
        return new TrainResult(algorithm, TrainerState.FAILED, null, null, null, null, null, null, null, params,
                error, null);
    }

    public TrainResult withoutDataset() {
        return new TrainResult(algorithm, state, mse, rmse, mae, r2, trainMillis, modelBytes, modelUri, params, error,
                null, validationMse, workers, classification, validationScore);
    }
}
