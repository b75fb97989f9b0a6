package dev.canopy.training;

import com.sun.management.HotSpotDiagnosticMXBean;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

/**
 * The JVM {@link HeapReleaseTest} starts: fills its heap with garbage around 64 MB of live data, as reading a
 * data set does, then prints the committed heap before and after {@code args[0]} ({@code release}: one
 * {@link HeapRelease#collect()}; {@code gc}: one {@code System.gc()}) and the free ratios afterwards.
 */
public final class HeapReleaseChild {
    private HeapReleaseChild() {
    }

    public static void main(String[] args) {
        List<byte[]> live = new ArrayList<>();
        long sink = 0;
        for (int i = 0; i < 160; i++) {
            byte[] b = new byte[4 << 20];
            b[i] = (byte) i;
            sink += b[b.length - 1 - i];
            if (i % 10 == 0) {
                live.add(b);
            }
            List<byte[]> held = new ArrayList<>(); // garbage that survives a while, so the old generation grows
            for (int j = 0; j < 40; j++) {
                held.add(new byte[1 << 20]);
            }
            sink += held.size();
        }
        long[] heap;
        if (args[0].equals("release")) {
            heap = HeapRelease.collect();
        } else {
            long before = Runtime.getRuntime().totalMemory();
            System.gc();
            heap = new long[]{before, Runtime.getRuntime().totalMemory()};
        }
        HotSpotDiagnosticMXBean hs = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
        System.out.println(heap[0] + " " + heap[1] + " " + hs.getVMOption("MinHeapFreeRatio").getValue() + " "
                + hs.getVMOption("MaxHeapFreeRatio").getValue() + " " + live.size() + " " + (sink == 42 ? "" : "."));
    }
}
