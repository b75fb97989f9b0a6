package dev.canopy.training;

import java.util.List;
import java.util.Map;

/**
 * Input of the {@code train} function: one algorithm on one data set. The supervisor fills
 * {@code dataVersion} (and {@code testDataVersion}) so every trainer of a run reads the same bytes.
 */
public record TrainRequest(String runId, String data, String dataVersion, String target, List<String> features,
                           String algorithm, Double testFraction, Long seed, String testData,
                           String testDataVersion, Map<String, Object> params, String out) {
}
