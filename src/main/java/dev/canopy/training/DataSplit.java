package dev.canopy.training;

/**
 * A reproducible train/test split of row indices, identical to scikit-learn's
 * {@code train_test_split(test_size=f, random_state=seed)}: the first {@code ceil(f * n)} entries of
 * NumPy's permutation are the test rows, the rest the training rows. Every trainer of a run computes it
 * from the same row count, fraction and seed, so all of them see the same split without shipping indices.
 */
public record DataSplit(int[] train, int[] test) {

    public static DataSplit of(int rows, double testFraction, long seed) {
        int[] perm = NumpyPermutation.permutation(rows, seed);
        int nTest = (int) Math.ceil(testFraction * rows);
        int[] test = new int[nTest];
        int[] train = new int[rows - nTest];
        System.arraycopy(perm, 0, test, 0, nTest);
        System.arraycopy(perm, nTest, train, 0, rows - nTest);
        return new DataSplit(train, test);
    }
}
