package dev.canopy.training;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * Test-set classification metrics, each defined as scikit-learn 1.2 computes it, from class codes
 * ({@code 0..k-1} in {@link ClassLabels} order) and per-class probabilities ({@code probabilities[i][c]}). The
 * predicted class of a row is its most probable one, the first on a tie ({@code np.argmax}).
 * <ul>
 * <li>{@code logLoss}: {@code log_loss}: each probability clipped to {@code [eps, 1-eps]} with
 *     {@code eps} the double's machine epsilon (2.22e-16), each row renormalised to sum 1, the mean of
 *     {@code -ln p(true class)};</li>
 * <li>{@code accuracy}: {@code accuracy_score};</li>
 * <li>{@code balancedAccuracy}: {@code balanced_accuracy_score}: the mean recall over the classes that occur in
 *     the truth;</li>
 * <li>{@code macroF1}: {@code f1_score(average="macro")}: the unweighted mean F1 over the classes that occur in
 *     the truth or the predictions ({@code unique_labels}), 0 for a class never predicted or never true;</li>
 * <li>binary only, with the second class positive: {@code rocAuc} ({@code roc_auc_score}, the trapezoids under
 *     {@link #roc}) and {@code prAuc} ({@code average_precision_score}: {@code Σ (R_n − R_{n−1}) P_n} over the
 *     distinct thresholds, no interpolation). Null for multiclass, and when the truth holds one class only
 *     (scikit-learn raises or warns there).</li>
 * </ul>
 * {@code confusion[t][p]} counts rows of true class {@code t} predicted as {@code p} ({@code confusion_matrix}).
 */
public record ClassificationMetrics(double logLoss, double accuracy, double balancedAccuracy, double macroF1,
                                    Double rocAuc, Double prAuc, int[][] confusion) {

    /** {@code np.finfo(np.float64).eps}, scikit-learn's {@code log_loss} clip. */
    static final double EPS = Math.ulp(1.0);

    /** Metrics of {@code k = probabilities[0].length} classes; binary ones ({@code k = 2}) get both AUCs. */
    public static ClassificationMetrics of(int[] truth, double[][] probabilities) {
        int n = check(truth, probabilities);
        int k = probabilities[0].length;
        int[] predicted = predicted(probabilities);
        int[][] confusion = confusion(truth, predicted, k);
        double correct = 0;
        for (int c = 0; c < k; c++) {
            correct += confusion[c][c];
        }
        Double roc = null;
        Double pr = null;
        if (k == 2) {
            double[] positive = new double[n];
            for (int i = 0; i < n; i++) {
                positive[i] = probabilities[i][1];
            }
            Curve curve = roc(truth, positive);
            roc = curve == null ? null : curve.area();
            pr = curve == null ? null : averagePrecision(truth, positive);
        }
        return new ClassificationMetrics(logLoss(truth, probabilities), correct / n, balancedAccuracy(confusion),
                macroF1(confusion), roc, pr, confusion);
    }

    /** Binary metrics from the positive (second) class's probability. */
    public static ClassificationMetrics binary(int[] truth, double[] positive) {
        double[][] p = new double[positive.length][];
        for (int i = 0; i < positive.length; i++) {
            p[i] = new double[]{1 - positive[i], positive[i]};
        }
        return of(truth, p);
    }

    /** The most probable class of each row, the first on a tie. */
    public static int[] predicted(double[][] probabilities) {
        int[] out = new int[probabilities.length];
        for (int i = 0; i < probabilities.length; i++) {
            double[] row = probabilities[i];
            int best = 0;
            for (int c = 1; c < row.length; c++) {
                if (row[c] > row[best]) {
                    best = c;
                }
            }
            out[i] = best;
        }
        return out;
    }

    public static int[][] confusion(int[] truth, int[] predicted, int k) {
        int[][] m = new int[k][k];
        for (int i = 0; i < truth.length; i++) {
            m[truth[i]][predicted[i]]++;
        }
        return m;
    }

    public static double logLoss(int[] truth, double[][] probabilities) {
        int n = check(truth, probabilities);
        double sum = 0;
        for (int i = 0; i < n; i++) {
            double[] row = probabilities[i];
            double total = 0;
            for (double p : row) {
                total += clip(p);
            }
            sum += -Math.log(clip(row[truth[i]]) / total);
        }
        return sum / n;
    }

    private static double clip(double p) {
        return Math.min(Math.max(p, EPS), 1 - EPS);
    }

    static double balancedAccuracy(int[][] confusion) {
        double sum = 0;
        int classes = 0;
        for (int t = 0; t < confusion.length; t++) {
            int row = Arrays.stream(confusion[t]).sum();
            if (row > 0) {
                sum += confusion[t][t] / (double) row;
                classes++;
            }
        }
        return sum / classes;
    }

    static double macroF1(int[][] confusion) {
        int k = confusion.length;
        double sum = 0;
        int labels = 0;
        for (int c = 0; c < k; c++) {
            int tp = confusion[c][c];
            int actual = 0;
            int predicted = 0;
            for (int o = 0; o < k; o++) {
                actual += confusion[c][o];
                predicted += confusion[o][c];
            }
            if (actual == 0 && predicted == 0) {
                continue; // not among unique_labels(y_true, y_pred)
            }
            labels++;
            // 2tp / (2tp + fp + fn); 0 when the class is never predicted or never true (zero_division).
            sum += tp == 0 ? 0 : 2.0 * tp / (actual + predicted);
        }
        return sum / labels;
    }

    /**
     * A ROC curve as scikit-learn's {@code roc_curve(drop_intermediate=True)}: one point per distinct score,
     * collinear points dropped, starting at (0, 0) with threshold +∞ (scikit-learn ≥ 1.3 writes {@code inf};
     * 1.2 wrote the top score + 1).
     */
    public record Curve(double[] fpr, double[] tpr, double[] thresholds) {
        /** The trapezoidal area under the curve ({@code auc(fpr, tpr)}). */
        public double area() {
            double a = 0;
            for (int i = 1; i < fpr.length; i++) {
                a += (fpr[i] - fpr[i - 1]) * (tpr[i] + tpr[i - 1]) / 2;
            }
            return a;
        }
    }

    /** Cumulative counts at each distinct score, highest first ({@code _binary_clf_curve}). */
    private record Counts(double[] fps, double[] tps, double[] thresholds) {
    }

    private static Counts counts(int[] truth, double[] score) {
        int n = truth.length;
        Integer[] order = IntStream.range(0, n).boxed().toArray(Integer[]::new);
        Arrays.sort(order, Comparator.comparingDouble((Integer i) -> score[i]).reversed());
        double[] fps = new double[n];
        double[] tps = new double[n];
        double[] thr = new double[n];
        int m = 0;
        double tp = 0;
        for (int j = 0; j < n; j++) {
            int i = order[j];
            tp += truth[i] == 1 ? 1 : 0;
            if (j == n - 1 || score[order[j + 1]] != score[i]) {
                tps[m] = tp;
                fps[m] = j + 1 - tp;
                thr[m] = score[i];
                m++;
            }
        }
        return new Counts(Arrays.copyOf(fps, m), Arrays.copyOf(tps, m), Arrays.copyOf(thr, m));
    }

    /** The ROC curve of the positive class (code 1); null when the truth lacks either class. */
    public static Curve roc(int[] truth, double[] score) {
        if (truth.length == 0) {
            return null;
        }
        Counts c = counts(truth, score);
        int m = c.fps.length;
        double positives = c.tps[m - 1];
        double negatives = c.fps[m - 1];
        if (positives == 0 || negatives == 0) {
            return null;
        }
        int[] keep = new int[m];
        int kept = 0;
        for (int i = 0; i < m; i++) {
            boolean bend = i == 0 || i == m - 1
                    || c.fps[i + 1] - 2 * c.fps[i] + c.fps[i - 1] != 0 || c.tps[i + 1] - 2 * c.tps[i] + c.tps[i - 1] != 0;
            if (m <= 2 || bend) {
                keep[kept++] = i;
            }
        }
        double[] fpr = new double[kept + 1];
        double[] tpr = new double[kept + 1];
        double[] thr = new double[kept + 1];
        thr[0] = Double.POSITIVE_INFINITY;
        for (int j = 0; j < kept; j++) {
            fpr[j + 1] = c.fps[keep[j]] / negatives;
            tpr[j + 1] = c.tps[keep[j]] / positives;
            thr[j + 1] = c.thresholds[keep[j]];
        }
        return new Curve(fpr, tpr, thr);
    }

    /** {@code average_precision_score} of the positive class (code 1); null when the truth lacks either class. */
    public static Double averagePrecision(int[] truth, double[] score) {
        if (truth.length == 0) {
            return null;
        }
        Counts c = counts(truth, score);
        int m = c.fps.length;
        double positives = c.tps[m - 1];
        if (positives == 0 || c.fps[m - 1] == 0) {
            return null;
        }
        double ap = 0;
        double previousRecall = 0;
        for (int i = 0; i < m; i++) {
            double recall = c.tps[i] / positives;
            double precision = c.tps[i] / (c.tps[i] + c.fps[i]);
            ap += (recall - previousRecall) * precision;
            previousRecall = recall;
        }
        return ap;
    }

    private static int check(int[] truth, double[][] probabilities) {
        if (truth.length == 0 || truth.length != probabilities.length) {
            throw new IllegalArgumentException("need as many probability rows as labels, at least one: "
                    + truth.length + " labels, " + probabilities.length + " rows");
        }
        int k = probabilities[0].length;
        if (k < 2) {
            throw new IllegalArgumentException("need at least two classes: " + k);
        }
        for (int i = 0; i < truth.length; i++) {
            if (probabilities[i].length != k || truth[i] < 0 || truth[i] >= k) {
                throw new IllegalArgumentException("row " + i + ": class " + truth[i] + " with "
                        + probabilities[i].length + " probabilities, expected a class in 0.." + (k - 1) + " and " + k);
            }
        }
        return truth.length;
    }
}
