package dev.canopy.training;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.Map;

/**
 * One trainer's outcome: a row of the supervisor's results. A FAILED row has {@code error} set and no
 * metrics. {@code dataset} is filled by {@code train} and left out of the supervisor's rows, which
 * report it once at the top.
 */
public record TrainResult(String algorithm, TrainerState state, Double mse, Double rmse, Double mae, Double r2,
                          Long trainMillis, Long modelBytes, String modelUri, Map<String, Number> params,
                          String error, @JsonInclude(JsonInclude.Include.NON_NULL) DatasetSummary dataset) {

    public static TrainResult failed(String algorithm, Map<String, Number> params, String error) {
        return new TrainResult(algorithm, TrainerState.FAILED, null, null, null, null, null, null, null, params,
                error, null);
    }

    public TrainResult withoutDataset() {
        return new TrainResult(algorithm, state, mse, rmse, mae, r2, trainMillis, modelBytes, modelUri, params, error,
                null);
    }
}
