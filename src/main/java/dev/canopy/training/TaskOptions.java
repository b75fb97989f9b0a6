package dev.canopy.training;

import dev.canopy.error.InvalidInputException;

import java.util.Locale;

/**
 * A request's task options, checked: {@code task} ({@link Task}), {@code maxClasses}, {@code classWeight}
 * ({@code none} or {@code balanced}), {@code stratify} (which splits the data, so never beside a separate
 * {@code testData}) and {@code metric} ({@link ClassificationMetric}). This is
 * the one place their values are checked; the supervisor calls {@link #of} to refuse a bad request before any
 * trainer runs, and each trainer calls it on its own request. What depends on the target's values (a metric
 * that needs a binary task, options that need classes) is checked by {@link #check} once the task is detected.
 *
 * @param metric null when the request names none: {@link ClassificationMetric#DEFAULT} for a classification
 */
public record TaskOptions(Task task, int maxClasses, boolean balanced, boolean stratify, ClassificationMetric metric,
                          String metricText) {

    /** The options of a request that names none: auto task, every other option at its default. */
    public static final TaskOptions DEFAULT = of(null, null, null, null, null, null);

    /** @param testData the request's separate test set, if any: then nothing is split, so nothing can be stratified */
    public static TaskOptions of(String task, Integer maxClasses, String classWeight, Boolean stratify, String metric,
                                 String testData) {
        Task t = Task.parse("task", task);
        if (Boolean.TRUE.equals(stratify) && testData != null && !testData.isBlank()) {
            throw new InvalidInputException("stratify", true, "a stratified split needs a split, and testData "
                    + testData + " is the test set, so the data is not split: --stratify and --test-data exclude "
                    + "each other");
        }
        int max = TaskDetector.maxClasses("maxClasses", maxClasses);
        boolean balanced = classWeight(classWeight);
        // under auto the binary-only metrics are checked once the task is detected (check()); AUTO checks the name
        ClassificationMetric m = metric == null || metric.isBlank() ? null
                : ClassificationMetric.parse("metric", metric, t == Task.REGRESSION ? Task.AUTO : t);
        if (t == Task.REGRESSION) {
            refuseForRegression(balanced, Boolean.TRUE.equals(stratify), metric, "task regression was requested");
        }
        return new TaskOptions(t, max, balanced, Boolean.TRUE.equals(stratify), m, metric);
    }

    private static boolean classWeight(String value) {
        if (value == null || value.isBlank()) {
            return false;
        }
        return switch (value.strip().toLowerCase(Locale.ROOT)) {
            case "none" -> false;
            case "balanced" -> true;
            default -> throw new InvalidInputException("classWeight", value, "must be none (the default) or balanced "
                    + "(each class weighted n / (classes × its rows))");
        };
    }

    /** The ranking measure of a classification: the one asked for, else {@link ClassificationMetric#DEFAULT}. */
    public ClassificationMetric rankBy() {
        return metric == null ? ClassificationMetric.DEFAULT : metric;
    }

    /**
     * Checks the options against the detected task: a regression takes no class weights, stratification or
     * classification metric; a multiclass task no binary-only metric.
     */
    public void check(TaskDetector.Detection d) {
        if (d.task() == Task.REGRESSION) {
            refuseForRegression(balanced, stratify, metricText, d.firstLine());
        } else if (metric != null) {
            ClassificationMetric.parse("metric", metricText, d.task());
        }
    }

    private static void refuseForRegression(boolean balanced, boolean stratify, String metric, String why) {
        String because = " needs a classification, and this run is a regression (" + why
                + "); --task binary or multiclass trains a classifier";
        if (balanced) {
            throw new InvalidInputException("classWeight", "balanced", "class weights" + because);
        }
        if (stratify) {
            throw new InvalidInputException("stratify", true, "a stratified split" + because);
        }
        if (metric != null && !metric.isBlank()) {
            throw new InvalidInputException("metric", metric, "a classification metric" + because
                    + " (a regression is ranked by mse)");
        }
    }
}
