package dev.canopy.training;

import com.fasterxml.jackson.annotation.JsonInclude;

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
 * @param sampleRows    train and test on a deterministic sample of this many rows of {@code data} (chosen with
 *                      {@code seed}), read part by part; for data that does not fit the trainer's memory or time
 * @param fitToBudget   when the data does not fit the trainer's memory or time budget, train on the largest
 *                      deterministic sample that does (instead of refusing)
 * @param share         set by a random_forest trainer that fans out ({@link ForestFanOut}): this call builds
 *                      that share of the forest's trees, saves it and publishes nothing
 * @param task          auto (default), regression, binary or multiclass ({@link Task}, {@link TaskDetector})
 * @param maxClasses    the most classes a classification may have (default 20)
 * @param classWeight   none (default) or balanced: each row weighted n / (classes × its class's rows)
 * @param stratify      split (and cross-validate) stratified by class, as scikit-learn's {@code stratify=y}
 * @param metric        what a classification is ranked by ({@link ClassificationMetric}; default log_loss)
 */
public record TrainRequest(String runId, String data, String dataVersion, String target, List<String> features,
                           String algorithm, Double testFraction, Long seed, String testData,
                           String testDataVersion, Map<String, Object> params, String out,
                           Integer folds, Integer fold, Boolean trial, String delimiter,
                           String missing, String categorical, Integer maxCategories,
                           @JsonInclude(JsonInclude.Include.NON_NULL) List<String> exclude,
                           Long sampleRows, Boolean fitToBudget,
                           @JsonInclude(JsonInclude.Include.NON_NULL) ForestFanOut.Share share,
                           @JsonInclude(JsonInclude.Include.NON_NULL) String task,
                           @JsonInclude(JsonInclude.Include.NON_NULL) Integer maxClasses,
                           @JsonInclude(JsonInclude.Include.NON_NULL) String classWeight,
                           @JsonInclude(JsonInclude.Include.NON_NULL) Boolean stratify,
                           @JsonInclude(JsonInclude.Include.NON_NULL) String metric) {

    public TrainRequest(String runId, String data, String dataVersion, String target, List<String> features,
                        String algorithm, Double testFraction, Long seed, String testData, String testDataVersion,
                        Map<String, Object> params, String out, Integer folds, Integer fold, Boolean trial,
                        String delimiter, String missing, String categorical, Integer maxCategories,
                        List<String> exclude, Long sampleRows, Boolean fitToBudget, ForestFanOut.Share share) {
        this(runId, data, dataVersion, target, features, algorithm, testFraction, seed, testData, testDataVersion,
                params, out, folds, fold, trial, delimiter, missing, categorical, maxCategories, exclude, sampleRows,
                fitToBudget, share, null, null, null, null, null);
    }

    public TrainRequest(String runId, String data, String dataVersion, String target, List<String> features,
                        String algorithm, Double testFraction, Long seed, String testData, String testDataVersion,
                        Map<String, Object> params, String out, Integer folds, Integer fold, Boolean trial,
                        String delimiter, String missing, String categorical, Integer maxCategories,
                        List<String> exclude, Long sampleRows, Boolean fitToBudget) {
        this(runId, data, dataVersion, target, features, algorithm, testFraction, seed, testData, testDataVersion,
                params, out, folds, fold, trial, delimiter, missing, categorical, maxCategories, exclude, sampleRows,
                fitToBudget, null);
    }

    /** This request as one worker's share of a forest: the same data, version, sample and split, its own trees and seed. */
    TrainRequest withShare(ForestFanOut.Share s, Map<String, Object> shareParams) {
        return new TrainRequest(runId, data, dataVersion, target, features, algorithm, testFraction, seed, testData,
                testDataVersion, shareParams, out, folds, fold, trial, delimiter, missing, categorical, maxCategories,
                exclude, sampleRows, fitToBudget, s, task, maxClasses, classWeight, stratify, metric);
    }

    public TrainRequest(String runId, String data, String dataVersion, String target, List<String> features,
                        String algorithm, Double testFraction, Long seed, String testData, String testDataVersion,
                        Map<String, Object> params, String out, Integer folds, Integer fold, Boolean trial,
                        String delimiter, String missing, String categorical, Integer maxCategories) {
        this(runId, data, dataVersion, target, features, algorithm, testFraction, seed, testData, testDataVersion,
                params, out, folds, fold, trial, delimiter, missing, categorical, maxCategories, null, null, null, null);
    }

    public TrainRequest(String runId, String data, String dataVersion, String target, List<String> features,
                        String algorithm, Double testFraction, Long seed, String testData, String testDataVersion,
                        Map<String, Object> params, String out) {
        this(runId, data, dataVersion, target, features, algorithm, testFraction, seed, testData, testDataVersion,
                params, out, null, null, null, null, null, null, null);
    }

    /** The task options, checked ({@link TaskOptions#of}). */
    TaskOptions taskOptions() {
        return TaskOptions.of(task, maxClasses, classWeight, stratify, metric, testData);
    }

    boolean isTrial() {
        return Boolean.TRUE.equals(trial);
    }
}
