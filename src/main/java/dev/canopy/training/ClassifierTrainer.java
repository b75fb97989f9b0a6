package dev.canopy.training;

import smile.classification.DecisionTree;
import smile.classification.RandomForest;
import smile.data.DataFrame;
import smile.data.formula.Formula;
import smile.data.type.StructField;
import smile.data.vector.FloatVector;
import smile.data.vector.IntVector;
import smile.data.vector.ValueVector;
import smile.model.cart.SplitRule;

import java.util.Map;
import java.util.SplittableRandom;

/**
 * Fits the three algorithms as classifiers of {@code k} classes, the training rows' labels being class codes
 * {@code 0..k-1} ({@link ClassLabels} order):
 * <ul>
 * <li>random_forest: Smile's classification trees (Gini), each on its own sample of at most {@code max_samples}
 *     rows, drawn class by class ({@link SmileForest#fitClassifier}), assembled into Smile's {@link RandomForest};</li>
 * <li>decision_tree: Smile's {@link DecisionTree} (Gini), built with every class code, so that its posteriors have
 *     {@code k} entries in code order;</li>
 * <li>gradient_boosting: XGBoost ({@link XgboostTrainer}) with {@code binary:logistic} or {@code multi:softprob},
 *     the regression's tree method, with XGBClassifier's defaults ({@link TrainingParams#CLASSIFIER_DEFAULTS}).</li>
 * </ul>
 * Parameters mean what they mean for a regression ({@link TrainingParams}), but {@code mtry = 0} is the square
 * root of the features, scikit-learn's {@code max_features="sqrt"} for a classifier.
 *
 * <p>Their probabilities, as the {@code .trees} a run saves give them ({@link ClassificationRun}): a Smile tree's leaf gives
 * {@code (count_c + 1) / (n + k)} over its (weighted) training rows, Laplace-smoothed, Smile's own; a forest's
 * leaf gives {@code count_c / n}, scikit-learn's, and the forest averages its trees' leaves (each tree's
 * {@code RandomForest.Model.weight} is 1, as in scikit-learn, where Smile's own fit weighs by out-of-bag accuracy); XGBoost's are the sigmoid (binary) or the softmax
 * over the classes' ensembles (multiclass).
 *
 * <p>{@code classWeight balanced}: XGBoost weighs each row {@code n / (k · count_c)}, scikit-learn's
 * {@code class_weight="balanced"}. Smile has no real-valued row weights, so there it is the nearest its API allows:
 * the decision tree counts a row of class {@code c} as {@code round(count_max / count_c)} rows (at least 1: the
 * balanced ratios rounded, the largest class 1); the forest's {@code classWeight} is a sampling prior instead
 * (each tree draws {@code count_c / w_c} rows of class {@code c}), so there {@code w_c = round(count_c / count_min)}
 * and every tree grows on about as many rows of each class.
 */
final class ClassifierTrainer {

    private ClassifierTrainer() {
    }

    /** @param train the training rows, labels the class codes */
    static Object fit(Algorithm algorithm, Map<String, Number> params, FeatureMatrix train, int k, boolean balanced,
                      long seed, ProgressListener progress) {
        int[] y = codes(train);
        int[] count = new int[k];
        for (int c : y) {
            count[c]++;
        }
        return switch (algorithm) {
            case GRADIENT_BOOSTING -> {
                XgboostTrainer.Input input = XgboostTrainer.Input.of(train);
                if (balanced) {
                    double[] w = balancedWeights(count, y.length);
                    float[] rows = new float[y.length];
                    for (int i = 0; i < rows.length; i++) {
                        rows[i] = (float) w[y[i]];
                    }
                    input = input.withWeights(rows);
                }
                yield XgboostTrainer.fit(params, input, seed, progress,
                        k == 2 ? XgboostTrainer.Objective.BINARY : XgboostTrainer.Objective.multiclass(k));
            }
            case RANDOM_FOREST -> forest(params, train, k, balanced ? samplingPriors(count) : null, seed, progress);
            case DECISION_TREE -> tree(params, train, y, k, balanced ? wholeWeights(count) : null, progress);
        };
    }

    /** scikit-learn's {@code compute_class_weight("balanced")}: {@code n / (k · count_c)}, k the classes present. */
    static double[] balancedWeights(int[] count, int n) {
        int present = 0;
        for (int c : count) {
            present += c > 0 ? 1 : 0;
        }
        double[] w = new double[count.length];
        for (int c = 0; c < count.length; c++) {
            w[c] = count[c] == 0 ? 0 : (double) n / ((double) present * count[c]);
        }
        return w;
    }

    /** The balanced weights as whole numbers, for Smile: {@code round(count_max / count_c)}, at least 1. */
    static int[] wholeWeights(int[] count) {
        int max = 0;
        for (int c : count) {
            max = Math.max(max, c);
        }
        int[] w = new int[count.length];
        for (int c = 0; c < count.length; c++) {
            w[c] = count[c] == 0 ? 1 : (int) Math.max(1, Math.round((double) max / count[c]));
        }
        return w;
    }

    /**
     * Smile's forest's {@code classWeight}, a prior by which each tree draws {@code count_c / w_c} rows of class
     * {@code c}: {@code round(count_c / count_min)}, at least 1, so that the classes are drawn about equally.
     */
    static int[] samplingPriors(int[] count) {
        int min = Integer.MAX_VALUE;
        for (int c : count) {
            if (c > 0) {
                min = Math.min(min, c);
            }
        }
        int[] w = new int[count.length];
        for (int c = 0; c < count.length; c++) {
            w[c] = count[c] == 0 ? 1 : (int) Math.max(1, Math.round((double) count[c] / min));
        }
        return w;
    }

    private static int[] codes(FeatureMatrix train) {
        double[] labels = train.labels();
        int[] y = new int[labels.length];
        for (int i = 0; i < y.length; i++) {
            y[i] = (int) labels[i];
        }
        return y;
    }

    /** The features as Smile reads them (float32 columns, no copy) and the class codes as the last column. */
    private static DataFrame frame(FeatureMatrix m, int[] y) {
        ValueVector[] v = new ValueVector[m.features() + 1];
        for (int j = 0; j < m.features(); j++) {
            v[j] = new FloatVector(m.names().get(j), m.column(j));
        }
        v[m.features()] = new IntVector(m.target(), y);
        return new DataFrame(v);
    }

    private static int mtry(Map<String, Number> params, int p) {
        int m = params.get("mtry").intValue();
        return m == 0 ? Math.max(1, (int) Math.floor(Math.sqrt(p))) : Math.min(m, p);
    }

    private static RandomForest forest(Map<String, Number> params, FeatureMatrix train, int k, int[] priors,
                                       long seed, ProgressListener progress) {
        int trees = params.get("trees").intValue();
        long[] seeds = new long[trees];
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int i = 0; i < trees; i++) {
            seeds[i] = rnd.nextLong();
        }
        progress.onProgress(0, trees);
        return SmileForest.fitClassifier(train, k, priors, params, mtry(params, train.features()),
                SmileTrainer.depth(params), leaves(params, train.rows()), params.get("min_leaf_size").intValue(), seeds,
                progress);
    }

    private static DecisionTree tree(Map<String, Number> params, FeatureMatrix train, int[] y, int k, int[] classWeight,
                                     ProgressListener progress) {
        progress.onProgress(0, 1);
        DataFrame df = frame(train, y);
        Formula formula = Formula.lhs(train.target()).expand(df.schema());
        DataFrame x = formula.x(df);
        StructField response = formula.y(df).field();
        int[] samples = new int[y.length];
        for (int i = 0; i < y.length; i++) {
            samples[i] = classWeight == null ? 1 : classWeight[y[i]];
        }
        // Smile's own DecisionTree.fit numbers the classes present; built here with k, every code has its posterior
        DecisionTree tree = LeanDecisionTree.grow(x, y, response, k, SplitRule.GINI, SmileTrainer.depth(params),
                leaves(params, train.rows()), params.get("min_leaf_size").intValue(), train.features(), samples, null);
        progress.onProgress(1, 1);
        return tree;
    }

    /** A tree of n rows never has more than n leaves, so n stands for "unlimited". */
    private static int leaves(Map<String, Number> params, int n) {
        int l = params.get("max_leaves").intValue();
        return l == 0 ? Math.max(2, n) : Math.max(2, l);
    }
}
