package dev.canopy.training;

import dev.canopy.error.InvalidInputException;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Decides what a run learns from its target column, before any split: the task ({@code auto} resolved), the
 * classes in their saved order ({@link ClassLabels}) and one line that says which task and why, for the first
 * line of the output. Missing target values (NaN, null) are counted, never classes.
 *
 * <p>{@code auto}:
 * <ul>
 * <li>a text target is a classification: binary with two classes, multiclass with more; a boolean one
 *     ({@code true}/{@code false} in any case) is binary;</li>
 * <li>a numeric target whose only values are 0 and 1 (both present; Parquet booleans read as 0/1) is binary;</li>
 * <li>any other numeric target is a regression; when it holds only whole numbers, at most {@code maxClasses}
 *     distinct ones, the detection carries a notice that suggests {@code --task multiclass}.</li>
 * </ul>
 * An explicit task is checked against the values: {@code regression} needs numbers, {@code binary} exactly two
 * classes, {@code multiclass} at least two. A classification has at most {@code maxClasses} classes (each class
 * costs an ensemble in gradient boosting): more is an error that says how to raise the bound.
 */
public final class TaskDetector {
    /** {@code --max-classes} when none is given. */
    public static final int DEFAULT_MAX_CLASSES = 20;
    /** The largest {@code --max-classes} accepted. */
    public static final int MAX_CLASSES_LIMIT = 1000;

    private TaskDetector() {
    }

    /**
     * The outcome. {@code classes} is null for a regression; {@code notice} is null unless there is advice
     * (an integer target kept as a regression); {@code missing} counts target values that are absent.
     */
    public record Detection(Task task, ClassLabels classes, String reason, String notice, int missing) {
        /** The first line of the run's output, e.g. {@code task binary (auto): target churn holds only 0 and 1}. */
        public String firstLine() {
            return reason;
        }
    }

    /** Checks {@code --max-classes} (field {@code field}); null is {@link #DEFAULT_MAX_CLASSES}. */
    public static int maxClasses(String field, Integer value) {
        if (value == null) {
            return DEFAULT_MAX_CLASSES;
        }
        if (value < 2 || value > MAX_CLASSES_LIMIT) {
            throw new InvalidInputException(field, value, "must be between 2 and " + MAX_CLASSES_LIMIT);
        }
        return value;
    }

    /** A numeric target column (NaN where missing). */
    public static Detection detect(String target, Task requested, double[] values, int maxClasses) {
        maxClasses("max_classes", maxClasses);
        int missing = 0;
        boolean whole = true;
        // Distinct values, kept up to one more than a classification may have: enough to tell "too many".
        TreeSet<Double> distinct = new TreeSet<>();
        boolean overflow = false;
        for (int i = 0; i < values.length; i++) {
            double v = values[i];
            if (Double.isNaN(v)) {
                missing++;
                continue;
            }
            if (Double.isInfinite(v)) {
                throw new InvalidInputException("target", target, "row " + (i + 1) + " holds " + v
                        + "; a target may be missing but not infinite");
            }
            whole &= v == Math.rint(v);
            if (!overflow && distinct.add(v == 0 ? 0.0 : v) && distinct.size() > maxClasses) {
                overflow = true;
            }
        }
        if (missing == values.length) {
            throw new InvalidInputException("target", target, "has no values (" + values.length + " rows, all missing)");
        }
        String how = requested == Task.AUTO ? "auto" : "requested";
        List<String> seen = new ArrayList<>();
        distinct.forEach(d -> seen.add(ClassLabels.label(d)));
        String classes = ClassLabels.shortList(seen, 10);
        switch (requested) {
            case REGRESSION -> {
                return regression(target, "requested", "is numeric", null, missing);
            }
            case BINARY, MULTICLASS -> {
                checkClassCount(target, requested, distinct.size(), overflow, maxClasses, classes);
                return new Detection(requested, ClassLabels.ofNumbers(unbox(distinct)),
                        line(requested, how, target, "has " + distinct.size() + " classes " + classes), null, missing);
            }
            default -> {
                if (!overflow && distinct.size() == 2 && distinct.first() == 0.0 && distinct.last() == 1.0) {
                    return new Detection(Task.BINARY, ClassLabels.ofNumbers(new double[]{0, 1}),
                            line(Task.BINARY, how, target, "holds only 0 and 1"), null, missing);
                }
                if (whole && !overflow && distinct.size() > 1) {
                    String notice = "target " + target + " holds only " + distinct.size() + " distinct whole numbers "
                            + classes + ": trained as a regression; --task multiclass trains a classifier over them";
                    return regression(target, how, "holds " + distinct.size() + " distinct whole numbers " + classes
                            + " (a regression unless --task multiclass)", notice, missing);
                }
                return regression(target, how, "is numeric with " + (overflow ? "more than " + maxClasses : distinct.size())
                        + (distinct.size() == 1 ? " distinct value" : " distinct values"), null, missing);
            }
        }
    }

    /** A text target column (null where missing). */
    public static Detection detect(String target, Task requested, String[] values, int maxClasses) {
        maxClasses("max_classes", maxClasses);
        int missing = 0;
        Set<String> distinct = new HashSet<>();
        boolean overflow = false;
        String firstText = null;
        int firstRow = -1;
        boolean bool = true;
        for (int i = 0; i < values.length; i++) {
            String s = values[i];
            if (s == null) {
                missing++;
                continue;
            }
            bool &= ClassLabels.isBooleanWord(s);
            if (firstText == null && !isNumber(s)) {
                firstText = s;
                firstRow = i;
            }
            if (!overflow && distinct.add(s) && distinct.size() > maxClasses) {
                overflow = true;
            }
        }
        if (missing == values.length) {
            throw new InvalidInputException("target", target, "has no values (" + values.length + " rows, all missing)");
        }
        if (requested == Task.REGRESSION && firstText == null) {
            throw new InvalidInputException("target", target, "task regression needs a numeric target, but its values "
                    + "were read as text; read it as numbers");
        }
        if (requested == Task.REGRESSION) {
            throw new InvalidInputException("target", target, "task regression needs a numeric target, but row "
                    + (firstRow + 1) + " holds \"" + firstText + "\"; --task auto trains a classifier on a text target");
        }
        ClassLabels labels = overflow ? null : ClassLabels.ofText(distinct);
        int count = labels == null ? distinct.size() : labels.size();
        String classes = labels == null ? ClassLabels.shortList(new ArrayList<>(distinct), 10) : ClassLabels.shortList(labels.labels(), 10);
        Task task = requested;
        if (requested == Task.AUTO) {
            task = count == 2 ? Task.BINARY : Task.MULTICLASS;
        }
        checkClassCount(target, task, count, overflow, maxClasses, classes);
        String how = requested == Task.AUTO ? "auto" : "requested";
        String what = bool ? "is boolean " + classes : "is text with " + count + " classes " + classes;
        return new Detection(task, labels, line(task, how, target, what), null, missing);
    }

    private static void checkClassCount(String target, Task task, int count, boolean overflow, int maxClasses, String classes) {
        if (overflow) {
            throw new InvalidInputException("target", target, "has more than " + maxClasses + " classes " + classes
                    + " (max_classes, --max-classes, bounds a classification; raise it up to " + MAX_CLASSES_LIMIT
                    + ", or choose another target)");
        }
        if (count < 2) {
            throw new InvalidInputException("target", target, "has a single class " + classes
                    + ": a classification needs at least two");
        }
        if (task == Task.BINARY && count != 2) {
            throw new InvalidInputException("target", target, "task binary needs exactly two classes, but it has "
                    + count + " " + classes + "; --task multiclass trains over all of them");
        }
    }

    private static Detection regression(String target, String how, String what, String notice, int missing) {
        return new Detection(Task.REGRESSION, null, line(Task.REGRESSION, how, target, what), notice, missing);
    }

    private static String line(Task task, String how, String target, String what) {
        return "task " + task.id() + " (" + how + "): target " + target + " " + what;
    }

    private static double[] unbox(TreeSet<Double> set) {
        return set.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static boolean isNumber(String s) {
        try {
            Double.parseDouble(s.strip());
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
