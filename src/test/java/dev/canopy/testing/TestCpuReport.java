package dev.canopy.testing;

import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Writes, for each test class, the CPU seconds it took: the test JVM's own and its children's (Python, Node,
 * the JVMs of {@code serve} and their instances, once the test has waited for them), with its wall time. One line
 * per class in {@code target/test-cpu/<pid>.tsv}, which {@code docs/testing.md} shows how to rank. The suite is
 * bound by CPU on two cores, so this, not a class's wall time on a busy machine, says where its time goes.
 *
 * <p>Classes of one fork run one after another, so the difference of the fork's counters across a class is that
 * class's, give or take what its background threads do after it ends. Linux only ({@code /proc/self/stat});
 * elsewhere it writes nothing. Registered beside {@link SkippedTestsReport}.
 */
public final class TestCpuReport implements TestExecutionListener {
    /** USER_HZ: the unit of {@code /proc/<pid>/stat}'s times, 100 on every Linux ABI the JDK runs on. */
    private static final double TICKS_PER_SECOND = 100;
    private static final Path STAT = Path.of("/proc/self/stat");

    /** Per running class (nested classes run inside their outer one): its counters and nanoTime at the start. */
    private final Map<String, long[]> started = new ConcurrentHashMap<>();

    @Override
    public void executionStarted(TestIdentifier test) {
        long[] t = isClass(test) ? ticks() : null;
        if (t != null) {
            started.put(test.getUniqueId(), new long[]{t[0], t[1], System.nanoTime()});
        }
    }

    @Override
    public void executionFinished(TestIdentifier test, TestExecutionResult result) {
        long[] begin = started.remove(test.getUniqueId());
        if (begin == null) {
            return;
        }
        long[] end = ticks();
        if (end == null) {
            return;
        }
        String name = test.getSource().map(s -> ((ClassSource) s).getClassName()).orElse(test.getDisplayName());
        String line = String.format(Locale.ROOT, "%s\t%.2f\t%.2f\t%.2f%n", name,
                (end[0] - begin[0]) / TICKS_PER_SECOND, (end[1] - begin[1]) / TICKS_PER_SECOND,
                (System.nanoTime() - begin[2]) / 1e9);
        try {
            Path dir = Files.createDirectories(Path.of("target", "test-cpu"));
            Files.writeString(dir.resolve(ProcessHandle.current().pid() + ".tsv"), line, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            System.err.println("TestCpuReport: " + e);
        }
    }

    private static boolean isClass(TestIdentifier test) {
        return test.getSource().filter(ClassSource.class::isInstance).isPresent();
    }

    /** {own, children} CPU ticks (user + system), or null where there is no {@code /proc}. */
    private static long[] ticks() {
        try {
            String stat = Files.readString(STAT);
            // fields after the command name, which is in parentheses and may hold spaces: state is field 3
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return new long[]{Long.parseLong(f[11]) + Long.parseLong(f[12]), Long.parseLong(f[13]) + Long.parseLong(f[14])};
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
