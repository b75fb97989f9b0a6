package dev.canopy.training;

import java.util.List;
import java.util.Map;

/**
 * Input of the {@code train} function: one algorithm on one data set. The supervisor fills
 * {@code dataVersion} (and {@code testDataVersion}) so every trainer of a run reads the same bytes.
 *
 * @param delimiter     a CSV file's delimiter (one character, or comma, semicolon, tab, pipe); default: detected
 * @param missing       what a feature without a value does: error (default), drop or impute
 * @param categorical   {@code auto}: every text column is a (categorical) feature; {@code none} (default):
 *                      text columns are features only when {@code features} names them
 * @param maxCategories the most categories a categorical feature may have (default 64)
 */
public record TrainRequest(String runId, String data, String dataVersion, String target, List<String> features,
                           String algorithm, Double testFraction, Long seed, String testData,
                           String testDataVersion, Map<String, Object> params, String out, String delimiter,
                           String missing, String categorical, Integer maxCategories) {

    public TrainRequest(String runId, String data, String dataVersion, String target, List<String> features,
                        String algorithm, Double testFraction, Long seed, String testData, String testDataVersion,
                        Map<String, Object> params, String out) {
        this(runId, data, dataVersion, target, features, algorithm, testFraction, seed, testData, testDataVersion,
                params, out, null, null, null, null);
    }
}
