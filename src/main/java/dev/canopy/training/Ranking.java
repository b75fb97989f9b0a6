package dev.canopy.training;

import java.util.Comparator;

/**
 * The order of a run's models and of a search's configurations, best first: DONE before FAILED, then a
 * regression by MSE (lower first, as always) and a classification by the run's {@link ClassificationMetric}
 * ({@link ClassificationMetric#bestFirst}: its direction, an undefined value last). One run holds one task, so
 * two rows compared are of the same kind.
 */
final class Ranking {

    private Ranking() {
    }

    /** Result rows (a run's models) under {@code metric}, which ranks only classification rows. */
    static Comparator<TrainResult> results(ClassificationMetric metric) {
        Comparator<TrainResult> byScore = (a, b) -> {
            if (a.classification() != null && b.classification() != null) {
                return metric.bestFirst().compare(a.classification(), b.classification());
            }
            return Double.compare(a.mse() == null ? Double.MAX_VALUE : a.mse(), b.mse() == null ? Double.MAX_VALUE : b.mse());
        };
        return Comparator.comparing((TrainResult r) -> r.state() != TrainerState.DONE).thenComparing(byScore);
    }

    /** A search's configurations under {@code metric}, then by plan order: a total order, ties rank the same every time. */
    static Comparator<Trial> trials(ClassificationMetric metric) {
        return Comparator.comparing((Trial t) -> t.state() != TrainerState.DONE)
                .thenComparing((a, b) -> compare(metric, score(a), score(b), a.classification()))
                .thenComparingInt(Trial::config);
    }

    /** The value a configuration is ranked by: its mean validation score, or MSE; null when it failed. */
    static Double score(Trial t) {
        return t.classification() ? t.cvScore() : t.cvMse();
    }

    /** Whether {@code a} ranks before {@code b}: the better of two classification scores, or the lower MSE. */
    static boolean better(ClassificationMetric metric, double a, double b, boolean classification) {
        return compare(metric, a, b, classification) < 0;
    }

    private static int compare(ClassificationMetric metric, Double a, Double b, boolean classification) {
        double x = a == null ? Double.NaN : a;
        double y = b == null ? Double.NaN : b;
        if (Double.isNaN(x) || Double.isNaN(y)) {
            return Boolean.compare(Double.isNaN(x), Double.isNaN(y)); // undefined (or none) last
        }
        return classification && !metric.lowerIsBetter() ? Double.compare(y, x) : Double.compare(x, y);
    }
}
