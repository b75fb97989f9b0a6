package dev.canopy.training;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The figures a classifier's report draws, saved by training: bounded whatever the test rows. */
class ClassInsightsTest {

    @Test
    void aLongRocCurveIsThinnedToTheCapKeepingItsEndsAndItsWholeArea() {
        int n = 20_000;
        SplittableRandom r = new SplittableRandom(3);
        int[] truth = new int[n];
        double[][] p = new double[n][];
        for (int i = 0; i < n; i++) {
            truth[i] = r.nextInt(2);
            double q = Math.min(1, Math.max(0, 0.5 + (truth[i] - 0.5) * 0.4 + r.nextGaussian() * 0.25));
            p[i] = new double[]{1 - q, q};
        }
        ClassificationMetrics m = ClassificationMetrics.of(truth, p);
        ClassInsights in = ClassInsights.of(List.of("a", "b"), truth, p);
        assertEquals(ClassInsights.MAX_CURVE_POINTS, in.rocFpr().length, "thinned: the full curve has thousands of points");
        assertEquals(0, in.rocFpr()[0]);
        assertEquals(1, in.rocFpr()[in.rocFpr().length - 1]);
        assertEquals(1, in.rocTpr()[in.rocTpr().length - 1]);
        assertEquals(m.rocAuc(), in.rocAuc(), 1e-12, "the area of the whole curve");
        assertEquals(Arrays.deepToString(m.confusion()), Arrays.deepToString(in.confusion()));
        assertEquals(n, in.calibration().stream().mapToInt(ClassInsights.CalibrationBin::rows).sum());
        for (int i = 1; i < in.rocFpr().length; i++) {
            assertTrue(in.rocFpr()[i] >= in.rocFpr()[i - 1] && in.rocTpr()[i] >= in.rocTpr()[i - 1], "still monotone at " + i);
        }
    }

    @Test
    void aMulticlassCalibrationIsOfTheMostProbableClassAndHasNoCurve() {
        int[] truth = {0, 1, 2, 2};
        double[][] p = {{0.7, 0.2, 0.1}, {0.3, 0.6, 0.1}, {0.5, 0.1, 0.4}, {0.05, 0.05, 0.9}};
        ClassInsights in = ClassInsights.of(List.of("x", "y", "z"), truth, p);
        assertNull(in.rocFpr());
        assertEquals("most probable class", in.calibrationOf());
        // top probabilities 0.7 (right), 0.6 (right), 0.5 (wrong), 0.9 (right): bins 6, 5, 4, 8
        assertEquals(List.of(new ClassInsights.CalibrationBin(4, 1, 0.5, 0), new ClassInsights.CalibrationBin(5, 1, 0.6, 1),
                new ClassInsights.CalibrationBin(6, 1, 0.7, 1), new ClassInsights.CalibrationBin(8, 1, 0.9, 1)), in.calibration());
    }
}
