package dev.canopy.serve;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * serve's bounds over all functions: the account's concurrency, and the memory of the live instances, which
 * never exceeds what serve may use (idle instances are stopped to make room, busy ones never). Instances are
 * processes that sleep, not JVMs.
 */
class FunctionsCapacityTest {
    @TempDir
    Path dir;
    private Functions functions;

    private Functions functions(int concurrency, long memoryMb) throws Exception {
        Path sleeper = dir.resolve("sleeper");
        Files.writeString(sleeper, "#!/bin/sh\nexec sleep 120\n");
        Files.setPosixFilePermissions(sleeper, PosixFilePermissions.fromString("rwx------"));
        FunctionSpec train = new FunctionSpec("TrainFunction", "canopy-train", dir.resolve("f.zip"), "h", 3008, 60, Map.of(),
                null, "live");
        FunctionSpec predict = new FunctionSpec("PredictFunction", "canopy-predict", dir.resolve("f.zip"), "h", 512, 60,
                Map.of(), null, "live");
        functions = new Functions(List.of(train, predict), s -> new Functions.Launch(dir, sleeper.toString(), List.of(), "",
                Map.of()), line -> { }, concurrency, memoryMb, null);
        return functions;
    }

    @AfterEach
    void close() {
        if (functions != null) {
            functions.close();
        }
    }

    @Test
    void aFunctionWithoutReservedConcurrencyStartsNoMoreInstancesThanTheMemoryHolds() throws Exception {
        Functions f = functions(1000, 4000);
        Functions.Pool train = f.find("canopy-train");
        Functions.Pool predict = f.find("canopy-predict");
        Instance t1 = train.acquire();
        assertNotNull(t1);
        Functions.Throttled full = assertThrows(Functions.Throttled.class, train::acquire, "3008 + 3008 MB > 4000 MB");
        assertEquals("ConcurrentInvocationLimitExceeded", full.reason);
        assertTrue(full.getMessage().contains("4000 MB"), full.getMessage());
        Instance p1 = predict.acquire();
        assertEquals(3520, f.liveMb());

        train.release(t1, true); // idle now: its memory may be taken back
        Instance p2 = predict.acquire();
        assertNotNull(p2);
        assertEquals(1024, f.liveMb(), "the idle 3008 MB instance was stopped to make room");
        assertEquals(0, train.instances());
        predict.release(p1, true);
        predict.release(p2, true);
        assertEquals(0, f.busy());
    }

    @Test
    void theAccountsConcurrencyBoundsAllFunctionsTogether() throws Exception {
        Functions f = functions(2, 1 << 20);
        Instance a = f.find("canopy-predict").acquire();
        Instance b = f.find("canopy-train").acquire();
        Functions.Throttled t = assertThrows(Functions.Throttled.class, () -> f.find("canopy-predict").acquire());
        assertTrue(t.getMessage().contains("concurrency 2"), t.getMessage());
        f.find("canopy-predict").release(a, true);
        Instance again = f.find("canopy-predict").acquire();
        assertTrue(again == a, "the free instance is reused once a slot is free");
        f.find("canopy-train").release(b, true);
        f.find("canopy-predict").release(again, true);
    }

    @Test
    void anInvocationsLogKeepsItsTailWithinItsCap() {
        InstanceInvocation inv = new InstanceInvocation("arn", new byte[0]);
        String line = "x".repeat(999);
        for (int i = 0; i < 5_000; i++) { // 5 MB of lines
            inv.log(i + line);
        }
        String log = inv.log();
        assertTrue(log.length() <= InstanceInvocation.MAX_LOG_CHARS + 100, "bounded: " + log.length());
        assertTrue(log.startsWith("["), "says what it dropped: " + log.substring(0, 80));
        assertTrue(log.endsWith("4999" + line + "\n"), "the tail is kept");
    }

    @Test
    void aLogLineWithoutEndIsCutNotBufferedWithoutBound() throws Exception {
        Path spewer = dir.resolve("spewer");
        Files.writeString(spewer, "#!/bin/sh\nhead -c 600000 /dev/zero | tr '\\0' a\nexec sleep 120\n");
        Files.setPosixFilePermissions(spewer, PosixFilePermissions.fromString("rwx------"));
        FunctionSpec spec = new FunctionSpec("F", "f", dir.resolve("f.zip"), "h", 128, 60, Map.of(), null, "live");
        List<String> lines = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (Instance i = new Instance("f-1", spec, dir, spewer.toString(), List.of(), "", Map.of(), lines::add)) {
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
            while (lines.size() < 2 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
        }
        assertTrue(lines.size() >= 2, "600 KB without a newline arrive as cut lines: " + lines.size());
        assertTrue(lines.getFirst().endsWith("[line cut at " + Instance.MAX_LINE + " bytes]"));
        assertTrue(lines.getFirst().length() < Instance.MAX_LINE + 100);
    }
}
