package dev.canopy.testing;

import org.junit.jupiter.api.Test;
import org.junit.platform.engine.DiscoverySelector;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;
import org.junit.platform.launcher.core.LauncherConfig;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectPackage;

/**
 * Surefire's {@code quarkus-test} execution runs the two suites only, so a Quarkus test that neither suite
 * discovers would run nowhere, and one that both discover would run twice. This discovers every test class of
 * {@code dev.canopy} as Jupiter does, and each suite's, and checks that each Quarkus class is in exactly one
 * suite. Discovery loads the classes without running them; this fork does not build Quarkus applications
 * ({@code prod.mode.tests}), and the launcher here registers no filter of the build's.
 */
class QuarkusSuitesTest {
    @Test
    void everyQuarkusTestClassIsInExactlyOneSuite() {
        Launcher launcher = LauncherFactory.create(LauncherConfig.builder()
                .enablePostDiscoveryFilterAutoRegistration(false)
                .enableTestExecutionListenerAutoRegistration(false)
                .build());
        Set<String> quarkus = new TreeSet<>();
        for (Class<?> c : classes(launcher, selectPackage("dev.canopy"))) {
            if (QuarkusTestsFilter.startsQuarkus(c)) {
                quarkus.add(c.getName());
            }
        }
        assertTrue(quarkus.size() >= 10, "found too few Quarkus test classes to trust the scan: " + quarkus);

        Map<String, String> suiteOf = new TreeMap<>();
        for (Class<?> suite : new Class<?>[]{QuarkusFunctionsSuite.class, QuarkusOthersSuite.class}) {
            for (Class<?> c : classes(launcher, selectClass(suite))) {
                if (QuarkusTestsFilter.startsQuarkus(c)) {
                    String before = suiteOf.put(c.getName(), suite.getSimpleName());
                    assertEquals(null, before, c.getName() + " is in both suites");
                }
            }
        }
        assertEquals(quarkus, suiteOf.keySet(), "Quarkus test classes and the suites' classes differ");
        assertTrue(suiteOf.containsValue("QuarkusFunctionsSuite") && suiteOf.containsValue("QuarkusOthersSuite"),
                "a suite is empty: " + suiteOf);
    }

    /** The top-level and nested test classes that discovering {@code selector} finds. */
    private static Set<Class<?>> classes(Launcher launcher, DiscoverySelector selector) {
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request().selectors(selector).build();
        TestPlan plan = launcher.discover(request);
        Set<Class<?>> out = new HashSet<>();
        for (TestIdentifier root : plan.getRoots()) {
            for (TestIdentifier t : plan.getDescendants(root)) {
                t.getSource().filter(ClassSource.class::isInstance).map(s -> ((ClassSource) s).getJavaClass())
                        .ifPresent(out::add);
            }
        }
        return out;
    }
}
