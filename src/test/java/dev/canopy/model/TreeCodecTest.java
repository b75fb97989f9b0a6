package dev.canopy.model;

import dev.canopy.error.InvalidInputException;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The numbers-only model format: exact round trip, and every malformed file refused without running anything. */
class TreeCodecTest {
    /** Two trees over two features: x0 <= 1 ? (x1 <= 5 ? 10 : 20) : 30, and a single leaf 4. */
    static TreeEnsemble sample() {
        return new TreeEnsemble(new int[]{0, 5},
                new int[]{0, 1, -1, -1, -1, -1},
                new double[]{1, 5, 0, 0, 0, 0},
                new int[]{1, 2, 0, 0, 0, 0},
                new int[]{4, 3, 0, 0, 0, 0},
                new double[]{0, 0, 10, 20, 30, 4},
                0.5, 2.0, 2);
    }

    @Test
    void roundTripPredictsExactlyTheSame() {
        TreeEnsemble e = sample();
        TreeEnsemble back = TreeCodec.read("mem://m.trees", TreeCodec.write(e));
        double[][] columns = {{0, 0, 2, Double.NaN}, {4, 9, 0, 0}};
        double[] a = new double[4];
        double[] b = new double[4];
        e.predict(columns, 4, a);
        back.predict(columns, 4, b);
        assertArrayEquals(a, b);
        assertEquals(0.5 + 2.0 * (10 + 4), a[0]);
        assertEquals(0.5 + 2.0 * (30 + 4), a[3], "NaN goes right, as in Smile");
    }

    /** Three classes over two features: trees 0 and 3 of class 0, 1 of class 1, 2 of class 2 (single leaves but tree 0). */
    static TreeEnsemble classifier(List<String> labels) {
        return new TreeEnsemble(new int[]{0, 3, 4, 5},
                new int[]{1, -1, -1, -1, -1, -1},
                new double[]{0.5, 0, 0, 0, 0, 0},
                new int[]{1, 0, 0, 0, 0, 0},
                new int[]{2, 0, 0, 0, 0, 0},
                new boolean[]{true, false, false, false, false, false},
                new double[]{0, 1.0, -1.0, 0.25, 0.5, 0.125},
                0, 2.0, 2, TreeEnsemble.Output.SOFTMAX,
                new ClassLayout(3, new int[]{0, 1, 2, 0}, new double[]{0.1, -0.2, 0.3}, labels));
    }

    @Test
    void aClassifierRoundTripsWithItsClassesAndLabels() {
        for (List<String> labels : Arrays.asList(null, List.of("cash", "card", "état ✓"))) {
            TreeEnsemble e = classifier(labels);
            byte[] file = TreeCodec.write(e);
            assertEquals(3, ByteBuffer.wrap(file).getInt(12), "a classifier is written as version 3");
            TreeEnsemble back = TreeCodec.read("mem://m.trees", file);
            assertEquals(e.classLayout(), back.classLayout());
            assertEquals(labels, back.classLayout().labels());
            double[][] columns = {{0, 0, Double.NaN}, {0.5, 0.75, Double.NaN}};
            double[][] a = new double[3][3];
            double[][] b = new double[3][3];
            e.probabilities(columns, 3, a);
            back.probabilities(columns, 3, b);
            for (int c = 0; c < 3; c++) {
                assertArrayEquals(a[c], b[c]);
            }
            // row 0: x1 = 0.5 <= 0.5 goes left (1.0); class 0 adds trees 0 and 3, class 1 tree 1, class 2 tree 2
            double[] m = {0.1 + 2 * (1.0 + 0.125), -0.2 + 2 * 0.25, 0.3 + 2 * 0.5};
            double sum = Math.exp(m[0]) + Math.exp(m[1]) + Math.exp(m[2]);
            assertEquals(Math.exp(m[0]) / sum, a[0][0], 1e-15);
            assertEquals(Math.exp(m[2]) / sum, a[2][0], 1e-15);
            // row 2: a gap goes left at node 0 (nanLeft), as row 0 does
            assertEquals(a[0][0], a[0][2], 0.0);
            // row 1: 0.75 goes right (-1.0)
            assertEquals(0.1 + 2 * (-1.0 + 0.125), Math.log(a[0][1] / a[1][1]) + (-0.2 + 2 * 0.25), 1e-12);
        }
    }

    @Test
    void aBinaryClassifierKeepsItsOneOutputAndRegressionsKeepTheirOldVersions() {
        TreeEnsemble sigmoid = new TreeEnsemble(new int[]{0}, new int[]{-1}, new double[]{0}, new int[]{0}, new int[]{0},
                new boolean[1], new double[]{0.5}, 0.25, 1.0, 1, TreeEnsemble.Output.SIGMOID);
        assertEquals(2, ByteBuffer.wrap(TreeCodec.write(sigmoid)).getInt(12), "reg:logistic stays version 2");
        assertEquals(1, ByteBuffer.wrap(TreeCodec.write(sample())).getInt(12), "a plain regression stays version 1");
        assertThrows(IllegalStateException.class, () -> sigmoid.withLabels(null), "a regression has no labels");
        TreeEnsemble b = new TreeEnsemble(new int[]{0}, new int[]{-1}, new double[]{0}, new int[]{0}, new int[]{0},
                new boolean[1], new double[]{0.5}, 0.25, 1.0, 1, TreeEnsemble.Output.SIGMOID, ClassLayout.binary(List.of("no", "yes")));
        TreeEnsemble back = TreeCodec.read("mem://b.trees", TreeCodec.write(b));
        assertEquals(2, back.classes());
        assertEquals(List.of("no", "yes"), back.classLayout().labels());
        assertEquals(1 / (1 + Math.exp(-0.75)), back.predict(new double[]{0}), 1e-15, "one output: the second class's");
        double[] p = new double[2];
        back.probabilities(new double[]{0}, p);
        assertEquals(1 - p[1], p[0], 0.0);
    }

    /** A version-2 file laid out by hand, as Canopy wrote them before classifiers: it still reads. */
    @Test
    void aVersion2FileWrittenBeforeClassifiersStillReads() {
        ByteBuffer v2 = ByteBuffer.allocate(12 + 4 + 4 + 8 + 8 + 4 + 4 + 4 + 4 + 3 * (3 * 4 + 2 * 8 + 1));
        v2.put("CANOPY-TREES".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).putInt(2).putInt(1)
                .putDouble(0.5).putDouble(1.0).putInt(1) // sigmoid
                .putInt(1).putInt(0).putInt(3)
                .putInt(0).putInt(-1).putInt(-1)          // feature
                .putDouble(2.0).putDouble(0).putDouble(0) // threshold
                .putInt(1).putInt(0).putInt(0)            // left
                .putInt(2).putInt(0).putInt(0)            // right
                .putDouble(0).putDouble(1).putDouble(-1)  // value
                .put((byte) 1).put((byte) 0).put((byte) 0); // a gap goes left at node 0
        TreeEnsemble e = TreeCodec.read("mem://old.trees", v2.array());
        assertEquals(1, e.classes(), "an old file is read as it was written: no classes");
        assertEquals(TreeEnsemble.Output.SIGMOID, e.output());
        assertEquals(1 / (1 + Math.exp(-1.5)), e.predict(new double[]{Double.NaN}), 1e-15);
        assertEquals(1 / (1 + Math.exp(0.5)), e.predict(new double[]{3}), 1e-15);
    }

    @Test
    void malformedClassLayoutsAreRefusedWithAReason() {
        byte[] good = TreeCodec.write(classifier(List.of("a", "b", "c")));
        int classesAt = 12 + 4 + 4 + 8 + 8 + 4 + 4 + 4 * 4;
        ByteBuffer one = ByteBuffer.wrap(good.clone());
        one.putInt(classesAt, 1);
        assertTrue(refused(one.array()).contains("a classifier of 1 classes"));
        ByteBuffer tree = ByteBuffer.wrap(good.clone());
        tree.putInt(classesAt + 8 + 4, 7); // tree 1's class
        assertTrue(refused(tree.array()).contains("tree 1 belongs to class 7 of 3"));
        ByteBuffer flag = ByteBuffer.wrap(good.clone());
        flag.putInt(classesAt + 4, 0);
        assertTrue(refused(flag.array()).contains("one output for 3 classes"));
        ByteBuffer labels = ByteBuffer.wrap(good.clone());
        labels.putInt(classesAt + 8 + 4 * 4 + 3 * 8, 2);
        assertTrue(refused(labels.array()).contains("2 class labels for 3 classes"));
        ByteBuffer longLabel = ByteBuffer.wrap(good.clone());
        longLabel.putInt(classesAt + 8 + 4 * 4 + 3 * 8 + 4, Integer.MAX_VALUE);
        assertTrue(refused(longLabel.array()).contains("declares 2147483647 bytes in class label 0"));
        ByteBuffer base = ByteBuffer.wrap(good.clone());
        base.putDouble(classesAt + 8 + 4 * 4, Double.NaN);
        assertTrue(refused(base.array()).contains("class 0 has base margin NaN"));
    }

    @Test
    void malformedFilesAreRefusedWithAReason() {
        byte[] good = TreeCodec.write(sample());
        assertTrue(refused(Arrays.copyOf(good, 20)).contains("truncated"));
        assertTrue(refused(Arrays.copyOf(good, good.length - 3)).contains("declares 6 nodes but holds"));
        assertTrue(refused("PK\u0003\u0004 not trees at all".getBytes()).contains("not a Canopy tree file"));
        byte[] longer = Arrays.copyOf(good, good.length + 1);
        assertTrue(refused(longer).contains("bytes after the last node"));

        // a node count far beyond the file's size is refused before anything is allocated
        ByteBuffer huge = ByteBuffer.wrap(good.clone());
        int nodesAt = 12 + 4 + 4 + 8 + 8 + 4 + 2 * 4;
        huge.putInt(nodesAt, Integer.MAX_VALUE);
        assertTrue(refused(huge.array()).contains("declares 2147483647 nodes"));

        // a child that points back at its parent would make a walk loop forever
        ByteBuffer cycle = ByteBuffer.wrap(good.clone());
        int leftAt = nodesAt + 4 + 6 * 4 + 6 * 8;
        cycle.putInt(leftAt + 4, 0); // node 1's left child := node 0
        assertTrue(refused(cycle.array()).contains("node 1 has children 0 and 3; they must follow it"));

        ByteBuffer feature = ByteBuffer.wrap(good.clone());
        feature.putInt(nodesAt + 4, 7); // node 0 splits on feature 7 of 2
        assertTrue(refused(feature.array()).contains("node 0 splits on feature 7 of 2"));
    }

    private static String refused(byte[] data) {
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> TreeCodec.read("s3://shared/m.trees", data));
        assertEquals("modelUri", e.field());
        return e.getMessage();
    }
}
