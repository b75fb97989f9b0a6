package dev.canopy.training;

import java.util.List;
import java.util.Map;

/**
 * Input of the {@code supervise} function. Only {@code data} is required. {@code params} maps an
 * algorithm to its overrides, e.g. {@code {"random_forest": {"trees": 300}}}. {@code search}, when given,
 * makes the run a search ({@link SearchSpace}). {@code delimiter}, {@code missing}, {@code categorical} and
 * {@code maxCategories} are passed to every trainer (see {@link TrainRequest}).
 */
public record SuperviseRequest(String runId, String data, String target, List<String> features,
                               List<String> algorithms, Double testFraction, Long seed, String testData,
                               Map<String, Map<String, Object>> params, String out, SearchSpace search,
                               String delimiter, String missing, String categorical, Integer maxCategories,
                               Boolean overwrite) {

    public SuperviseRequest(String runId, String data, String target, List<String> features, List<String> algorithms,
                            Double testFraction, Long seed, String testData, Map<String, Map<String, Object>> params,
                            String out, SearchSpace search, String delimiter, String missing, String categorical,
                            Integer maxCategories) {
        this(runId, data, target, features, algorithms, testFraction, seed, testData, params, out, search, delimiter,
                missing, categorical, maxCategories, null);
    }

    public SuperviseRequest(String runId, String data, String target, List<String> features, List<String> algorithms,
                            Double testFraction, Long seed, String testData, Map<String, Map<String, Object>> params,
                            String out) {
        this(runId, data, target, features, algorithms, testFraction, seed, testData, params, out, null, null, null, null, null);
    }
}
