package dev.canopy.training;

import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * HeapRelease gives a serial-collected heap back down to about its live data, where one System.gc() leaves it
 * committed, and leaves the JVM's free ratios as it found them. Each case runs in a JVM of its own, with
 * Lambda's collector and a heap of 1 GB.
 */
class HeapReleaseTest {

    private static long[] run(String how) throws Exception {
        String cp = Path.of(HeapRelease.class.getProtectionDomain().getCodeSource().getLocation().toURI()) + java.io.File.pathSeparator
                + Path.of(HeapReleaseChild.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g", "-XX:MaxRAM=1200m",
                "-XX:+UseSerialGC", "-cp", cp, HeapReleaseChild.class.getName(), how).redirectErrorStream(true).start();
        try {
            String line = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)).readLine();
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the child JVM did not end");
            assertTrue(line != null && line.matches("\\d+ \\d+ \\d+ \\d+ 16 \\.?"), "child printed: " + line);
            String[] f = line.split(" ");
            return new long[]{Long.parseLong(f[0]), Long.parseLong(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3])};
        } finally {
            p.destroyForcibly().waitFor();
        }
    }

    @Test
    void theHeapShrinksToAboutItsLiveDataWhereOneCollectionLeavesItCommitted() throws Exception {
        long[] gc = run("gc");
        long[] release = run("release");
        long mb = 1 << 20;
        assertTrue(gc[0] > 400 * mb && release[0] > 400 * mb, "the garbage grew both heaps: " + gc[0] / mb + ", "
                + release[0] / mb + " MB");
        // 64 MB live: the old generation at most 64 / 0.8 MB, and the young generation half of that
        assertTrue(release[1] < 160 * mb, "shrunk to about the live data: " + release[1] / mb + " MB");
        // one System.gc() shrinks by a step at most, and never below 70 % free (929 MB here)
        assertTrue(gc[1] > 2 * release[1], "one System.gc() leaves the heap committed: " + gc[1] / mb + " MB, against "
                + release[1] / mb + " MB");
        assertEquals(40, release[2], "MinHeapFreeRatio restored");
        assertEquals(70, release[3], "MaxHeapFreeRatio restored");
    }
}
