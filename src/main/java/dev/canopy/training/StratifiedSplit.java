package dev.canopy.training;

import dev.canopy.error.InvalidInputException;

import java.util.Arrays;

/**
 * The train/test split scikit-learn makes with {@code train_test_split(X, y, stratify=y, test_size=f,
 * random_state=seed)}: the same test rows, in the same order, and the same training rows. That is
 * {@code StratifiedShuffleSplit._iter_indices} on NumPy's legacy {@code RandomState(seed)}, whose draws must
 * come in its order:
 * <ol>
 * <li>{@code n_test = ceil(f·n)}, {@code n_train = n − n_test} (as {@link DataSplit});</li>
 * <li>training rows per class: {@code _approximate_mode(counts, n_train)}: {@code floor(count/n · n_train)},
 *     the rows still missing handed to the classes with the largest remainders, ties among equal remainders
 *     broken by {@code rng.choice(…, replace=False)}, i.e. the head of {@code rng.permutation};</li>
 * <li>test rows per class: the same on the counts left over, with {@code n_test};</li>
 * <li>per class, in class order: {@code rng.permutation(count)} of that class's rows (ascending), the first
 *     {@code n_i} to training and the next {@code t_i} to test;</li>
 * <li>{@code rng.permutation} of the training rows, then of the test rows.</li>
 * </ol>
 * Classes are the codes of {@link ClassLabels}, whose order is {@code np.unique}'s, so class {@code c} here is
 * class {@code c} there; codes that no row has are left out, as {@code np.unique} never sees them.
 */
public final class StratifiedSplit {

    private StratifiedSplit() {
    }

    /**
     * @param classes class code of every row, {@code 0..k-1}; rows with a missing target must be dropped first
     * @param labels  the classes' names for error messages; may be null
     */
    public static DataSplit of(int[] classes, ClassLabels labels, double testFraction, long seed) {
        int n = classes.length;
        int nTest = (int) Math.ceil(testFraction * n);
        int nTrain = n - nTest;
        int[][] byClass = rowsByClass(classes, labels);
        int k = byClass.length;
        long[] counts = new long[k];
        for (int c = 0; c < k; c++) {
            counts[c] = byClass[c].length;
            if (counts[c] < 2) {
                throw new InvalidInputException("stratify", name(labels, byClass[c][0], classes),
                        "this class has a single row; a stratified split needs at least two rows of every class");
            }
        }
        if (nTrain < k || nTest < k) {
            throw new InvalidInputException("test_fraction", testFraction, "a stratified split of " + n + " rows gives "
                    + nTrain + " training and " + nTest + " test rows, and each needs at least one row of each of the "
                    + k + " classes");
        }
        NumpyPermutation rng = NumpyPermutation.seeded(seed);
        long[] trainPer = approximateMode(counts, nTrain, rng);
        long[] left = new long[k];
        for (int c = 0; c < k; c++) {
            left[c] = counts[c] - trainPer[c];
        }
        long[] testPer = approximateMode(left, nTest, rng);
        int[] train = new int[nTrain];
        int[] test = new int[nTest];
        int tr = 0;
        int te = 0;
        for (int c = 0; c < k; c++) {
            int[] perm = rng.permutation(byClass[c].length);
            for (int j = 0; j < trainPer[c]; j++) {
                train[tr++] = byClass[c][perm[j]];
            }
            for (long j = trainPer[c]; j < trainPer[c] + testPer[c]; j++) {
                test[te++] = byClass[c][perm[(int) j]];
            }
        }
        rng.shuffle(train);
        rng.shuffle(test);
        return new DataSplit(train, test);
    }

    /**
     * Rows of each class present, ascending ({@code np.split(np.argsort(y, kind="mergesort"), …)}), in code
     * order; absent codes are skipped.
     */
    static int[][] rowsByClass(int[] classes, ClassLabels labels) {
        int max = -1;
        for (int i = 0; i < classes.length; i++) {
            if (classes[i] < 0) {
                throw new InvalidInputException("target", "row " + (i + 1), "has no class (missing target); rows "
                        + "without a target are dropped before the split");
            }
            max = Math.max(max, classes[i]);
        }
        int[] count = new int[max + 1];
        for (int c : classes) {
            count[c]++;
        }
        int[][] rows = new int[max + 1][];
        for (int c = 0; c <= max; c++) {
            rows[c] = new int[count[c]];
        }
        int[] fill = new int[max + 1];
        for (int i = 0; i < classes.length; i++) {
            rows[classes[i]][fill[classes[i]]++] = i;
        }
        return Arrays.stream(rows).filter(r -> r.length > 0).toArray(int[][]::new);
    }

    /**
     * scikit-learn's {@code _approximate_mode(class_counts, n_draws, rng)}: how many of {@code draws} rows each
     * class gets, the floor of its share and then one more for the largest remainders, ties drawn by
     * {@code rng}. The arithmetic is NumPy's, in doubles, so equal remainders are equal here too.
     */
    static long[] approximateMode(long[] counts, long draws, NumpyPermutation rng) {
        int k = counts.length;
        long total = 0;
        for (long c : counts) {
            total += c;
        }
        double[] continuous = new double[k];
        long[] floored = new long[k];
        double[] remainder = new double[k];
        long need = draws;
        for (int c = 0; c < k; c++) {
            continuous[c] = (double) counts[c] / total * draws;
            double f = Math.floor(continuous[c]);
            floored[c] = (long) f;
            remainder[c] = continuous[c] - f;
            need -= floored[c];
        }
        if (need > 0) {
            double[] values = Arrays.stream(remainder).distinct().sorted().toArray();
            for (int v = values.length - 1; v >= 0 && need > 0; v--) {
                int[] inds = new int[k];
                int m = 0;
                for (int c = 0; c < k; c++) {
                    if (remainder[c] == values[v]) {
                        inds[m++] = c;
                    }
                }
                int addNow = (int) Math.min(m, need);
                // rng.choice(inds, size=addNow, replace=False) is inds[rng.permutation(len(inds))[:addNow]]
                int[] perm = rng.permutation(m);
                for (int j = 0; j < addNow; j++) {
                    floored[inds[perm[j]]]++;
                }
                need -= addNow;
            }
        }
        return floored;
    }

    private static String name(ClassLabels labels, int row, int[] classes) {
        int code = classes[row];
        return labels != null && code < labels.size() ? labels.labels().get(code) : "class " + code;
    }
}
