package dev.canopy.model;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** XGBoost's float32 {@code x < split} as a double {@code x <= t}: exact at the boundary on both sides. */
class TreeBuilderTest {

    /** The threshold is the boundary: it goes left as XGBoost sends it left, and the next double goes right. */
    private static void checkBoundary(float split) {
        double t = TreeBuilder.belowFloat(split);
        assertTrue((float) t < split, () -> "t=" + t + " must go left of " + split);
        double above = Math.nextUp(t);
        assertFalse((float) above < split, () -> "the double after t=" + t + " must go right of " + split);
    }

    @Test
    void thresholdsMatchFloatComparisonOnRandomAndSpecialSplits() {
        SplittableRandom r = new SplittableRandom(20);
        for (int i = 0; i < 200_000; i++) {
            float f = Float.intBitsToFloat(r.nextInt());
            if (Float.isFinite(f)) {
                checkBoundary(f);
            }
        }
        for (float f : new float[]{0f, -0f, Float.MIN_VALUE, -Float.MIN_VALUE, Float.MIN_NORMAL, 1f, -1f, 0.5f,
                Float.MAX_VALUE, -Float.MAX_VALUE, 1.5f, 3.0000002f, 1e-35f, -1e-35f, 16777216f, 16777218f}) {
            checkBoundary(f);
        }
    }

    @Test
    void tiesRoundHalfToEven() {
        // 1 and the float after it: their midpoint rounds (half to even) to 1, whose mantissa is even, so
        // it goes left of the float after 1; for the next pair the midpoint rounds up, so it goes right.
        float one = 1f;
        float next = Math.nextUp(one);
        double mid = ((double) one + next) / 2;
        assertEquals(mid, TreeBuilder.belowFloat(next));
        float nextNext = Math.nextUp(next);
        double mid2 = ((double) next + nextNext) / 2;
        assertEquals(Math.nextDown(mid2), TreeBuilder.belowFloat(nextNext));
        assertEquals(Double.NEGATIVE_INFINITY, (double) (float) (-(double) Float.MAX_VALUE - Math.ulp(Float.MAX_VALUE) / 2.0));
        checkBoundary(-Float.MAX_VALUE);
        assertThrows(IllegalArgumentException.class, () -> TreeBuilder.belowFloat(Float.NaN));
        assertThrows(IllegalArgumentException.class, () -> TreeBuilder.belowFloat(Float.POSITIVE_INFINITY));
    }

    @Test
    void gapsFollowEachNodesDirectionInBothScoringPaths() {
        // x0 <= 1 (gap left) ? (x1 <= 5 (gap right) ? 10 : 20) : (x0 <= 3 (gap right) ? 30 : 40)
        TreeBuilder b = new TreeBuilder(1);
        int root = b.reserve();
        int l = b.reserve();
        int r = b.reserve();
        b.split(root, 0, 1, true, l, r);
        int ll = b.reserve();
        int lr = b.reserve();
        b.split(l, 1, 5, false, ll, lr);
        b.leaf(ll, 10);
        b.leaf(lr, 20);
        int rl = b.reserve();
        int rr = b.reserve();
        b.split(r, 0, 3, false, rl, rr);
        b.leaf(rl, 30);
        b.leaf(rr, 40);
        TreeEnsemble e = b.build(new int[]{root}, 0, 1, 2, TreeEnsemble.Output.IDENTITY);
        double nan = Double.NaN;
        double[][] rows = {{nan, 0}, {nan, nan}, {2, nan}, {5, 0}, {0, 9}, {Double.NEGATIVE_INFINITY, 0}};
        double[] want = {10, 20, 30, 40, 20, 10};
        double[][] columns = new double[2][rows.length];
        for (int i = 0; i < rows.length; i++) {
            columns[0][i] = rows[i][0];
            columns[1][i] = rows[i][1];
            assertEquals(want[i], e.predict(rows[i]), "row " + i);
        }
        double[] out = new double[rows.length];
        e.predict(columns, rows.length, out);
        for (int i = 0; i < rows.length; i++) {
            assertEquals(want[i], out[i], "batch row " + i);
        }
        TreeEnsemble back = TreeCodec.read("mem://x.trees", TreeCodec.write(e));
        double[] again = new double[rows.length];
        back.predict(columns, rows.length, again);
        assertEquals(java.util.Arrays.toString(out), java.util.Arrays.toString(again), "version 2 keeps the gap directions");
        assertTrue(TreeCodec.write(e)[15] == 2, "written as version 2");
    }

    @Test
    void sigmoidOutputSurvivesTheCodec() {
        TreeBuilder b = new TreeBuilder(1);
        int root = b.reserve();
        b.leaf(root, 0.25);
        TreeEnsemble e = b.build(new int[]{root}, 0.5, 2, 1, TreeEnsemble.Output.SIGMOID);
        double want = 1 / (1 + Math.exp(-(0.5 + 2 * 0.25)));
        assertEquals(want, e.predict(new double[]{0}), 1e-15);
        TreeEnsemble back = TreeCodec.read("mem://x.trees", TreeCodec.write(e));
        assertEquals(TreeEnsemble.Output.SIGMOID, back.output());
        double[] out = new double[1];
        back.predict(new double[][]{{7}}, 1, out);
        assertEquals(want, out[0], 1e-15);
    }
}
