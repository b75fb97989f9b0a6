package dev.canopy.model;

import java.util.Arrays;

/**
 * Which trees of a {@link TreeEnsemble} with a class per tree can share one walk: tree {@code t} shares the walk
 * of tree {@code m}, the first of the run of copies just before it, when its laid-out nodes are {@code m}'s, every
 * one {@code root[t] - root[m]} further on, with the same slots and thresholds and only the leaves' values
 * differing. A Smile forest of {@code k} classes is compiled that way, each tree once per class with that
 * class's leaves ({@code SmileClassifiers}); XGBoost's and LightGBM's trees differ from class to class and share
 * nothing. Checked node by node on {@link LockStepWalk}'s layout, the one the walk takes, so a walk is shared
 * only where it provably ends on the corresponding leaf.
 */
final class SharedWalks {
    private SharedWalks() {
    }

    /**
     * Per tree, the tree whose walk it shares, or -1.
     *
     * @param root each tree's first node in the layout; its nodes run to {@code end}
     * @param node per laid-out node, its left child (high 32 bits) and slot; a leaf is its own left child
     * @param tv   per laid-out node, a split's threshold (a leaf's value, which may differ)
     */
    static int[] of(int[] root, int[] end, int[] height, long[] node, double[] tv) {
        int[] of = new int[root.length];
        Arrays.fill(of, -1);
        for (int t = 1; t < root.length; t++) {
            int m = of[t - 1] >= 0 ? of[t - 1] : t - 1;
            if (height[t] == height[m] && end[t] - root[t] == end[m] - root[m]
                    && same(root[m], end[m], root[t], node, tv)) {
                of[t] = m;
            }
        }
        return of;
    }

    /** Whether the nodes {@code a .. end} are those from {@code b} on, moved by {@code b - a}, leaves' values aside. */
    private static boolean same(int a, int end, int b, long[] node, double[] tv) {
        int d = b - a;
        for (int k = a; k < end; k++) {
            long p = node[k];
            long q = node[k + d];
            int left = (int) (p >>> 32);
            if ((int) p != (int) q || left + d != (int) (q >>> 32)) {
                return false;
            }
            if (left != k && Double.compare(tv[k], tv[k + d]) != 0) {
                return false;
            }
        }
        return true;
    }
}
