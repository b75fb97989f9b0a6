package dev.canopy.training;

import dev.canopy.error.InvalidInputException;

/**
 * K folds stratified by class over the positions {@code 0..n-1} of a training split, the folds of scikit-learn's
 * {@code StratifiedKFold(k, shuffle=True, random_state=seed).split(X, y)} ({@code _make_test_folds}):
 * <ol>
 * <li>classes are numbered by first appearance in {@code y} (not by label);</li>
 * <li>fold {@code f} gets, of class {@code c}, as many rows as the round robin {@code y_sorted[f::k]} over the
 *     sorted numbering gives it;</li>
 * <li>per class, in that numbering, the fold numbers {@code 0,0,…,1,1,…} are shuffled by
 *     {@code RandomState(seed).shuffle} (one generator for all classes, in turn) and dealt to the class's
 *     positions in ascending order.</li>
 * </ol>
 * Held-out and kept positions are ascending, as scikit-learn yields them. The counterpart of {@link Folds} for
 * a classification; a function of the classes, {@code k} and the seed alone.
 */
public final class StratifiedFolds {
    private final int[] fold;
    private final int k;

    private StratifiedFolds(int[] fold, int k) {
        this.fold = fold;
        this.k = k;
    }

    /** @param classes the class code (any non-negative numbering) of each training position */
    public static StratifiedFolds of(int[] classes, int k, long seed) {
        Folds.check("folds", k);
        int n = classes.length;
        int[] firstSeen = new int[n == 0 ? 1 : maxCode(classes) + 1];
        java.util.Arrays.fill(firstSeen, -1);
        int distinct = 0;
        int[] encoded = new int[n];
        for (int i = 0; i < n; i++) {
            int c = classes[i];
            if (firstSeen[c] < 0) {
                firstSeen[c] = distinct++;
            }
            encoded[i] = firstSeen[c];
        }
        int[] counts = new int[distinct];
        for (int e : encoded) {
            counts[e]++;
        }
        boolean anyLargeEnough = false;
        for (int c : counts) {
            anyLargeEnough |= c >= k;
        }
        if (!anyLargeEnough) {
            throw new InvalidInputException("folds", k, "more folds than rows of any class in the training split "
                    + "(largest class: " + java.util.Arrays.stream(counts).max().orElse(0) + " rows)");
        }
        // allocation[f][c]: positions p with p % k == f among class c's run [start, start + count) of the sorted numbering
        int[][] allocation = new int[k][distinct];
        int start = 0;
        for (int c = 0; c < distinct; c++) {
            for (int p = start; p < start + counts[c]; p++) {
                allocation[p % k][c]++;
            }
            start += counts[c];
        }
        NumpyPermutation rng = NumpyPermutation.seeded(seed);
        int[][] perClass = new int[distinct][];
        for (int c = 0; c < distinct; c++) {
            int[] folds = new int[counts[c]];
            int j = 0;
            for (int f = 0; f < k; f++) {
                for (int r = 0; r < allocation[f][c]; r++) {
                    folds[j++] = f;
                }
            }
            rng.shuffle(folds); // class by class, in the numbering's order: the generator's draws follow it
            perClass[c] = folds;
        }
        int[] fold = new int[n];
        int[] dealt = new int[distinct];
        for (int i = 0; i < n; i++) {
            fold[i] = perClass[encoded[i]][dealt[encoded[i]]++];
        }
        return new StratifiedFolds(fold, k);
    }

    private static int maxCode(int[] classes) {
        int max = 0;
        for (int i = 0; i < classes.length; i++) {
            if (classes[i] < 0) {
                throw new InvalidInputException("target", "row " + (i + 1), "has no class (missing target)");
            }
            max = Math.max(max, classes[i]);
        }
        return max;
    }

    public int k() {
        return k;
    }

    /** Positions held out in {@code f}, ascending. */
    public int[] heldOut(int f) {
        return positions(f, true);
    }

    /** Positions trained on when {@code f} is held out, ascending. */
    public int[] kept(int f) {
        return positions(f, false);
    }

    private int[] positions(int f, boolean in) {
        if (f < 0 || f >= k) {
            throw new IndexOutOfBoundsException("fold " + f + " of " + k);
        }
        int m = 0;
        for (int x : fold) {
            if ((x == f) == in) {
                m++;
            }
        }
        int[] out = new int[m];
        m = 0;
        for (int i = 0; i < fold.length; i++) {
            if ((fold[i] == f) == in) {
                out[m++] = i;
            }
        }
        return out;
    }
}
