package dev.canopy.training;

import dev.canopy.error.InvalidInputException;

/**
 * K-fold cross-validation over the rows of a training split: the positions {@code 0..n-1} are shuffled by
 * NumPy's permutation for the run's seed and cut into {@code k} contiguous folds, the first {@code n % k}
 * of them one row longer (scikit-learn's {@code KFold(k, shuffle=True)} construction). A function of
 * {@code (n, k, seed)} alone, so every trial of a search, on any machine, holds out the same rows.
 */
public final class Folds {
    public static final int MAX = 20;

    private final int[] perm;
    private final int k;

    private Folds(int[] perm, int k) {
        this.perm = perm;
        this.k = k;
    }

    public static void check(String field, Integer folds) {
        if (folds != null && (folds < 2 || folds > MAX)) {
            throw new InvalidInputException(field, folds, "must be between 2 and " + MAX);
        }
    }

    public static Folds of(int n, int k, long seed) {
        check("folds", k);
        if (n < k) {
            throw new InvalidInputException("folds", k, "more folds than training rows (" + n + ")");
        }
        return new Folds(NumpyPermutation.permutation(n, seed), k);
    }

    private int start(int fold) {
        int n = perm.length;
        int base = n / k;
        int extra = n % k;
        return fold * base + Math.min(fold, extra);
    }

    /** Positions of the rows held out in {@code fold}. */
    public int[] heldOut(int fold) {
        int from = start(fold);
        int to = fold == k - 1 ? perm.length : start(fold + 1);
        int[] out = new int[to - from];
        System.arraycopy(perm, from, out, 0, out.length);
        return out;
    }

    /** Positions of the rows trained on when {@code fold} is held out, in permutation order. */
    public int[] kept(int fold) {
        int from = start(fold);
        int to = fold == k - 1 ? perm.length : start(fold + 1);
        int[] out = new int[perm.length - (to - from)];
        System.arraycopy(perm, 0, out, 0, from);
        System.arraycopy(perm, to, out, from, perm.length - to);
        return out;
    }
}
