package dev.canopy.training;

import java.util.List;
import java.util.Map;

/**
 * One configuration of a search, ranked: the mean and population standard deviation (numpy's {@code std},
 * as scikit-learn reports it) of its validation MSE over the folds, and the mean test MSE of its fold models.
 * Without folds, {@code cvMse} is the test MSE and {@code cvStd} 0. FAILED when any of its trials failed
 * ({@code error} is the first failure).
 */
public record Trial(int config, String algorithm, Map<String, Number> params, TrainerState state, Double cvMse,
                    Double cvStd, Double testMse, List<Double> foldMses, int failedTrials, String error,
                    long trainMillis) {
}
