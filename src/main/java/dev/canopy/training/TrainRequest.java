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
 *
 * @param delimiter     a CSV file's delimiter (one character, or comma, semicolon, tab, pipe); default: detected
 * @param missing       what a feature without a value does: error (default), drop or impute
 * @param categorical   {@code auto}: every text column is a (categorical) feature; {@code none} (default):
 *                      text columns are features only when {@code features} names them
 * @param maxCategories the most categories a categorical feature may have (default 64)
 * @param exclude       columns that are never features (besides those named like identifiers, left out by default)
 */
public record TrainRequest(String runId, String data, String dataVersion, String target, List<String> features,
                           String algorithm, Double testFraction, Long seed, String testData,
                           String testDataVersion, Map<String, Object> params, String out,
                           Integer folds, Integer fold, Boolean trial, String delimiter,
                           String missing, String categorical, Integer maxCategories,
                           @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
                           List<String> exclude) {

    public TrainRequest(String runId, String data, String dataVersion, String target, List<String> features,
                        String algorithm, Double testFraction, Long seed, String testData, String testDataVersion,
                        Map<String, Object> params, String out, Integer folds, Integer fold, Boolean trial,
                        String delimiter, String missing, String categorical, Integer maxCategories) {
        this(runId, data, dataVersion, target, features, algorithm, testFraction, seed, testData, testDataVersion,
                params, out, folds, fold, trial, delimiter, missing, categorical, maxCategories, null);
    }

    public TrainRequest(String runId, String data, String dataVersion, String target, List<String> features,
                        String algorithm, Double testFraction, Long seed, String testData, String testDataVersion,
                        Map<String, Object> params, String out) {
        this(runId, data, dataVersion, target, features, algorithm, testFraction, seed, testData, testDataVersion,
                params, out, null, null, null, null, null, null, null);
    }

    boolean isTrial() {
        return Boolean.TRUE.equals(trial);
    }
}
