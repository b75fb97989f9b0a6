package dev.canopy.training;

import smile.data.DataFrame;
import smile.data.formula.Formula;
import smile.regression.RegressionTree;

import java.util.Map;
import java.util.SplittableRandom;

/**
 * Fits one Smile model (a random forest or a decision tree). Translates Canopy's scikit-learn-style parameters
 * into Smile's.
 */
public final class SmileTrainer {

    static {
        // Smile's split search only tries a threshold every n/bins rows (bins defaults to 100), which caps
        // trees at about 130 leaves whatever maxDepth says. A bins value >= n gives exact splits. The
        // property is JVM-wide and read on every split search; nothing else in Canopy relies on binning.
        if (System.getProperty("smile.regression_tree.bins") == null) {
            System.setProperty("smile.regression_tree.bins", String.valueOf(Integer.MAX_VALUE));
        }
    }

    private SmileTrainer() {
    }

    /**
     * @param data the training rows; Smile reads their float columns in place
     */
    public static Object fit(Algorithm algorithm, Map<String, Number> params, FeatureMatrix data,
                             long seed, ProgressListener progress) {
        String target = data.target();
        int p = data.features();
        int n = data.rows();
        DataFrame df = data.toDataFrame();
        Formula formula = Formula.lhs(target);
        int maxLeaves = leaves(params, n);
        int nodeSize = params.get("min_leaf_size").intValue();
        return switch (algorithm) {
            case RANDOM_FOREST -> {
                int trees = params.get("trees").intValue();
                int mtry = params.get("mtry").intValue();
                mtry = mtry == 0 ? Math.max(1, p / 3) : Math.min(mtry, p);
                long[] seeds = new long[trees];
                SplittableRandom rnd = new SplittableRandom(seed);
                for (int i = 0; i < trees; i++) {
                    seeds[i] = rnd.nextLong();
                }
                yield SmileForest.fit(data, params, mtry, depth(params), maxLeaves, nodeSize, seeds, progress);
            }
            // gradient boosting is XGBoost's (XgboostTrainer); nothing routes it here
            case GRADIENT_BOOSTING -> throw new IllegalArgumentException("gradient_boosting is trained by XgboostTrainer");
            case DECISION_TREE -> {
                progress.onProgress(0, 1);
                RegressionTree tree = LeanRegressionTree.fit(formula, df, depth(params), maxLeaves, nodeSize);
                progress.onProgress(1, 1);
                yield tree;
            }
        };
    }

    /** Smile's levels for a tree of unlimited depth ({@code max_depth = 0}): the deepest one can grow. */
    static final int UNLIMITED_DEPTH = 10_000;

    /** scikit-learn's max_depth counts split levels; Smile's counts the leaf level too. 0 means unlimited. */
    static int depth(Map<String, Number> params) {
        int d = params.get("max_depth").intValue();
        return d == 0 ? UNLIMITED_DEPTH : d + 1;
    }

    /** A tree of n rows never has more than n leaves, so n stands for "unlimited". */
    private static int leaves(Map<String, Number> params, int n) {
        int l = params.get("max_leaves").intValue();
        return l == 0 ? Math.max(2, n) : Math.max(2, l);
    }
}
