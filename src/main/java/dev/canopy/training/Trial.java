package dev.canopy.training;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;
import java.util.Map;

/**
 * One configuration of a search, ranked: the mean and population standard deviation (numpy's {@code std},
 * as scikit-learn reports it) of its validation MSE over the folds, and the mean test MSE of its fold models.
 * Without folds, {@code cvMse} is the test MSE and {@code cvStd} 0. FAILED when any of its trials failed
 * ({@code error} is the first failure).
 *
 * <p>A classification's configurations are ranked by the run's {@code metric} ({@link ClassificationMetric}) instead:
 * {@code cvScore} is its mean over the held-out folds (the test rows' without folds), {@code cvStd} its standard
 * deviation, {@code testScore} its mean on the test rows and {@code foldScores} each fold's; the MSE fields are null.
 */
public record Trial(int config, String algorithm, Map<String, Number> params, TrainerState state, Double cvMse,
                    Double cvStd, Double testMse, List<Double> foldMses, int failedTrials, String error,
                    long trainMillis,
                    @JsonInclude(JsonInclude.Include.NON_NULL) String metric,
                    @JsonInclude(JsonInclude.Include.NON_NULL) Double cvScore,
                    @JsonInclude(JsonInclude.Include.NON_NULL) Double testScore,
                    @JsonInclude(JsonInclude.Include.NON_NULL) List<Double> foldScores) {

    /** A regression's configuration. */
    public Trial(int config, String algorithm, Map<String, Number> params, TrainerState state, Double cvMse,
                 Double cvStd, Double testMse, List<Double> foldMses, int failedTrials, String error, long trainMillis) {
        this(config, algorithm, params, state, cvMse, cvStd, testMse, foldMses, failedTrials, error, trainMillis, null,
                null, null, null);
    }

    /** True when the configuration is a classification's, ranked by {@link #metric}. */
    public boolean classification() {
        return metric != null;
    }
}
