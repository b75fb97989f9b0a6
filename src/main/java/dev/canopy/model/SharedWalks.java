package dev.canopy.model;

import java.util.Arrays;

/**
 * Which trees of a {@link TreeEnsemble} with a class per tree can share one walk: tree {@code t} shares the walk
 * of tree {@code m}, the first of the run of copies just before it, when it is {@code m}'s splits with every node
 * {@code roots[t] - roots[m]} further on. A Smile forest of {@code k} classes is compiled that way, each tree
 * once per class with that class's leaves ({@code SmileClassifiers}); XGBoost's and LightGBM's trees differ
 * from class to class and share nothing. Checked node by node when the ensemble is built, so a walk is shared
 * only where it provably ends on the corresponding leaf.
 */
final class SharedWalks {
    private SharedWalks() {
    }

    /**
     * Per tree, the tree whose walk it shares, or -1; the arrays as {@link TreeEnsemble} holds them (a leaf is
     * its own child).
     */
    static int[] of(int[] roots, int[] height, int[] split, double[] threshold, boolean[] nanLeft, int[] child) {
        int[] of = new int[roots.length];
        Arrays.fill(of, -1);
        int[] stack = new int[Arrays.stream(height).max().orElse(0) + 2];
        for (int t = 1; t < roots.length; t++) {
            int m = of[t - 1] >= 0 ? of[t - 1] : t - 1;
            if (height[t] == height[m] && same(roots[m], roots[t], split, threshold, nanLeft, child, stack)) {
                of[t] = m;
            }
        }
        return of;
    }

    /**
     * Whether the tree at {@code b} is the tree at {@code a} with every node {@code b - a} further on: the same
     * slots, thresholds, gap directions and shape. Depth first, {@code stack} at least the height + 2 long.
     */
    private static boolean same(int a, int b, int[] split, double[] threshold, boolean[] nanLeft, int[] child,
                                int[] stack) {
        int d = b - a;
        int top = 0;
        stack[top++] = a;
        while (top > 0) {
            int i = stack[--top];
            int j = i + d;
            boolean leafI = child[2 * i] == i;
            if (j >= split.length || leafI != (child[2 * j] == j)) {
                return false;
            }
            if (leafI) {
                continue;
            }
            if (split[i] != split[j] || nanLeft[i] != nanLeft[j] || Double.compare(threshold[i], threshold[j]) != 0
                    || child[2 * i] + d != child[2 * j] || child[2 * i + 1] + d != child[2 * j + 1]) {
                return false;
            }
            // a node's left child waits while its right subtree is compared: at most one waiting node per
            // level, so the stack never holds more than the height + 1
            stack[top++] = child[2 * i];
            stack[top++] = child[2 * i + 1];
        }
        return true;
    }
}
