package dev.canopy.model;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The lock-step batch walk must give exactly what a plain recursive walk gives: bit for bit, on lopsided trees
 * of different heights, batches longer than a chunk and not a multiple of the lane count, and the values where
 * a comparison can go wrong (NaN, infinities, signed zeros, values equal to a threshold).
 */
class TreeEnsembleTest {
    private static final double[] EDGES = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 0.0, -0.0,
            Double.MIN_VALUE, -Double.MIN_VALUE, Double.MAX_VALUE};

    @Test
    void batchWalkMatchesARecursiveWalkBitForBit() {
        matches(5, 8192 + 300, 42); // more than one chunk, not a multiple of the lanes
    }

    @Test
    void wideModelsUseSmallerChunksAndStillMatch() {
        matches(3000, 1000, 7); // about 350 rows per chunk
    }

    private static void matches(int features, int rows, long seed) {
        Random random = new Random(seed);
        List<Integer> feature = new ArrayList<>();
        List<Double> threshold = new ArrayList<>();
        List<Integer> left = new ArrayList<>();
        List<Integer> right = new ArrayList<>();
        List<Double> value = new ArrayList<>();
        int[] roots = new int[40];
        for (int t = 0; t < roots.length; t++) {
            roots[t] = grow(random, features, 1 + random.nextInt(14), feature, threshold, left, right, value);
        }
        TreeEnsemble e = new TreeEnsemble(roots, ints(feature), doubles(threshold), ints(left), ints(right),
                doubles(value), 0.25, 0.1, features);

        double[][] columns = new double[features][rows];
        for (int f = 0; f < features; f++) {
            for (int r = 0; r < rows; r++) {
                columns[f][r] = random.nextInt(10) == 0 ? EDGES[random.nextInt(EDGES.length)]
                        : random.nextInt(4) == 0 ? random.nextInt(5) // lands on thresholds
                        : random.nextGaussian() * 3;
            }
        }
        double[] out = new double[rows];
        e.predict(columns, rows, out);
        for (int r = 0; r < rows; r++) {
            double sum = 0;
            for (int root : roots) {
                sum += walk(root, columns, r, feature, threshold, left, right, value);
            }
            double expected = 0.25 + 0.1 * sum;
            assertEquals(Double.doubleToLongBits(expected), Double.doubleToLongBits(out[r]), "row " + r);
        }
    }

    /**
     * A class per tree: the lock-step walk into each class's sums gives, bit for bit, what the plain walk summed
     * by class and put through softmax gives, over more than one chunk; and such an ensemble has no single
     * prediction.
     */
    @Test
    void perClassBatchWalkMatchesAPlainWalkBitForBit() {
        Random random = new Random(11);
        int features = 4;
        int rows = 8192 + 77;
        int k = 3;
        List<Integer> feature = new ArrayList<>();
        List<Double> threshold = new ArrayList<>();
        List<Integer> left = new ArrayList<>();
        List<Integer> right = new ArrayList<>();
        List<Double> value = new ArrayList<>();
        int[] roots = new int[30];
        int[] treeClass = new int[roots.length];
        for (int t = 0; t < roots.length; t++) {
            roots[t] = grow(random, features, 1 + random.nextInt(8), feature, threshold, left, right, value);
            treeClass[t] = random.nextInt(k);
        }
        double[] base = {0.5, -0.25, 0};
        TreeEnsemble e = new TreeEnsemble(roots, ints(feature), doubles(threshold), ints(left), ints(right),
                new boolean[feature.size()], doubles(value), 0, 0.01, features, TreeEnsemble.Output.SOFTMAX,
                new ClassLayout(k, treeClass, base, null));
        double[][] columns = columns(random, features, rows);
        double[][] out = new double[k][rows];
        e.probabilities(columns, rows, out);
        for (int r = 0; r < rows; r++) {
            double[] m = new double[k];
            for (int t = 0; t < roots.length; t++) {
                m[treeClass[t]] += walk(roots[t], columns, r, feature, threshold, left, right, value);
            }
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < k; c++) {
                m[c] = base[c] + 0.01 * m[c];
                max = Math.max(max, m[c]);
            }
            double sum = 0;
            for (int c = 0; c < k; c++) {
                m[c] = Math.exp(m[c] - max);
                sum += m[c];
            }
            for (int c = 0; c < k; c++) {
                assertEquals(Double.doubleToLongBits(m[c] / sum), Double.doubleToLongBits(out[c][r]), "row " + r + " class " + c);
            }
        }
        assertThrows(IllegalStateException.class, () -> e.predict(columns, rows, new double[rows]));
        assertThrows(IllegalArgumentException.class, () -> new TreeEnsemble(roots, ints(feature), doubles(threshold),
                ints(left), ints(right), new boolean[feature.size()], doubles(value), 0, 1, features,
                TreeEnsemble.Output.SOFTMAX, null), "softmax needs a class per tree");
    }

    /**
     * A Smile forest's tree is compiled once per class with that class's leaves, each copy right after the one
     * before. Copies share one walk; a near copy (one threshold moved) and unrelated trees walk their own; the
     * probabilities are bit for bit those of a walk per tree.
     */
    @Test
    void copiesOfATreeShareOneWalkAndScoreBitForBitAsTreeByTree() {
        Random random = new Random(5);
        int features = 3;
        int rows = 8192 + 31;
        int k = 3;
        List<Integer> feature = new ArrayList<>();
        List<Double> threshold = new ArrayList<>();
        List<Integer> left = new ArrayList<>();
        List<Integer> right = new ArrayList<>();
        List<Double> value = new ArrayList<>();
        List<Integer> roots = new ArrayList<>();
        List<Integer> classes = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            int root = grow(random, features, 6, feature, threshold, left, right, value);
            int end = feature.size();
            roots.add(root);
            classes.add(0);
            for (int c = 1; c < k; c++) {
                int d = feature.size() - root;
                for (int i = root; i < end; i++) {
                    boolean leaf = feature.get(i) < 0;
                    feature.add(feature.get(i));
                    // the last tree's second copy moves one threshold: a near copy, not a copy
                    threshold.add(t == 3 && c == 2 && i == root && !leaf ? threshold.get(i) + 0.5 : threshold.get(i));
                    left.add(leaf ? 0 : left.get(i) + d);
                    right.add(leaf ? 0 : right.get(i) + d);
                    value.add(leaf ? (double) random.nextInt(1000) / 7 : 0.0);
                }
                roots.add(root + d);
                classes.add(c);
            }
        }
        int[] rootArray = roots.stream().mapToInt(Integer::intValue).toArray();
        int[] treeClass = classes.stream().mapToInt(Integer::intValue).toArray();

        TreeEnsemble e = new TreeEnsemble(rootArray, ints(feature), doubles(threshold), ints(left), ints(right),
                new boolean[feature.size()], doubles(value), 0, 1.0 / 4, features, TreeEnsemble.Output.IDENTITY,
                new ClassLayout(k, treeClass, new double[k], null));
        boolean nearCopy = feature.get(rootArray[9]) >= 0;
        assertArrayEquals(new int[]{-1, 0, 0, -1, 3, 3, -1, 6, 6, -1, 9, nearCopy ? -1 : 9}, e.sharesWalkOf());
        double[][] columns = columns(random, features, rows);
        double[][] out = new double[k][rows];
        e.probabilities(columns, rows, out);
        double[] one = new double[k];
        double[] row = new double[features];
        for (int r = 0; r < rows; r++) {
            double[] m = new double[k];
            for (int t = 0; t < rootArray.length; t++) {
                m[treeClass[t]] += walk(rootArray[t], columns, r, feature, threshold, left, right, value);
            }
            for (int f = 0; f < features; f++) {
                row[f] = columns[f][r];
            }
            e.probabilities(row, one);
            for (int c = 0; c < k; c++) {
                // IDENTITY: each class's margin, 0 + 1/4 × its trees' leaves summed in tree order
                assertEquals(Double.doubleToLongBits(0 + 1.0 / 4 * m[c]), Double.doubleToLongBits(out[c][r]),
                        "row " + r + " class " + c);
                assertEquals(Double.doubleToLongBits(one[c]), Double.doubleToLongBits(out[c][r]), "row " + r + " class " + c);
            }
        }
    }

    /** Feature columns: Gaussian values, one in ten an edge value (NaN, infinities, signed zeros). */
    private static double[][] columns(Random random, int features, int rows) {
        double[][] columns = new double[features][rows];
        for (int f = 0; f < features; f++) {
            for (int r = 0; r < rows; r++) {
                columns[f][r] = random.nextInt(10) == 0 ? EDGES[random.nextInt(EDGES.length)] : random.nextGaussian() * 3;
            }
        }
        return columns;
    }

    @Test
    void constructorRefusesTreesThatCouldLoop() {
        // node 1 sends rows back to node 0: a walk would never end
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new TreeEnsemble(new int[]{0},
                new int[]{0, 0, -1}, new double[]{1, 1, 0}, new int[]{1, 0, 0}, new int[]{2, 2, 0},
                new double[]{0, 0, 1}, 0, 1, 1));
        assertEquals("node 1 has children 0 and 2; they must follow it", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new TreeEnsemble(new int[]{3},
                new int[]{-1}, new double[]{0}, new int[]{0}, new int[]{0}, new double[]{1}, 0, 1, 1));
    }

    /** A random tree of at most {@code depth} split levels, laid out depth first; returns its root. */
    private static int grow(Random random, int features, int depth, List<Integer> feature, List<Double> threshold,
                            List<Integer> left, List<Integer> right, List<Double> value) {
        int id = feature.size();
        feature.add(-1);
        threshold.add(0.0);
        left.add(0);
        right.add(0);
        value.add(0.0);
        if (depth == 0 || random.nextInt(5) == 0) {
            value.set(id, (double) random.nextInt(1000) / 7);
            return id;
        }
        feature.set(id, random.nextInt(features));
        threshold.set(id, random.nextInt(6) == 0 ? EDGES[random.nextInt(EDGES.length)] : (double) random.nextInt(5));
        int l = grow(random, features, depth - 1, feature, threshold, left, right, value);
        left.set(id, l);
        int r = grow(random, features, depth - 1, feature, threshold, left, right, value);
        right.set(id, r);
        return id;
    }

    /** Smile's rule, written out plainly: {@code x <= threshold} goes left, anything else (NaN too) right. */
    private static double walk(int n, double[][] columns, int row, List<Integer> feature, List<Double> threshold,
                               List<Integer> left, List<Integer> right, List<Double> value) {
        if (feature.get(n) < 0) {
            return value.get(n);
        }
        double x = columns[feature.get(n)][row];
        return walk(x <= threshold.get(n) ? left.get(n) : right.get(n), columns, row, feature, threshold, left, right, value);
    }

    private static int[] ints(List<Integer> list) {
        return list.stream().mapToInt(Integer::intValue).toArray();
    }

    private static double[] doubles(List<Double> list) {
        return list.stream().mapToDouble(Double::doubleValue).toArray();
    }
}
