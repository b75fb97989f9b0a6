package dev.canopy.training;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;
import java.util.Map;

/**
 * Input of the {@code supervise} function. Only {@code data} is required. {@code params} maps an
 * algorithm to its overrides, e.g. {@code {"random_forest": {"trees": 300}}}. {@code search}, when given,
 * makes the run a search ({@link SearchSpace}). {@code delimiter}, {@code missing}, {@code categorical} and
 * {@code maxCategories} are passed to every trainer (see {@link TrainRequest}), and so are {@code exclude}, the
 * columns that are never features, {@code sampleRows}, {@code fitToBudget} and the task options {@code task},
 * {@code maxClasses}, {@code classWeight}, {@code stratify} and {@code metric} ({@link TaskOptions}; the metric
 * also ranks the run's classifiers and a search's trials).
 *
 * <p><b>Run ids.</b> A run keeps what it was asked for in {@code {out}/{runId}/request.json}
 * ({@link RunFingerprint}: the data's URI, version and size, and every setting, defaults filled in).
 * The same request again with the same {@code runId} is idempotent: the run is trained again and writes the
 * same objects (it does not return the earlier result, so a run whose trainers failed can simply be sent
 * again). A different request with a {@code runId} that is taken (different data or data version, target,
 * features, algorithms, split, seed, params, search, delimiter, missing or categorical settings; or a folder
 * with no request record) is refused with a {@link dev.canopy.error.ConflictException} naming the run id,
 * its location and what differs, unless {@code overwrite} is true (CLI {@code --overwrite}): then the
 * previous run's objects, only those {@link RunLayout} names, are deleted before training.
 */
public record SuperviseRequest(String runId, String data, String target, List<String> features,
                               List<String> algorithms, Double testFraction, Long seed, String testData,
                               Map<String, Map<String, Object>> params, String out, SearchSpace search,
                               String delimiter, String missing, String categorical, Integer maxCategories,
                               Boolean overwrite,
                               @JsonInclude(JsonInclude.Include.NON_NULL) List<String> exclude,
                               Long sampleRows, Boolean fitToBudget,
                               @JsonInclude(JsonInclude.Include.NON_NULL) String task,
                               @JsonInclude(JsonInclude.Include.NON_NULL) Integer maxClasses,
                               @JsonInclude(JsonInclude.Include.NON_NULL) String classWeight,
                               @JsonInclude(JsonInclude.Include.NON_NULL) Boolean stratify,
                               @JsonInclude(JsonInclude.Include.NON_NULL) String metric) {

    public SuperviseRequest(String runId, String data, String target, List<String> features, List<String> algorithms,
                            Double testFraction, Long seed, String testData, Map<String, Map<String, Object>> params,
                            String out, SearchSpace search, String delimiter, String missing, String categorical,
                            Integer maxCategories, Boolean overwrite, List<String> exclude, Long sampleRows,
                            Boolean fitToBudget) {
        this(runId, data, target, features, algorithms, testFraction, seed, testData, params, out, search, delimiter,
                missing, categorical, maxCategories, overwrite, exclude, sampleRows, fitToBudget, null, null, null, null,
                null);
    }

    /** This request with {@code search} and {@code overwrite} replaced, every other field kept. */
    public SuperviseRequest with(SearchSpace search, Boolean overwrite) {
        return new SuperviseRequest(runId, data, target, features, algorithms, testFraction, seed, testData, params, out,
                search, delimiter, missing, categorical, maxCategories, overwrite, exclude, sampleRows, fitToBudget, task,
                maxClasses, classWeight, stratify, metric);
    }

    /** This request with {@code data} and {@code target} replaced, every other field kept. */
    public SuperviseRequest withData(String data, String target) {
        return new SuperviseRequest(runId, data, target, features, algorithms, testFraction, seed, testData, params, out,
                search, delimiter, missing, categorical, maxCategories, overwrite, exclude, sampleRows, fitToBudget, task,
                maxClasses, classWeight, stratify, metric);
    }

    /** The task options, checked ({@link TaskOptions#of}). */
    public TaskOptions taskOptions() {
        return TaskOptions.of(task, maxClasses, classWeight, stratify, metric, testData);
    }

    public SuperviseRequest(String runId, String data, String target, List<String> features, List<String> algorithms,
                            Double testFraction, Long seed, String testData, Map<String, Map<String, Object>> params,
                            String out, SearchSpace search, String delimiter, String missing, String categorical,
                            Integer maxCategories, Boolean overwrite) {
        this(runId, data, target, features, algorithms, testFraction, seed, testData, params, out, search, delimiter,
                missing, categorical, maxCategories, overwrite, null, null, null);
    }

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
