package dev.canopy.model;

import dev.canopy.error.InvalidInputException;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.Arrays;

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
