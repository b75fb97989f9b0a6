package dev.canopy.testing;

import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Prints, when a test run ends, every test or test class that did not run and why: skipped by a condition
 * ({@code @Disabled}, Testcontainers' {@code disabledWithoutDocker}) or aborted by an assumption (missing
 * reference data, see {@link SharedData}). Surefire's and Failsafe's summaries only count skips; this names
 * them. Registered for every JUnit Platform launcher through
 * {@code META-INF/services/org.junit.platform.launcher.TestExecutionListener}, so it runs under both plugins
 * and in an IDE.
 */
public final class SkippedTestsReport implements TestExecutionListener {
    private final List<String> lines = new ArrayList<>();
    private TestPlan plan;

    @Override
    public void testPlanExecutionStarted(TestPlan testPlan) {
        plan = testPlan;
        lines.clear();
    }

    @Override
    public void executionSkipped(TestIdentifier test, String reason) {
        record(test, "skipped", reason);
    }

    @Override
    public void executionFinished(TestIdentifier test, TestExecutionResult result) {
        if (result.getStatus() == TestExecutionResult.Status.ABORTED) {
            record(test, "aborted", result.getThrowable().map(Throwable::getMessage).orElse(null));
        }
    }

    @Override
    public void testPlanExecutionFinished(TestPlan testPlan) {
        if (lines.isEmpty()) {
            return;
        }
        PrintStream out = System.out;
        out.println();
        out.println("Tests not run (" + lines.size() + "):");
        lines.forEach(l -> out.println("  " + l));
        out.println();
        out.flush();
    }

    private synchronized void record(TestIdentifier test, String how, String reason) {
        lines.add(name(test) + " -- " + how + ": " + (reason == null || reason.isBlank() ? "(no reason given)" : reason));
    }

    /** {@code Class > method display name}, or the class alone for a skipped class. */
    private String name(TestIdentifier test) {
        return switch (test.getSource().orElse(null)) {
            case MethodSource m -> simple(m.getClassName()) + " > " + displayPath(test);
            case ClassSource c -> simple(c.getClassName()) + " (whole class)";
            case null, default -> displayPath(test);
        };
    }

    /** The display names below the class: a parameterized invocation shows its method and its arguments. */
    private String displayPath(TestIdentifier test) {
        List<String> names = new ArrayList<>();
        for (TestIdentifier t = test; t != null && !(t.getSource().orElse(null) instanceof ClassSource);
             t = plan == null ? null : plan.getParent(t).orElse(null)) {
            names.addFirst(t.getDisplayName());
        }
        return String.join(" > ", names);
    }

    private static String simple(String className) {
        return className.substring(className.lastIndexOf('.') + 1);
    }
}
