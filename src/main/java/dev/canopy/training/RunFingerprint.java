package dev.canopy.training;

import com.fasterxml.jackson.databind.JsonNode;
import dev.canopy.json.Json;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What a training run was asked for, stored as {@code {out}/{runId}/request.json} before any trainer runs:
 * the data (URI, version and size: the S3 ETag, or a local file's modification time and size) and every
 * setting that changes what the run writes, with defaults filled in so that an explicit default and an
 * omitted one compare equal. Two requests with the same run id are the same run when their fingerprints
 * are equal.
 */
public record RunFingerprint(String data, String dataVersion, long dataSize, String testData, String testVersion,
                             String target, List<String> features, List<String> algorithms, double testFraction,
                             long seed, Map<String, Map<String, Number>> params, SearchSpace search, String delimiter,
                             String missing, String categorical, Integer maxCategories,
                             @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
                             List<String> exclude,
                             // a sample trains on other rows, so it is another run; absent when unused, so a
                             // request record written before these existed still matches
                             @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
                             Long sampleRows,
                             @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
                             Boolean fitToBudget,
                             // the task options, each absent at its default, so that records from before them match
                             @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
                             String task,
                             @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
                             Integer maxClasses,
                             @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
                             String classWeight,
                             @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
                             Boolean stratify,
                             @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
                             String metric) {

    static RunFingerprint of(SuperviseRequest req, long dataSize, String dataVersion, String testVersion,
                             List<Algorithm> algorithms, Map<Algorithm, Map<String, Number>> params) {
        return of(req, dataSize, dataVersion, testVersion, algorithms, params, req.taskOptions());
    }

    /** @param t the request's task options, as the supervisor checked them */
    static RunFingerprint of(SuperviseRequest req, long dataSize, String dataVersion, String testVersion,
                             List<Algorithm> algorithms, Map<Algorithm, Map<String, Number>> params, TaskOptions t) {
        Map<String, Map<String, Number>> byId = new TreeMap<>();
        params.forEach((a, p) -> byId.put(a.id(), new TreeMap<>(p)));
        return new RunFingerprint(req.data(), dataVersion, dataSize, req.testData(), testVersion,
                req.target() == null || req.target().isBlank() ? TrainService.DEFAULT_TARGET : req.target(),
                req.features(), algorithms.stream().map(Algorithm::id).toList(),
                req.testFraction() == null ? TrainService.DEFAULT_TEST_FRACTION : req.testFraction(),
                req.seed() == null ? TrainService.DEFAULT_SEED : req.seed(), byId, req.search(), req.delimiter(),
                req.missing(), req.categorical(), req.maxCategories(),
                req.exclude() == null || req.exclude().isEmpty() ? null : req.exclude(), req.sampleRows(),
                Boolean.TRUE.equals(req.fitToBudget()) ? Boolean.TRUE : null,
                t.task() == Task.DEFAULT ? null : t.task().id(),
                t.maxClasses() == TaskDetector.DEFAULT_MAX_CLASSES ? null : t.maxClasses(),
                t.balanced() ? "balanced" : null, t.stratify() ? Boolean.TRUE : null,
                t.metric() == null || t.metric() == ClassificationMetric.DEFAULT ? null : t.metric().id());
    }

    /**
     * The fields that differ from a stored fingerprint, each as {@code name: before → now}; empty when equal.
     * Both sides are compared as parsed JSON text, so a number compares by how it was written, not by the
     * Java type that held it.
     */
    List<String> differences(JsonNode was) {
        JsonNode now;
        try {
            now = Json.MAPPER.readTree(Json.write(this));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        Set<String> names = new LinkedHashSet<>();
        now.fieldNames().forEachRemaining(names::add);
        for (Iterator<String> it = was.fieldNames(); it.hasNext(); ) {
            names.add(it.next());
        }
        List<String> out = new ArrayList<>();
        for (String n : names) {
            JsonNode a = was.get(n);
            JsonNode b = now.get(n);
            if (!java.util.Objects.equals(a, b)) {
                out.add(n + ": " + shorten(a) + " → " + shorten(b));
            }
        }
        return out;
    }

    private static String shorten(JsonNode n) {
        String s = n == null || n.isNull() ? "(none)" : n.isTextual() ? n.asText() : n.toString();
        return s.length() > 80 ? s.substring(0, 80) + "…" : s;
    }
}
