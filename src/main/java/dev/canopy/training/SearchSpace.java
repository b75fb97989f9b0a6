package dev.canopy.training;

import java.util.List;
import java.util.Map;

/**
 * The {@code search} of a supervise request: which configurations of each algorithm to try, and how to
 * compare them.
 *
 * <ul>
 *   <li>{@code grid}: per algorithm, lists of values, e.g. {@code {"random_forest": {"trees": [100, 300]}}}.
 *       An algorithm with no ranges is tried on the cartesian product of its lists.</li>
 *   <li>{@code ranges} and {@code samples}: per algorithm, ranges {@code {"min", "max", "scale": "linear"|"log"}};
 *       an algorithm with ranges is tried on {@code samples} configurations drawn at random (seeded by the
 *       request's {@code seed}), each range uniform on its scale and each of its grid lists uniform over its
 *       values. Integer parameters are rounded.</li>
 *   <li>{@code folds}: k-fold cross-validation on the training split, the same folds for every trial; without
 *       it, configurations are compared on the test rows.</li>
 *   <li>{@code maxConcurrency}: trainers in flight at once (default {@value #DEFAULT_CONCURRENCY}).</li>
 * </ul>
 * The request's {@code params} are each algorithm's fixed values under the searched ones; an algorithm of the
 * run with no grid or range is one configuration. Every (configuration, fold) is one {@code train} invocation.
 */
public record SearchSpace(Map<String, Map<String, List<Object>>> grid, Map<String, Map<String, Range>> ranges,
                          Integer samples, Integer folds, Integer maxConcurrency) {
    public static final int DEFAULT_CONCURRENCY = 32;

    /** A range to sample from; {@code scale} is {@code linear} (default) or {@code log}. */
    public record Range(Double min, Double max, String scale) {
    }
}
