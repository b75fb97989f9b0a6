package dev.canopy.training;

import java.util.ArrayList;
import java.util.List;

/**
 * What a classification's report draws of one saved classifier ({@link ModelInsights#classification}), computed
 * by training from the test rows' probabilities, so that the report reads figures and never a row: the confusion
 * matrix, the ROC curve of a binary task (at most {@link #MAX_CURVE_POINTS} points) and its area, and the
 * calibration in {@link #BINS} bins. The file's size depends on the classes and the curve's cap, not on the rows.
 *
 * @param classes        the labels in class-code order, the confusion matrix's row and column order
 * @param confusion      {@code confusion[t][p]}: test rows of true class {@code t} predicted as {@code p}
 * @param rocFpr         a binary task's ROC curve ({@link ClassificationMetrics#roc}), null for multiclass or when
 *                       the test rows hold one class only
 * @param rocAuc         the area under the whole curve, before any thinning
 * @param calibrationOf  what the calibration bins' probability is: the positive class's (binary) or the most
 *                       probable class's (multiclass: a reliability diagram of the top class)
 * @param calibration    the non-empty bins, in order
 */
public record ClassInsights(List<String> classes, int[][] confusion, double[] rocFpr, double[] rocTpr, Double rocAuc,
                            String calibrationOf, List<CalibrationBin> calibration) {
    /** Bins of the calibration, as scikit-learn's {@code calibration_curve(n_bins=10)}. */
    public static final int BINS = 10;
    /** Points kept of a ROC curve: more than a 360-pixel chart can show apart. */
    public static final int MAX_CURVE_POINTS = 1000;

    /**
     * One bin of the calibration: the rows whose probability fell in it, their mean probability and the fraction
     * of them that were positive (binary) or right (multiclass).
     */
    public record CalibrationBin(int index, int rows, double meanPredicted, double observed) {
    }

    /** @param truth the test rows' class codes; {@code probabilities[i]} row i's, one per class */
    static ClassInsights of(List<String> classes, int[] truth, double[][] probabilities) {
        int n = truth.length;
        int k = classes.size();
        int[] predicted = ClassificationMetrics.predicted(probabilities);
        int[][] confusion = ClassificationMetrics.confusion(truth, predicted, k);
        double[] p = new double[n];
        boolean[] hit = new boolean[n];
        if (k == 2) {
            for (int i = 0; i < n; i++) {
                p[i] = probabilities[i][1];
                hit[i] = truth[i] == 1;
            }
            ClassificationMetrics.Curve curve = ClassificationMetrics.roc(truth, p);
            double[][] thin = curve == null ? null : thin(curve.fpr(), curve.tpr(), MAX_CURVE_POINTS);
            return new ClassInsights(classes, confusion, thin == null ? null : thin[0], thin == null ? null : thin[1],
                    curve == null ? null : curve.area(), "positive class " + classes.get(1), calibration(p, hit));
        }
        for (int i = 0; i < n; i++) {
            p[i] = probabilities[i][predicted[i]];
            hit[i] = truth[i] == predicted[i];
        }
        return new ClassInsights(classes, confusion, null, null, null, "most probable class", calibration(p, hit));
    }

    /**
     * Ten equal-width bins of {@code probability} over [0, 1], as scikit-learn's
     * {@code calibration_curve(hit, probability, n_bins=10, strategy="uniform")}: edges {@code i·0.1}, a value on an
     * inner edge in the lower bin. Empty bins are left out.
     */
    public static List<CalibrationBin> calibration(double[] probability, boolean[] hit) {
        if (probability.length != hit.length) {
            throw new IllegalArgumentException(probability.length + " probabilities but " + hit.length + " outcomes");
        }
        long[] rows = new long[BINS];
        double[] sum = new double[BINS];
        long[] hits = new long[BINS];
        for (int i = 0; i < probability.length; i++) {
            double p = probability[i];
            if (!(p >= 0 && p <= 1)) {
                throw new IllegalArgumentException("row " + i + ": probability " + p + " is outside [0, 1]");
            }
            int b = 0;
            while (b < BINS - 1 && (b + 1) * 0.1 < p) { // np.searchsorted(inner edges, p), side="left"
                b++;
            }
            rows[b]++;
            sum[b] += p;
            hits[b] += hit[i] ? 1 : 0;
        }
        List<CalibrationBin> out = new ArrayList<>();
        for (int b = 0; b < BINS; b++) {
            if (rows[b] > 0) {
                out.add(new CalibrationBin(b, (int) rows[b], sum[b] / rows[b], hits[b] / (double) rows[b]));
            }
        }
        return out;
    }

    /**
     * At most {@code max} of a curve's points, at an even stride over its index; the first and the last, (0, 0)
     * and (1, 1), are always kept, so that the drawn curve spans the square.
     */
    static double[][] thin(double[] x, double[] y, int max) {
        int n = x.length;
        if (n <= max) {
            return new double[][]{x, y};
        }
        double[] tx = new double[max];
        double[] ty = new double[max];
        for (int i = 0; i < max; i++) {
            int src = (int) Math.round((double) i * (n - 1) / (max - 1));
            tx[i] = x[src];
            ty[i] = y[src];
        }
        return new double[][]{tx, ty};
    }
}
