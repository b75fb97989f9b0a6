package dev.canopy.model;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The layout the ensemble keeps its nodes in ({@link LockStepWalk}): nodes with several parents (passes and leaf
 * copies), gaps sent either way, a tree given twice, and what the layout refuses; and that a file written from
 * it holds the same model.
 */
class LockStepWalkTest {
    private static final double[] EDGES = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 0.0, -0.0};

    /** Random trees, each laid out depth first in its own range; then splits pointed at later nodes of their tree. */
    private record Forest(int[] roots, int[] feature, double[] threshold, int[] left, int[] right, boolean[] nanLeft,
                          double[] value, int shared) {
    }

    private static Forest forest(Random random, int trees, int features) {
        int cap = trees * 200;
        int[] feature = new int[cap];
        double[] threshold = new double[cap];
        int[] left = new int[cap];
        int[] right = new int[cap];
        boolean[] nanLeft = new boolean[cap];
        double[] value = new double[cap];
        int[] roots = new int[trees];
        int[] n = {0};
        int shared = 0;
        for (int t = 0; t < trees; t++) {
            int first = n[0];
            roots[t] = grow(random, features, 6, feature, threshold, left, right, nanLeft, value, n);
            // a split's child pointed at another node after it in the same tree: that node gets a second parent
            for (int i = first; i < n[0]; i++) {
                if (feature[i] >= 0 && random.nextInt(4) == 0) {
                    int j = i + 1 + random.nextInt(n[0] - i - 1);
                    if (random.nextBoolean()) {
                        left[i] = j;
                    } else {
                        right[i] = j;
                    }
                    shared += feature[j] >= 0 ? 1 : 0;
                }
            }
        }
        int size = n[0];
        return new Forest(roots, Arrays.copyOf(feature, size), Arrays.copyOf(threshold, size),
                Arrays.copyOf(left, size), Arrays.copyOf(right, size),
                Arrays.copyOf(nanLeft, size), Arrays.copyOf(value, size), shared);
    }

    private static int grow(Random random, int features, int depth, int[] feature, double[] threshold, int[] left,
                            int[] right, boolean[] nanLeft, double[] value, int[] n) {
        int id = n[0]++;
        if (depth == 0 || random.nextInt(6) == 0) {
            feature[id] = -1;
            value[id] = random.nextInt(1000) / 7.0;
            return id;
        }
        feature[id] = random.nextInt(features);
        // a file holds no NaN threshold; the edges are the others
        threshold[id] = random.nextInt(8) == 0 ? EDGES[1 + random.nextInt(EDGES.length - 1)] : random.nextInt(5);
        nanLeft[id] = random.nextBoolean();
        left[id] = grow(random, features, depth - 1, feature, threshold, left, right, nanLeft, value, n);
        right[id] = grow(random, features, depth - 1, feature, threshold, left, right, nanLeft, value, n);
        return id;
    }

    /** The rule written out plainly: a gap goes its node's way, any other value left when {@code x <= threshold}. */
    private static double plain(Forest f, int n, double[] row) {
        while (f.feature[n] >= 0) {
            double x = row[f.feature[n]];
            boolean goLeft = Double.isNaN(x) ? f.nanLeft[n] : x <= f.threshold[n];
            n = goLeft ? f.left[n] : f.right[n];
        }
        return f.value[n];
    }

    @Test
    void nodesWithSeveralParentsScoreAsAPlainWalkBeforeAndAfterAFile() {
        Random random = new Random(3);
        int features = 4;
        Forest f = forest(random, 30, features);
        assertTrue(f.shared > 10, "splits with a second parent: " + f.shared);
        TreeEnsemble e = new TreeEnsemble(f.roots, f.feature, f.threshold, f.left, f.right, f.nanLeft, f.value, 0.5,
                0.25, features, TreeEnsemble.Output.IDENTITY);
        byte[] file = TreeCodec.write(e);
        TreeEnsemble back = TreeCodec.read("mem://dag.trees", file);
        assertArrayEquals(file, TreeCodec.write(back), "a file read and written again is the same file");

        int rows = 8192 + 45;
        double[][] columns = new double[features][rows];
        for (int c = 0; c < features; c++) {
            for (int r = 0; r < rows; r++) {
                columns[c][r] = random.nextInt(8) == 0 ? EDGES[random.nextInt(EDGES.length)]
                        : random.nextInt(3) == 0 ? random.nextInt(5) : random.nextGaussian() * 3;
            }
        }
        double[] out = new double[rows];
        double[] again = new double[rows];
        e.predict(columns, rows, out);
        back.predict(columns, rows, again);
        double[] row = new double[features];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < features; c++) {
                row[c] = columns[c][r];
            }
            double sum = 0;
            for (int root : f.roots) {
                sum += plain(f, root, row);
            }
            long expected = Double.doubleToLongBits(0.5 + 0.25 * sum);
            assertEquals(expected, Double.doubleToLongBits(out[r]), "row " + r);
            assertEquals(expected, Double.doubleToLongBits(again[r]), "row " + r + " after the file");
            assertEquals(expected, Double.doubleToLongBits(e.predict(row)), "row " + r + " alone");
        }
    }

    @Test
    void aForestLaidOutDepthFirstIsWrittenAsItWasGiven() {
        Random random = new Random(8);
        int[] feature = new int[4000];
        double[] threshold = new double[4000];
        int[] left = new int[4000];
        int[] right = new int[4000];
        boolean[] nanLeft = new boolean[4000];
        double[] value = new double[4000];
        int[] n = {0};
        int[] roots = new int[12];
        for (int t = 0; t < roots.length; t++) {
            roots[t] = grow(random, 3, 7, feature, threshold, left, right, nanLeft, value, n);
        }
        int size = n[0];
        for (int i = 0; i < size; i++) {
            if (feature[i] < 0) {
                left[i] = 0;
                right[i] = 0;
                nanLeft[i] = false;
            } else {
                value[i] = 0;
            }
        }
        TreeEnsemble e = new TreeEnsemble(roots, Arrays.copyOf(feature, size),
                Arrays.copyOf(threshold, size), Arrays.copyOf(left, size),
                Arrays.copyOf(right, size), Arrays.copyOf(nanLeft, size),
                Arrays.copyOf(value, size), 0, 1, 3, TreeEnsemble.Output.IDENTITY);
        LockStepWalk.NodeArrays a = e.nodeArrays();
        assertArrayEquals(roots, a.roots());
        assertArrayEquals(Arrays.copyOf(feature, size), a.feature());
        assertArrayEquals(Arrays.copyOf(threshold, size), a.threshold());
        assertArrayEquals(Arrays.copyOf(left, size), a.left());
        assertArrayEquals(Arrays.copyOf(right, size), a.right());
        assertArrayEquals(Arrays.copyOf(nanLeft, size), a.nanLeft());
        assertArrayEquals(Arrays.copyOf(value, size), a.value());
        assertEquals(size, e.nodes());
    }

    @Test
    void aTreeGivenTwiceCountsTwiceAndIsKeptOnce() {
        // node 0 splits feature 0 at 1.0 into leaves 1 (2.0) and 2 (5.0)
        int[] feature = {0, -1, -1};
        double[] threshold = {1, 0, 0};
        int[] left = {1, 0, 0};
        int[] right = {2, 0, 0};
        double[] value = {0, 2, 5};
        TreeEnsemble twice = new TreeEnsemble(new int[]{0, 0}, feature, threshold, left, right, value, 0, 1, 1);
        TreeEnsemble once = new TreeEnsemble(new int[]{0}, feature, threshold, left, right, value, 0, 1, 1);
        assertEquals(4.0, twice.predict(new double[]{0.5}));
        assertEquals(10.0, twice.predict(new double[]{3}));
        assertEquals(3, twice.nodes());
        assertEquals(once.bytes() + 8, twice.bytes(), "the second showing holds a root, not nodes");
        TreeEnsemble back = TreeCodec.read("mem://twice.trees", TreeCodec.write(twice));
        assertArrayEquals(new int[]{0, 0}, back.nodeArrays().roots());
        assertEquals(10.0, back.predict(new double[]{3}));
    }

    @Test
    void aNodeOfTwoTreesAndANanLeafAreRefused() {
        // tree 1's root is node 1, a leaf of tree 0
        IllegalArgumentException inside = assertThrows(IllegalArgumentException.class, () -> new TreeEnsemble(
                new int[]{0, 1}, new int[]{0, -1, -1}, new double[]{1, 0, 0}, new int[]{1, 0, 0},
                new int[]{2, 0, 0}, new double[]{0, 2, 5}, 0, 1, 1));
        assertEquals("the root of tree 1, node 1, is a node of tree 0", inside.getMessage());
        // trees 0 (root 0) and 1 (root 2) both send their right child to node 4
        IllegalArgumentException both = assertThrows(IllegalArgumentException.class, () -> new TreeEnsemble(
                new int[]{0, 2}, new int[]{0, -1, 0, -1, -1}, new double[]{1, 0, 1, 0, 0},
                new int[]{1, 0, 3, 0, 0}, new int[]{4, 0, 4, 0, 0}, new double[]{0, 2, 0, 7, 5}, 0, 1, 1));
        assertEquals("node 4 belongs to tree 0 and to tree 1", both.getMessage());
        IllegalArgumentException nan = assertThrows(IllegalArgumentException.class, () -> new TreeEnsemble(
                new int[]{0}, new int[]{0, -1, -1}, new double[]{1, 0, 0}, new int[]{1, 0, 0}, new int[]{2, 0, 0},
                new double[]{0, Double.NaN, 5}, 0, 1, 1));
        assertEquals("leaf 1 holds NaN", nan.getMessage());
    }
}
