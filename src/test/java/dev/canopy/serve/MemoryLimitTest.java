package dev.canopy.serve;

import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A function's MemorySize is enforced on its instance: a real child JVM that takes more memory than its limit
 * is killed, and the peak that took it over is kept; one that stays under is left alone.
 */
class MemoryLimitTest {

    private static Process hog(int mb) throws Exception {
        String classes = Path.of(MemoryHog.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        return new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx700m",
                "-XX:+UseSerialGC", "-cp", classes, MemoryHog.class.getName(), String.valueOf(mb))
                .redirectErrorStream(true).start();
    }

    @Test
    void anInstanceOverItsMemoryIsKilledAndItsPeakKept() throws Exception {
        assumeTrue(MemoryLimit.measured(), "serve measures memory through Linux's /proc, which this machine lacks");
        Process p = hog(400);
        try (MemoryLimit limit = new MemoryLimit(p.toHandle(), 200)) {
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the instance over its memory was not stopped");
            assertTrue(limit.exceeded());
            assertEquals(137, p.exitValue(), "killed by SIGKILL, as Lambda's kernel does");
            long peak = limit.peakMb();
            assertTrue(peak > 200, "the peak read when it went over: " + peak);
        } finally {
            p.destroyForcibly().waitFor();
        }
    }

    @Test
    void anInstanceUnderItsMemoryIsLeftAlone() throws Exception {
        assumeTrue(MemoryLimit.measured(), "serve measures memory through Linux's /proc, which this machine lacks");
        Process p = hog(64);
        try (MemoryLimit limit = new MemoryLimit(p.toHandle(), 1024)) {
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            assertEquals("held 64 MB", out.readLine());
            Thread.sleep(5 * MemoryLimit.PERIOD_MILLIS); // several reads after its peak
            assertFalse(limit.exceeded());
            assertTrue(p.isAlive());
            long peak = limit.peakMb();
            assertTrue(peak >= 64 && peak < 1024, "its peak is measured: " + peak);
        } finally {
            p.destroyForcibly().waitFor();
        }
    }
}
