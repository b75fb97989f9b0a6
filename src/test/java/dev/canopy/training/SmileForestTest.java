package dev.canopy.training;

import dev.canopy.error.InvalidInputException;
import dev.canopy.model.ModelCodec;
import dev.canopy.model.SmileTrees;
import dev.canopy.model.TreeEnsemble;
import org.junit.jupiter.api.Test;
import smile.regression.RandomForest;

import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The random forest Canopy assembles from Smile's trees, each grown on its own sample of rows. */
class SmileForestTest {

    @Test
    void aTreeIsGrownOnSubsampleOfTheRowsAtMostMaxSamples() {
        Map<String, Number> p = TrainingParams.resolve(Algorithm.RANDOM_FOREST, null);
        assertEquals(10_436, SmileForest.rowsPerTree(p, 16_512), "California housing: 63.2 % of its training rows");
        assertEquals(SmileForest.AUTO_MAX_SAMPLES, SmileForest.rowsPerTree(p, 800_000));
        Map<String, Number> bootstrap = TrainingParams.resolve(Algorithm.RANDOM_FOREST, Map.of("subsample", 1.0));
        assertEquals(16_512, SmileForest.rowsPerTree(bootstrap, 16_512), "a bootstrap draws as many rows as there are");
        Map<String, Number> all = TrainingParams.resolve(Algorithm.RANDOM_FOREST, Map.of("max_samples", 10_000_000));
        assertEquals(505_600, SmileForest.rowsPerTree(all, 800_000));
    }

    @Test
    void drawsExactlyTheRowsAsked() {
        SplittableRandom rnd = new SplittableRandom(3);
        int[] distinct = SmileForest.draw(1_000, 632, false, rnd);
        assertEquals(632, Arrays.stream(distinct).sum());
        assertTrue(Arrays.stream(distinct).allMatch(c -> c == 0 || c == 1), "without replacement, no row twice");
        int[] bootstrap = SmileForest.draw(1_000, 1_000, true, rnd);
        assertEquals(1_000, Arrays.stream(bootstrap).sum());
        assertTrue(Arrays.stream(bootstrap).anyMatch(c -> c > 1), "with replacement, some row twice");
        assertTrue(Arrays.stream(SmileForest.draw(50, 80, false, rnd)).allMatch(c -> c == 1), "more than n: every row once");
    }

    @Test
    void theSameSeedsGrowTheSameForestAndOtherSeedsAnother() {
        FeatureMatrix data = housing(2_000, 5);
        Map<String, Number> p = TrainingParams.resolve(Algorithm.RANDOM_FOREST, Map.of("trees", 12, "max_samples", 700));
        double[] a = predictions(SmileTrainer.fit(Algorithm.RANDOM_FOREST, p, data, 11, ProgressListener.NONE), data);
        double[] b = predictions(SmileTrainer.fit(Algorithm.RANDOM_FOREST, p, data, 11, ProgressListener.NONE), data);
        double[] c = predictions(SmileTrainer.fit(Algorithm.RANDOM_FOREST, p, data, 12, ProgressListener.NONE), data);
        assertArrayEquals(a, b, 0.0);
        assertFalse(Arrays.equals(a, c));
    }

    @Test
    void eachTreeSeesOnlyItsSampleAndTheForestStillLearns() {
        FeatureMatrix data = housing(3_000, 8);
        FeatureMatrix train = data.rows(range(0, 2_400));
        FeatureMatrix test = data.rows(range(2_400, 3_000));
        Map<String, Number> p = TrainingParams.resolve(Algorithm.RANDOM_FOREST, Map.of("trees", 30, "max_samples", 300,
                "min_leaf_size", 5));
        RandomForest forest = (RandomForest) SmileTrainer.fit(Algorithm.RANDOM_FOREST, p, train, 4, ProgressListener.NONE);
        assertEquals(30, forest.trees().length);
        // a tree of 300 rows with leaves of 5 or more rows has at most 60 leaves
        TreeEnsemble e = SmileTrees.compile(forest);
        assertTrue(e.nodes() <= 30 * (2 * 60 - 1), e.nodes() + " nodes in 30 trees");
        // and more than a stump each: they grew on their rows
        assertTrue(e.nodes() > 30 * 15, e.nodes() + " nodes in 30 trees");
        double mean = Arrays.stream(train.labels()).average().orElseThrow();
        double baseline = Metrics.of(test.labels(), constant(test.rows(), mean)).mse();
        double mse = Metrics.of(test.labels(), predictions(forest, test)).mse();
        assertTrue(mse < 0.6 * baseline, "forest " + mse + " against the mean's " + baseline);
    }

    @Test
    void aStoppedForestEndsBeforeItsLastTree() {
        FeatureMatrix data = housing(2_000, 6);
        Map<String, Number> p = TrainingParams.resolve(Algorithm.RANDOM_FOREST, Map.of("trees", 400));
        AtomicInteger built = new AtomicInteger();
        Runnable[] stop = new Runnable[1];
        ProgressListener listener = new ProgressListener() {
            @Override
            public void onProgress(int done, int total) {
                built.set(Math.max(built.get(), done));
                if (done == 3) {
                    stop[0].run();
                }
            }

            @Override
            public void onStart(Runnable s) {
                stop[0] = s;
            }
        };
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> SmileTrainer.fit(Algorithm.RANDOM_FOREST, p, data, 1, listener));
        assertTrue(e.getMessage().contains("stopped"), e.getMessage());
        assertTrue(built.get() < 400, "built " + built.get());
    }

    @Test
    void aShareOfDeepTreesIsReadBackOnlyWithTheDepthItMayHave() {
        // each target is four times the one before: the best split always cuts off the largest, so the tree is
        // a chain about as deep as the rows
        int n = 90;
        double[][] rows = new double[n][];
        for (int i = 0; i < n; i++) {
            rows[i] = new double[]{i, Math.pow(4, i)};
        }
        FeatureMatrix data = FeatureMatrix.ofRows(rows, new String[]{"x", "y"});
        Map<String, Number> p = TrainingParams.resolve(Algorithm.RANDOM_FOREST, Map.of("trees", 1, "min_leaf_size", 1,
                "subsample", 0.99, "mtry", 1));
        RandomForest forest = (RandomForest) SmileTrainer.fit(Algorithm.RANDOM_FOREST, p, data, 2, ProgressListener.NONE);
        byte[] bytes = ModelCodec.write(forest);
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> ModelCodec.read("mem://part", bytes));
        assertTrue(e.getMessage().contains("a limit (depth"), e.getMessage());
        Object back = ModelCodec.readDeep("mem://part", bytes, SmileTrainer.UNLIMITED_DEPTH + 32);
        assertArrayEquals(predictions(forest, data), predictions(back, data), 0.0);
    }

    @Test
    void aClassifierTreeDrawsEachClassInItsShareCappedAtMaxSamples() {
        int[] y = new int[1_000];
        Arrays.fill(y, 0, 900, 0);
        Arrays.fill(y, 900, 990, 1);
        Arrays.fill(y, 990, 1_000, 2);
        int[][] byClass = SmileForest.byClass(y, 3);
        assertArrayEquals(new int[]{900, 90, 10}, Arrays.stream(byClass).mapToInt(r -> r.length).toArray());
        // Smile's round(subsample × count_c): the data's proportions
        assertArrayEquals(new int[]{569, 57, 6}, SmileForest.perClass(byClass, null, 0.632, 50_000));
        // capped at 100 rows a tree, still in proportion, and a rare class keeps at least one row
        assertArrayEquals(new int[]{90, 9, 1}, SmileForest.perClass(byClass, null, 0.632, 100));
        // the balanced priors (count_c / count_min): about as many rows of each class
        int[] priors = ClassifierTrainer.samplingPriors(new int[]{900, 90, 10});
        assertArrayEquals(new int[]{6, 6, 6}, SmileForest.perClass(byClass, priors, 0.632, 50_000));
        int[] counts = SmileForest.drawByClass(1_000, byClass, new int[]{90, 9, 1}, false, new SplittableRandom(5));
        int[] drawn = new int[3];
        for (int i = 0; i < counts.length; i++) {
            assertTrue(counts[i] <= 1, "without replacement, row " + i + " drawn " + counts[i] + " times");
            drawn[y[i]] += counts[i];
        }
        assertArrayEquals(new int[]{90, 9, 1}, drawn);
    }

    @Test
    void aClassifierForestGrowsEachTreeOnItsOwnSampleAndLearns() {
        FeatureMatrix data = classes(3_000, 7);
        FeatureMatrix train = data.rows(range(0, 2_400));
        FeatureMatrix test = data.rows(range(2_400, 3_000));
        Map<String, Number> p = TrainingParams.resolve(Algorithm.RANDOM_FOREST, Map.of("trees", 30, "max_samples", 300,
                "min_leaf_size", 5));
        smile.classification.RandomForest forest = (smile.classification.RandomForest) ClassifierTrainer.fit(
                Algorithm.RANDOM_FOREST, p, train, 3, false, 4, ProgressListener.NONE);
        assertEquals(30, forest.trees().length);
        for (smile.classification.RandomForest.Model m : forest.models()) {
            assertEquals(1.0, m.weight(), "every tree counts the same");
            // a tree of 300 rows with leaves of 5 or more rows has at most 60 leaves, so 119 nodes (of all 2,400
            // rows it could have 480 leaves); and more than a stump: it grew on its rows
            assertTrue(m.tree().size() <= 2 * 60 - 1 && m.tree().size() > 3, m.tree().size() + " nodes");
        }
        int right = 0;
        double[] posterior = new double[3];
        smile.data.DataFrame frame = test.toDataFrame();
        for (int i = 0; i < test.rows(); i++) {
            right += forest.predict(frame.get(i), posterior) == (int) test.labels()[i] ? 1 : 0;
        }
        assertTrue(right > 0.85 * test.rows(), right + " of " + test.rows() + " right");
        smile.classification.RandomForest again = (smile.classification.RandomForest) ClassifierTrainer.fit(
                Algorithm.RANDOM_FOREST, p, train, 3, false, 4, ProgressListener.NONE);
        smile.classification.RandomForest other = (smile.classification.RandomForest) ClassifierTrainer.fit(
                Algorithm.RANDOM_FOREST, p, train, 3, false, 5, ProgressListener.NONE);
        double[] a = probabilities(forest, test);
        assertArrayEquals(a, probabilities(again, test), 0.0);
        assertFalse(Arrays.equals(a, probabilities(other, test)));
    }

    /** Three classes by thresholds on a noisy score of the first two features, a third feature noise. */
    private static FeatureMatrix classes(int rows, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[][] out = new double[rows][];
        for (int i = 0; i < rows; i++) {
            double a = r.nextDouble();
            double b = r.nextDouble();
            double score = a + 0.5 * b + 0.05 * r.nextGaussian();
            out[i] = new double[]{a, b, r.nextDouble(), score < 0.6 ? 0 : score < 1.0 ? 1 : 2};
        }
        return FeatureMatrix.ofRows(out, new String[]{"a", "b", "noise", "class"});
    }

    private static double[] probabilities(smile.classification.RandomForest forest, FeatureMatrix data) {
        smile.data.DataFrame frame = data.toDataFrame();
        double[] out = new double[data.rows() * 3];
        double[] posterior = new double[3];
        for (int i = 0; i < data.rows(); i++) {
            forest.predict(frame.get(i), posterior);
            System.arraycopy(posterior, 0, out, 3 * i, 3);
        }
        return out;
    }

    private static FeatureMatrix housing(int rows, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[][] out = new double[rows][];
        for (int i = 0; i < rows; i++) {
            double income = 1 + 9 * r.nextDouble();
            double age = 50 * r.nextDouble();
            double rooms = 2 + 6 * r.nextDouble();
            out[i] = new double[]{income, age, rooms, 0.4 * income + 0.02 * age * (rooms > 5 ? 1 : -1) + 0.3 * r.nextGaussian()};
        }
        return FeatureMatrix.ofRows(out, new String[]{"income", "age", "rooms", "value"});
    }

    private static double[] predictions(Object model, FeatureMatrix data) {
        double[] out = new double[data.rows()];
        SmileTrees.compile(model).predict(data.doubleColumns(), data.rows(), out);
        return out;
    }

    private static int[] range(int from, int to) {
        return java.util.stream.IntStream.range(from, to).toArray();
    }

    private static double[] constant(int n, double v) {
        double[] d = new double[n];
        Arrays.fill(d, v);
        return d;
    }

    @Test
    void aSubsampleWithoutRepeatsFiltersTheSortOrderAsTheLoopOverCountsDoes() {
        SplittableRandom random = new SplittableRandom(7);
        for (int trial = 0; trial < 50; trial++) {
            int n = 1 + random.nextInt(300);
            int[] order = new int[n];
            for (int i = 0; i < n; i++) {
                order[i] = i;
            }
            for (int i = n - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
            // every share from none drawn to all, the last row drawn or not
            double share = trial / 49.0;
            int[] counts = new int[n];
            int[] first = new int[n];
            int drawn = 0;
            for (int i = 0; i < n; i++) {
                counts[i] = random.nextDouble() < share ? 1 : 0;
                first[i] = drawn;
                drawn += counts[i];
            }
            assertArrayEquals(SmileForest.filter(order, counts, first, drawn),
                    SmileForest.filterOnce(order, counts, first, drawn), "trial " + trial);
        }
    }
}
