package dev.canopy.training;

import smile.data.DataFrame;
import smile.data.formula.Formula;
import smile.data.type.StructField;
import smile.math.MathEx;
import smile.model.cart.CART;
import smile.model.cart.Loss;
import smile.regression.RandomForest;
import smile.regression.RegressionTree;
import smile.validation.RegressionMetrics;

import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

/**
 * A random forest of Smile's {@link RegressionTree}s, each grown on its own sample of at most
 * {@code max_samples} rows, assembled into Smile's {@link RandomForest}.
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
        // every column is numeric (categories are float codes), so each has an order; sorted once, filtered per tree
        int[][] order = CART.order(formula.x(all));
        AtomicBoolean stop = new AtomicBoolean();
        progress.onStart(() -> stop.set(true));
        AtomicInteger built = new AtomicInteger();
        int trees = seeds.length;
        RandomForest.Model[] models = IntStream.range(0, trees).parallel().mapToObj(t -> {
            if (stop.get()) {
                throw new IllegalStateException("the forest was stopped after " + built.get() + " of " + trees + " trees");
            }
            long t0 = System.nanoTime();
            int[] counts = draw(n, perTree, bootstrap, new SplittableRandom(seeds[t]));
            // rows in data order, a row drawn k times k times in a row; first[i] is row i's first position
            int[] rows = new int[perTree];
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
                int[] o = new int[perTree];
                int k = 0;
                for (int i : order[j]) {
                    for (int c = 0; c < counts[i]; c++) {
                        o[k++] = first[i] + c;
                    }
                }
                ownOrder[j] = o;
            }
            DataFrame x = formula.x(own.toDataFrame());
            MathEx.setSeed(seeds[t]);
            RegressionTree tree = new RegressionTree(x, Loss.ls(own.labels()), response, maxDepth, maxLeaves, nodeSize,
                    mtry, null, ownOrder);
            double fitMillis = (System.nanoTime() - t0) / 1e6;
            progress.onProgress(built.incrementAndGet(), trees);
            // no out-of-bag score (NaN): the trainer scores the held-out test rows instead
            return new RandomForest.Model(tree, new RegressionMetrics(fitMillis, 0, 0, Double.NaN, Double.NaN,
                    Double.NaN, Double.NaN, Double.NaN));
        }).toArray(RandomForest.Model[]::new);
        double[] importance = new double[p];
        double fitMillis = 0;
        for (RandomForest.Model m : models) {
            double[] imp = m.tree().importance();
            for (int j = 0; j < p; j++) {
                importance[j] += imp[j];
            }
            fitMillis += m.metrics().fitTime();
        }
        return new RandomForest(formula, models, new RegressionMetrics(fitMillis, 0, 0, Double.NaN, Double.NaN,
                Double.NaN, Double.NaN, Double.NaN), importance);
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
