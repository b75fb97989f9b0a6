package dev.canopy.training;

import smile.classification.DecisionTree;
import smile.data.DataFrame;
import smile.data.formula.Formula;
import smile.data.type.DataTypes;
import smile.data.type.StructField;
import smile.math.MathEx;
import smile.model.cart.CART;
import smile.model.cart.Loss;
import smile.model.cart.SplitRule;
import smile.regression.RandomForest;
import smile.regression.RegressionTree;
import smile.validation.ClassificationMetrics;
import smile.validation.RegressionMetrics;

import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.IntFunction;

/**
 * A random forest of Smile's {@link RegressionTree}s, each grown on its own sample of at most
 * {@code max_samples} rows, assembled into Smile's {@link RandomForest}; and its classifier twin of Smile's
 * classification {@link DecisionTree}s ({@link #fitClassifier}).
 *
 * <p>Why not {@link RandomForest#fit}: it grows every tree over all {@code n} rows, with the rows a tree did not
 * draw weighted zero. Its split step allocates a {@code boolean[n]} for every node it splits, and it scores
 * each tree's out-of-bag rows one {@code Tuple} at a time; so a tree costs O(n × nodes), and on a million rows
 * the forest took 287 s of 308 (docs/performance.md). Here a tree's rows are copied into a frame of their own
 * (float32 columns), its sort order is the data set's, filtered, and no out-of-bag score is computed (Canopy
 * scores the test split). Trees, splits and leaves are Smile's.
 *
 * <p>Reproducible: tree {@code i} draws its rows from {@code seeds[i]} and seeds Smile's per-thread generator
 * (its choice of {@code mtry} features per split) with it, as {@link RandomForest#fit} does.
 */
final class SmileForest {
    /**
     * {@code max_samples = 0}: the rows a tree is grown on, at most. A tree's cost grows with its rows times
     * its nodes, and its nodes with its rows; past this the trees of a larger data set cost more without
     * predicting measurably better (docs/performance.md, "Training at scale").
     */
    static final int AUTO_MAX_SAMPLES = 50_000;

    private SmileForest() {
    }

    /** The rows each tree is grown on: {@code subsample} of them (or all, drawn with replacement), capped. */
    static int rowsPerTree(Map<String, Number> params, long rows) {
        double subsample = params.get("subsample").doubleValue();
        long drawn = subsample >= 1.0 ? rows : Math.max(1, Math.round(rows * subsample));
        Number max = params.get("max_samples");
        long cap = max == null || max.intValue() == 0 ? AUTO_MAX_SAMPLES : max.longValue();
        return (int) Math.max(1, Math.min(drawn, cap));
    }

    static RandomForest fit(FeatureMatrix data, Map<String, Number> params, int mtry, int maxDepth, int maxLeaves,
                            int nodeSize, long[] seeds, ProgressListener progress) {
        int n = data.rows();
        int p = data.features();
        boolean bootstrap = params.get("subsample").doubleValue() >= 1.0;
        int perTree = rowsPerTree(params, n);
        DataFrame all = data.toDataFrame();
        Formula formula = Formula.lhs(data.target()).expand(all.schema());
        StructField response = formula.y(all).field();
        RandomForest.Model[] models = grow(data, all, formula, seeds, progress,
                rnd -> draw(n, perTree, bootstrap, rnd), RandomForest.Model[]::new, (x, own, ownOrder, t0) -> {
                    RegressionTree tree = LeanRegressionTree.grow(x, Loss.ls(own.labels()), response, maxDepth,
                            maxLeaves, nodeSize, mtry, null, ownOrder);
                    // no out-of-bag score (NaN): the trainer scores the held-out test rows instead
                    return new RandomForest.Model(tree, new RegressionMetrics(millisSince(t0), 0, 0, Double.NaN,
                            Double.NaN, Double.NaN, Double.NaN, Double.NaN));
                });
        double[] importance = new double[p];
        double fitMillis = 0;
        for (RandomForest.Model m : models) {
            add(importance, m.tree().importance());
            fitMillis += m.metrics().fitTime();
        }
        return new RandomForest(formula, models, new RegressionMetrics(fitMillis, 0, 0, Double.NaN, Double.NaN,
                Double.NaN, Double.NaN, Double.NaN), importance);
    }

    /**
     * A classification forest of Smile's {@link DecisionTree}s (Gini) over class codes {@code 0..k-1}, each tree on
     * its own sample drawn class by class as Smile's {@link smile.classification.RandomForest#fit} draws it: class
     * {@code c} gives {@code subsample × count_c / prior_c} of its rows (with replacement when {@code subsample}
     * is 1), so a tree sees the classes in the data's proportions, or about equally under the balanced priors;
     * scaled down together so that a tree grows on at most {@code max_samples} rows.
     *
     * <p>Every tree weighs 1, as scikit-learn's trees do: Smile weighs each by its out-of-bag accuracy, which
     * needs every other row scored one {@code Tuple} at a time.
     *
     * @param priors {@code prior_c}, Smile's {@code classWeight}, or null for 1 each
     */
    static smile.classification.RandomForest fitClassifier(FeatureMatrix data, int k, int[] priors,
                                                          Map<String, Number> params, int mtry, int maxDepth,
                                                          int maxLeaves, int nodeSize, long[] seeds,
                                                          ProgressListener progress) {
        int n = data.rows();
        int p = data.features();
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = (int) data.labels()[i];
        }
        int[][] byClass = byClass(y, k);
        double subsample = params.get("subsample").doubleValue();
        boolean bootstrap = subsample >= 1.0;
        int[] perClass = perClass(byClass, priors, subsample, rowsPerTree(params, n));
        DataFrame all = data.toDataFrame();
        Formula formula = Formula.lhs(data.target()).expand(all.schema());
        // the class codes as ClassifierTrainer's frames hold them: an int column without a scale
        StructField response = new StructField(data.target(), DataTypes.IntType);
        smile.classification.RandomForest.Model[] models = grow(data, all, formula, seeds, progress,
                rnd -> drawByClass(n, byClass, perClass, bootstrap, rnd), smile.classification.RandomForest.Model[]::new,
                (x, own, ownOrder, t0) -> {
                    int[] codes = new int[own.rows()];
                    for (int i = 0; i < codes.length; i++) {
                        codes[i] = (int) own.labels()[i];
                    }
                    DecisionTree tree = LeanDecisionTree.grow(x, codes, response, k, SplitRule.GINI, maxDepth,
                            maxLeaves, nodeSize, mtry, null, ownOrder);
                    return new smile.classification.RandomForest.Model(tree,
                            new ClassificationMetrics(millisSince(t0), 0, 0, 0, Double.NaN), 1.0);
                });
        double[] importance = new double[p];
        double fitMillis = 0;
        for (smile.classification.RandomForest.Model m : models) {
            add(importance, m.tree().importance());
            fitMillis += m.metrics().fitTime();
        }
        return new smile.classification.RandomForest(formula, k, models,
                new ClassificationMetrics(fitMillis, 0, 0, 0, Double.NaN), importance);
    }

    /** How one tree is grown on its own rows: {@code x} their features, {@code order} each feature's sort order. */
    @FunctionalInterface
    private interface Grower<M> {
        M grow(DataFrame x, FeatureMatrix own, int[][] order, long startNanos);
    }

    /**
     * Grows tree {@code t} of {@code seeds.length} on the rows {@code sampler} draws from {@code seeds[t]}, in
     * parallel on this trainer's share of the CPUs ({@link SharedCpus}), in the order of the seeds; the deadline's
     * watchdog ({@link ProgressListener#onStart}) stops it between trees.
     */
    private static <M> M[] grow(FeatureMatrix data, DataFrame all, Formula formula, long[] seeds,
                                ProgressListener progress, Function<SplittableRandom, int[]> sampler,
                                IntFunction<M[]> array, Grower<M> grower) {
        int n = data.rows();
        int p = data.features();
        // every column is numeric (categories are float codes), so each has an order; sorted once, filtered per tree
        int[][] order = CART.order(formula.x(all));
        AtomicBoolean stop = new AtomicBoolean();
        progress.onStart(() -> stop.set(true));
        AtomicInteger built = new AtomicInteger();
        int trees = seeds.length;
        return SharedCpus.run(trees, t -> {
            if (stop.get()) {
                throw new IllegalStateException("the forest was stopped after " + built.get() + " of " + trees + " trees");
            }
            long t0 = System.nanoTime();
            int[] counts = sampler.apply(new SplittableRandom(seeds[t]));
            int drawn = 0;
            int most = 0;
            for (int c : counts) {
                drawn += c;
                most = Math.max(most, c);
            }
            // rows in data order, a row drawn k times k times in a row; first[i] is row i's first position
            int[] rows = new int[drawn];
            int[] first = new int[n];
            for (int i = 0, k = 0; i < n; i++) {
                first[i] = k;
                for (int c = counts[i]; c > 0; c--) {
                    rows[k++] = i;
                }
            }
            FeatureMatrix own = data.rows(rows);
            int[][] ownOrder = new int[p][];
            for (int j = 0; j < p; j++) {
                ownOrder[j] = most <= 1 ? filterOnce(order[j], counts, first, drawn)
                        : filter(order[j], counts, first, drawn);
            }
            DataFrame x = formula.x(own.toDataFrame());
            MathEx.setSeed(seeds[t]);
            M model = grower.grow(x, own, ownOrder, t0);
            progress.onProgress(built.incrementAndGet(), trees);
            return model;
        }, array);
    }

    /** Each row's positions among the tree's rows, in the order of {@code order}: a row drawn k times k times. */
    static int[] filter(int[] order, int[] counts, int[] first, int drawn) {
        int[] o = new int[drawn];
        int k = 0;
        for (int i : order) {
            for (int c = 0; c < counts[i]; c++) {
                o[k++] = first[i] + c;
            }
        }
        return o;
    }

    /**
     * {@link #filter} when no row is drawn twice (a subsample without replacement), without a branch on whether a
     * row was drawn, which the CPU would mispredict for a third of the rows: every row is written and only a
     * drawn one moves {@code k} on. The loop ends once all {@code drawn} positions are filled, so no write goes
     * past them.
     */
    static int[] filterOnce(int[] order, int[] counts, int[] first, int drawn) {
        int[] o = new int[drawn];
        int k = 0;
        for (int q = 0; q < order.length && k < drawn; q++) {
            int i = order[q];
            o[k] = first[i];
            k += counts[i];
        }
        return o;
    }

    private static double millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e6;
    }

    private static void add(double[] into, double[] values) {
        for (int j = 0; j < into.length; j++) {
            into[j] += values[j];
        }
    }

    /** The rows of each class code, in data order. */
    static int[][] byClass(int[] y, int k) {
        int[] count = new int[k];
        for (int c : y) {
            count[c]++;
        }
        int[][] rows = new int[k][];
        for (int c = 0; c < k; c++) {
            rows[c] = new int[count[c]];
        }
        int[] next = new int[k];
        for (int i = 0; i < y.length; i++) {
            rows[y[i]][next[y[i]]++] = i;
        }
        return rows;
    }

    /**
     * The rows a tree draws of each class: Smile's {@code round(subsample × count_c / prior_c)}
     * ({@code count_c / prior_c} when drawing with replacement), scaled so that they add up to at most
     * {@code cap}; at least one of each class present.
     */
    static int[] perClass(int[][] byClass, int[] priors, double subsample, int cap) {
        int k = byClass.length;
        double[] want = new double[k];
        double total = 0;
        for (int c = 0; c < k; c++) {
            int prior = priors == null ? 1 : priors[c];
            want[c] = subsample >= 1.0 ? Math.floor((double) byClass[c].length / prior)
                    : Math.round(subsample * byClass[c].length / prior);
            total += want[c];
        }
        double scale = total > cap ? cap / total : 1;
        int[] size = new int[k];
        for (int c = 0; c < k; c++) {
            size[c] = byClass[c].length == 0 ? 0 : (int) Math.max(1, Math.round(want[c] * scale));
        }
        return size;
    }

    /** How many times each of {@code n} rows is drawn: {@code perClass[c]} rows of each class {@code c}. */
    static int[] drawByClass(int n, int[][] byClass, int[] perClass, boolean withReplacement, SplittableRandom rnd) {
        int[] counts = new int[n];
        for (int c = 0; c < byClass.length; c++) {
            int[] rows = byClass[c];
            int[] drawn = draw(rows.length, perClass[c], withReplacement, rnd);
            for (int i = 0; i < rows.length; i++) {
                counts[rows[i]] += drawn[i];
            }
        }
        return counts;
    }

    /**
     * How many times each of {@code n} rows is drawn: {@code k} rows with replacement, or {@code k} distinct rows
     * (a partial Fisher-Yates shuffle).
     */
    static int[] draw(int n, int k, boolean withReplacement, SplittableRandom rnd) {
        int[] counts = new int[n];
        if (withReplacement) {
            for (int i = 0; i < k; i++) {
                counts[rnd.nextInt(n)]++;
            }
            return counts;
        }
        if (k >= n) {
            Arrays.fill(counts, 1);
            return counts;
        }
        int[] perm = new int[n];
        for (int i = 0; i < n; i++) {
            perm[i] = i;
        }
        for (int i = 0; i < k; i++) {
            int j = i + rnd.nextInt(n - i);
            int tmp = perm[i];
            perm[i] = perm[j];
            perm[j] = tmp;
            counts[perm[i]] = 1;
        }
        return counts;
    }
}
