package dev.canopy.training;

import dev.canopy.error.InvalidInputException;

import java.util.Arrays;
import java.util.Comparator;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The measure a classification run ranks its models (and a search its trials) by: {@code --metric} (request
 * field {@code metric}), log loss unless another is asked for. The two AUCs exist for binary tasks only.
 */
public enum ClassificationMetric {
    LOG_LOSS(true, false), ACCURACY(false, false), BALANCED_ACCURACY(false, false), MACRO_F1(false, false),
    ROC_AUC(false, true), PR_AUC(false, true);

    public static final ClassificationMetric DEFAULT = LOG_LOSS;

    private final boolean lowerIsBetter;
    private final boolean binaryOnly;

    ClassificationMetric(boolean lowerIsBetter, boolean binaryOnly) {
        this.lowerIsBetter = lowerIsBetter;
        this.binaryOnly = binaryOnly;
    }

    /** The name in requests and results: {@code log_loss}, {@code roc_auc}, … */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean lowerIsBetter() {
        return lowerIsBetter;
    }

    /** This measure's value in {@code m}; NaN when it is undefined there (an AUC of a multiclass task). */
    public double of(ClassificationMetrics m) {
        return switch (this) {
            case LOG_LOSS -> m.logLoss();
            case ACCURACY -> m.accuracy();
            case BALANCED_ACCURACY -> m.balancedAccuracy();
            case MACRO_F1 -> m.macroF1();
            case ROC_AUC -> m.rocAuc() == null ? Double.NaN : m.rocAuc();
            case PR_AUC -> m.prAuc() == null ? Double.NaN : m.prAuc();
        };
    }

    /** Best first; undefined values (NaN) last. */
    public Comparator<ClassificationMetrics> bestFirst() {
        return (a, b) -> {
            double x = of(a);
            double y = of(b);
            if (Double.isNaN(x) || Double.isNaN(y)) {
                return Boolean.compare(Double.isNaN(x), Double.isNaN(y));
            }
            return lowerIsBetter ? Double.compare(x, y) : Double.compare(y, x);
        };
    }

    /** Parses {@code metric} for {@code task} (any case, {@code -} or {@code _}); null or blank is {@link #DEFAULT}. */
    public static ClassificationMetric parse(String field, String value, Task task) {
        if (value == null || value.isBlank()) {
            return DEFAULT;
        }
        String id = value.strip().toLowerCase(Locale.ROOT).replace('-', '_');
        for (ClassificationMetric m : values()) {
            if (m.id().equals(id)) {
                if (m.binaryOnly && task == Task.MULTICLASS) {
                    throw new InvalidInputException(field, value, "is defined for binary tasks only; this task is multiclass");
                }
                return m;
            }
        }
        throw new InvalidInputException(field, value, "must be one of "
                + Arrays.stream(values()).map(ClassificationMetric::id).collect(Collectors.joining(", ")));
    }
}
