package dev.canopy.serve;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JavaRuntimeHeapTest {

    @Test
    void heapIsLambdasShareOfTheFunctionsMemory() {
        // the managed java17 runtime's flag for a 512 MB function
        assertEquals(445_645, JavaRuntime.maxHeapKb(512));
        assertEquals(Math.round(3008 * 1024 * 0.85), JavaRuntime.maxHeapKb(3008));
        assertTrue(JavaRuntime.jvmFlags(3008).contains("-XX:MaxHeapSize=" + JavaRuntime.maxHeapKb(3008) + "k"));
        assertTrue(JavaRuntime.jvmFlags(3008).contains("-XX:+UseSerialGC"));
    }

    /** A JVM started with the flags reports that heap, not a quarter of the memory. */
    @Test
    void aJvmStartedWithTheFlagsGetsThatHeap() throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(JavaRuntime.jvmFlags(1024));
        command.add("-XX:+PrintFlagsFinal");
        command.add("-version");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out;
        try {
            out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the JVM did not exit");
        } finally {
            p.destroyForcibly();
        }
        String line = out.lines().filter(l -> l.contains(" MaxHeapSize ")).findFirst().orElseThrow();
        long bytes = Long.parseLong(line.trim().split("\\s+")[3]);
        // the JVM rounds the heap to its alignment (at most a few MB); a quarter would be 256 MB
        long want = JavaRuntime.maxHeapKb(1024) * 1024;
        assertTrue(Math.abs(bytes - want) < (8 << 20), "MaxHeapSize " + bytes + ", want about " + want);
    }
}
