package dev.canopy.testing;

import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Writes, for each test class, the CPU seconds it took: the test JVM's own and its children's (Python, Node,
 * the JVMs of {@code serve} and their instances, once the test has waited for them), with its wall time. One line
 * per class in {@code target/test-cpu/<pid>.tsv}, which {@code docs/testing.md} shows how to rank. The suite is
 * bound by CPU on two cores, so this, not a class's wall time on a busy machine, says where its time goes.
 *
 * <p>The columns: class, own CPU, children's CPU, wall seconds, and the CPU of the thread that ran the class's
 * tests. Own and children's CPU are the difference of the JVM's counters across the class: that class's alone
 * where classes run one after another (the Quarkus forks, the ITs), give or take what its background threads do
 * after it ends, but also its neighbours' where classes run at once (the plain tests, {@code test.plain.threads}
 * in {@code pom.xml}). There, rank by the last column, which misses only the class's own background threads
 * (servers, pools) and children. Linux only ({@code /proc/self/stat}); elsewhere it writes nothing. Registered
 * beside {@link SkippedTestsReport}.
 *
 * <p>Two more lines per fork say what no class is charged for: {@code (fork start)}, the JVM's start up to its
 * first class (Surefire's booter, JUnit's launcher); {@code (fork total)}, written as the JVM exits, all of the
 * fork, so that the total less the classes' sum is the time between classes (Surefire hands a fork one class at
 * a time, and JUnit discovers each, the Quarkus classes that the other execution runs included).
 */
public final class TestCpuReport implements TestExecutionListener {
    /** USER_HZ: the unit of {@code /proc/<pid>/stat}'s times, 100 on every Linux ABI the JDK runs on. */
    private static final double TICKS_PER_SECOND = 100;
    private static final Path STAT = Path.of("/proc/self/stat");
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    /**
     * Per running class (nested classes run inside their outer one): its counters, nanoTime, the running thread's
     * id and CPU nanoseconds at the start.
     */
    private final Map<String, long[]> started = new ConcurrentHashMap<>();

    private static final AtomicBoolean FORK_STARTED = new AtomicBoolean();

    @Override
    public void testPlanExecutionStarted(TestPlan plan) {
        if (FORK_STARTED.compareAndSet(false, true)) {
            writeSinceJvmStart("(fork start)");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> writeSinceJvmStart("(fork total)")));
        }
    }

    private static void writeSinceJvmStart(String what) {
        long[] t = ticks();
        Optional<Instant> start = ProcessHandle.current().info().startInstant();
        if (t != null && start.isPresent()) {
            write(what, t[0] / TICKS_PER_SECOND, t[1] / TICKS_PER_SECOND,
                    Duration.between(start.get(), Instant.now()).toMillis() / 1e3, Double.NaN);
        }
    }

    @Override
    public void executionStarted(TestIdentifier test) {
        long[] t = isClass(test) ? ticks() : null;
        if (t != null) {
            started.put(test.getUniqueId(), new long[]{t[0], t[1], System.nanoTime(), Thread.currentThread().threadId(),
                    THREADS.getCurrentThreadCpuTime()});
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
        // JUnit ends a class on the thread that started it; NaN if not, rather than another thread's figure
        double thread = Thread.currentThread().threadId() == begin[3]
                ? (THREADS.getCurrentThreadCpuTime() - begin[4]) / 1e9 : Double.NaN;
        write(name, (end[0] - begin[0]) / TICKS_PER_SECOND, (end[1] - begin[1]) / TICKS_PER_SECOND,
                (System.nanoTime() - begin[2]) / 1e9, thread);
    }

    private static void write(String name, double own, double children, double wall, double thread) {
        String line = String.format(Locale.ROOT, "%s\t%.2f\t%.2f\t%.2f\t%.2f%n", name, own, children, wall, thread);
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
