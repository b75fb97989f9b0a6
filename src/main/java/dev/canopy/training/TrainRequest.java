package dev.canopy.training;

import java.util.List;
import java.util.Map;

/**
 * Input of the {@code train} function: one algorithm on one data set. The supervisor fills
 * {@code dataVersion} (and {@code testDataVersion}) so every trainer of a run reads the same bytes.
 *
 * <p>A search's trial sets {@code trial}: the trainer then saves nothing and publishes no status (the
 * supervisor's search status reports trials), so hundreds of trials cost no storage. With {@code folds}
 * (2..20) and {@code fold} (0..folds-1) it trains on the other folds of the training split and reports the
 * MSE on fold {@code fold} as {@code validationMse}; see {@link Folds}.
 */
public record TrainRequest(String runId, String data, String dataVersion, String target, List<String> features,
                           String algorithm, Double testFraction, Long seed, String testData,
                           String testDataVersion, Map<String, Object> params, String out,
                           Integer folds, Integer fold, Boolean trial) {

    public TrainRequest(String runId, String data, String dataVersion, String target, List<String> features,
                        String algorithm, Double testFraction, Long seed, String testData, String testDataVersion,
                        Map<String, Object> params, String out) {
        this(runId, data, dataVersion, target, features, algorithm, testFraction, seed, testData, testDataVersion,
                params, out, null, null, null);
    }

    boolean isTrial() {
        return Boolean.TRUE.equals(trial);
    }
}
