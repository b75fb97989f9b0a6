package dev.canopy.training;

import com.sun.management.HotSpotDiagnosticMXBean;

import java.lang.management.ManagementFactory;

/**
 * Gives the heap's free memory back to the operating system before native code (XGBoost) allocates beside it.
 *
 * <p>Why: a Lambda function's memory bounds the whole process. Reading a data set leaves the heap committed near
 * its maximum (85 % of the function's memory) though little of it stays live; XGBoost's own arrays then come on
 * top, outside the heap. A full collection alone does not help: the serial collector (Lambda's) shrinks the old
 * generation only while more than {@code MaxHeapFreeRatio} (70 %) of it is free, and then in steps over
 * successive collections (0, 10, 40 and 100 % of the excess, HotSpot's {@code ShrinkHeapInSteps};
 * TenuredGeneration::compute_new_size_inner). So {@link #collect()} lowers both ratios, which HotSpot lets a
 * running JVM change ({@code manageable} flags), collects as often as the steps need, and sets the ratios back.
 *
 * <p>Outside HotSpot (a native image) it only asks for one collection. Not thread-safe with itself: two calls
 * at once would restore each other's ratios; callers hold {@link #LOCK}.
 */
final class HeapRelease {
    static final Object LOCK = new Object();
    /** Heap free after the shrink: 20 % of the old generation's capacity at most. */
    static final String MAX_FREE = "20", MIN_FREE = "10";
    /** Collections that take a shrink from 0 % to 100 % of the excess when HotSpot shrinks in steps. */
    static final int STEPS = 4;

    private HeapRelease() {
    }

    /**
     * Collects the heap and shrinks it to about its live data; returns the committed heap before and after,
     * in bytes.
     */
    static long[] collect() {
        Runtime rt = Runtime.getRuntime();
        long before = rt.totalMemory();
        HotSpotDiagnosticMXBean hotspot = System.getProperty("org.graalvm.nativeimage.imagecode") == null
                ? ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class) : null;
        if (hotspot == null) {
            System.gc();
            return new long[]{before, rt.totalMemory()};
        }
        synchronized (LOCK) {
            String min = hotspot.getVMOption("MinHeapFreeRatio").getValue();
            String max = hotspot.getVMOption("MaxHeapFreeRatio").getValue();
            int steps = Boolean.parseBoolean(hotspot.getVMOption("ShrinkHeapInSteps").getValue()) ? STEPS : 1;
            // HotSpot keeps MinHeapFreeRatio <= MaxHeapFreeRatio at every set: lower the minimum first, raise the
            // maximum first when restoring
            hotspot.setVMOption("MinHeapFreeRatio", MIN_FREE);
            hotspot.setVMOption("MaxHeapFreeRatio", MAX_FREE);
            try {
                for (int i = 0; i < steps; i++) {
                    System.gc();
                }
            } finally {
                hotspot.setVMOption("MaxHeapFreeRatio", max);
                hotspot.setVMOption("MinHeapFreeRatio", min);
            }
        }
        return new long[]{before, rt.totalMemory()};
    }
}
