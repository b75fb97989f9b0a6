package dev.canopy.training;

import smile.model.cart.CART;
import smile.regression.GradientTreeBoost;
import smile.regression.RandomForest;

import java.util.List;

/**
 * What a report shows of a saved model, written beside it ({@link ModelArtifacts#insights}): Smile's feature
 * importance (the total impurity decrease of each feature's splits; XGBoost's total gain) and the model's predictions for the
 * test rows against the actual values, at most {@link #MAX_POINTS} of them, taken at an even stride so
 * the file stays small whatever the test set's size. A classifier's has no points ({@code actual} and
 * {@code predicted} empty) but its {@code classification}: confusion matrix, ROC curve and calibration bins
 * ({@link ClassInsights}); a regression's {@code classification} is null, as in files written before it.
 */
public record ModelInsights(String algorithm, List<String> features, double[] importance, int testRows,
                            double[] actual, double[] predicted, ClassInsights classification) {
    public static final int MAX_POINTS = 2000;

    /** A regression's insights. */
    public ModelInsights(String algorithm, List<String> features, double[] importance, int testRows,
                         double[] actual, double[] predicted) {
        this(algorithm, features, importance, testRows, actual, predicted, null);
    }

    static ModelInsights of(String algorithm, List<String> features, Object model, double[] actual, double[] predicted) {
        int n = actual.length;
        int m = Math.min(n, MAX_POINTS);
        double[] a = new double[m];
        double[] p = new double[m];
        for (int i = 0; i < m; i++) {
            int src = (int) ((long) i * n / m);
            a[i] = actual[src];
            p[i] = predicted[src];
        }
        return new ModelInsights(algorithm, features, importance(model), n, a, p);
    }

    /** A classifier's: its importance and the figures of its test rows' {@code probabilities}. */
    static ModelInsights ofClassifier(String algorithm, List<String> features, Object model, List<String> classes,
                                      int[] truth, double[][] probabilities) {
        return new ModelInsights(algorithm, features, importance(model), truth.length, new double[0], new double[0],
                ClassInsights.of(classes, truth, probabilities));
    }

    private static double[] importance(Object model) {
        return switch (model) {
            case RandomForest f -> f.importance();
            case smile.classification.RandomForest f -> f.importance();
            case GradientTreeBoost g -> g.importance();
            case CART tree -> tree.importance();
            case XgboostTrainer.Fitted x -> x.importance();
            default -> null;
        };
    }
}
