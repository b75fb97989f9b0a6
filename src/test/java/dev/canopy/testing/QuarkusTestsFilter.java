package dev.canopy.testing;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.main.QuarkusMainTest;
import org.junit.platform.engine.FilterResult;
import org.junit.platform.engine.TestDescriptor;
import org.junit.platform.engine.TestSource;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.PostDiscoveryFilter;
import org.junit.platform.suite.api.Suite;

import java.lang.annotation.Annotation;
import java.util.Optional;
import java.util.Set;

/**
 * Splits the unit tests in two for Surefire's two executions (pom.xml): {@code -Dtest.group=quarkus} keeps
 * only the classes that start Quarkus ({@code @QuarkusTest}, {@code @QuarkusMainTest}); {@code plain} keeps the
 * others, which run in parallel forks. Unset (an IDE, a plain JUnit launcher) keeps everything. Inside a suite
 * ({@link QuarkusFunctionsSuite}, {@link QuarkusOthersSuite}, which the {@code quarkus} execution runs) only the
 * Quarkus classes are kept, whatever the group. A new Quarkus test lands in the right execution without a list to
 * update. Registered through {@code META-INF/services/org.junit.platform.launcher.PostDiscoveryFilter}.
 */
public final class QuarkusTestsFilter implements PostDiscoveryFilter {
    static final String PROPERTY = "test.group";

    @Override
    public FilterResult apply(TestDescriptor descriptor) {
        String group = System.getProperty(PROPERTY, "");

        if (descriptor.getUniqueId().getEngineId().filter(SUITE_ENGINE::equals).isPresent()) {
            Optional<Class<?>> cls = testClass(descriptor);
            if (cls.isEmpty() || cls.get().isAnnotationPresent(Suite.class)) {
                return FilterResult.included("a suite");
            }
            return FilterResult.includedIf(startsQuarkus(cls.get()), () -> "a suite's Quarkus class",
                    () -> "a suite runs only Quarkus classes");
        }
        if (group.isBlank()) {
            return FilterResult.included("no test group selected");
        }
        Optional<Class<?>> cls = testClass(descriptor);
        if (cls.isEmpty()) {
            return FilterResult.included("not a test class");
        }
        boolean quarkus = startsQuarkus(cls.get());
        return switch (group) {
            case "quarkus" -> FilterResult.includedIf(quarkus, () -> "starts Quarkus", () -> "starts no Quarkus");
            case "plain" -> FilterResult.includedIf(!quarkus, () -> "starts no Quarkus", () -> "starts Quarkus");
            default -> throw new IllegalArgumentException(PROPERTY + "=" + group + ": must be quarkus or plain");
        };
    }

    private static Optional<Class<?>> testClass(TestDescriptor descriptor) {
        Optional<TestSource> source = descriptor.getSource();
        if (source.isPresent() && source.get() instanceof ClassSource c) {
            return Optional.of(c.getJavaClass());
        }
        if (source.isPresent() && source.get() instanceof MethodSource m) {
            return Optional.of(m.getJavaClass());
        }
        return descriptor.getParent().flatMap(QuarkusTestsFilter::testClass);
    }

    /**
     * The class, a superclass or an enclosing class (a {@code @Nested} one) carries a Quarkus test annotation.
     * Compared by name: Quarkus loads its test classes, and so their annotations' types, in a class loader of its
     * own, where {@code QuarkusTest.class} is another class.
     */
    static boolean startsQuarkus(Class<?> cls) {
        for (Class<?> c = cls; c != null; c = c.getEnclosingClass()) {
            for (Class<?> s = c; s != null; s = s.getSuperclass()) {
                for (Annotation a : s.getAnnotations()) {
                    if (QUARKUS_TESTS.contains(a.annotationType().getName())) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    private static final String SUITE_ENGINE = "junit-platform-suite";

    private static final Set<String> QUARKUS_TESTS = Set.of(QuarkusTest.class.getName(), QuarkusMainTest.class.getName());
}
