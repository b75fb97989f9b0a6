package dev.canopy.training;

import smile.data.DataFrame;
import smile.data.formula.Formula;
import smile.math.MathEx;
import smile.model.cart.Loss;
import smile.regression.GradientTreeBoost;
import smile.regression.RandomForest;
import smile.regression.RegressionTree;
import smile.util.IterativeAlgorithmController;

import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Fits one Smile model. Translates Canopy's scikit-learn-style parameters into Smile's, and turns Smile's
 * per-tree training events into progress callbacks.
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
            case GRADIENT_BOOSTING -> {
                int trees = params.get("trees").intValue();
                // Boosting draws its row samples from Smile's per-thread generator; seeding it here makes
                // a run reproducible. The trainer owns this thread for the duration of the fit.
                MathEx.setSeed(seed);
                try (ExecutorService events = Executors.newSingleThreadExecutor(SmileTrainer::daemon);
                     var controller = controller(events, trees, progress, GradientTreeBoost.TrainingStatus.class)) {
                    yield GradientTreeBoost.fit(formula, df, new GradientTreeBoost.Options(Loss.ls(), trees,
                            depth(params), maxLeaves, nodeSize, params.get("learning_rate").doubleValue(),
                            params.get("subsample").doubleValue(), null, controller));
                }
            }
            case DECISION_TREE -> {
                progress.onProgress(0, 1);
                RegressionTree tree = RegressionTree.fit(formula, df,
                        new RegressionTree.Options(depth(params), maxLeaves, nodeSize));
                progress.onProgress(1, 1);
                yield tree;
            }
        };
    }

    /** Progress events get one daemon thread per fit, ended with the fit. */
    private static Thread daemon(Runnable r) {
        Thread t = new Thread(r, "canopy-training-progress");
        t.setDaemon(true);
        return t;
    }

    /** scikit-learn's max_depth counts split levels; Smile's counts the leaf level too. 0 means unlimited. */
    private static int depth(Map<String, Number> params) {
        int d = params.get("max_depth").intValue();
        return d == 0 ? ForestFanOut.MAX_TREE_DEPTH : d + 1;
    }

    /** A tree of n rows never has more than n leaves, so n stands for "unlimited". */
    private static int leaves(Map<String, Number> params, int n) {
        int l = params.get("max_leaves").intValue();
        return l == 0 ? Math.max(2, n) : Math.max(2, l);
    }

    /**
     * Smile's no-argument controller starts a thread pool that nothing ever shuts down: one leaked thread
     * per fit, fatal for a warm trainer that fits again and again. The caller owns {@code events} instead
     * and closes it (after the controller) when the fit is done.
     */
    private static <T> IterativeAlgorithmController<T> controller(ExecutorService events, int total,
                                                                  ProgressListener progress, Class<T> type) {
        IterativeAlgorithmController<T> c = new IterativeAlgorithmController<>(events, Flow.defaultBufferSize());
        // stop() ends boosting between trees; closing makes a forest's next submit throw, which ends its fit
        progress.onStart(() -> {
            c.stop();
            c.close();
        });
        AtomicInteger built = new AtomicInteger();
        c.subscribe(new Flow.Subscriber<>() {
            @Override
            public void onSubscribe(Flow.Subscription s) {
                s.request(Long.MAX_VALUE);
            }

            @Override
            public void onNext(T item) {
                progress.onProgress(built.incrementAndGet(), total);
            }

            @Override
            public void onError(Throwable t) {
            }

            @Override
            public void onComplete() {
            }
        });
        return c;
    }
}
