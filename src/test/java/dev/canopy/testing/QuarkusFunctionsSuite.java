package dev.canopy.testing;

import org.junit.platform.suite.api.ExcludeClassNamePatterns;
import org.junit.platform.suite.api.SelectPackages;
import org.junit.platform.suite.api.Suite;

/**
 * The Quarkus tests of the exported functions that do the work, train, supervise, predict and batch-predict
 * ({@code dev.canopy.function}: one class and one test profile per function), which Surefire's
 * {@code quarkus-test} execution runs in one fork while {@link QuarkusOthersSuite} runs the rest in the other.
 * {@code status}'s tests are in the other suite to even the forks: with them here this fork took 46.8 s of CPU
 * and the other 32.0 s, and a profile costs about 3.5 s to build besides its tests.
 *
 * <p>Why suites: with two forks, Surefire hands each fork one class at a time, and each class is then discovered
 * on its own. quarkus-junit builds a test profile's application when it discovers a class of it, so a profile
 * whose classes reached both forks was built twice, and the two forks spent 94 s of CPU where one fork, which is
 * handed every class at once, spent 63 s (but took as long, 55 s). A suite is one class to Surefire and discovers
 * its classes together: the two suites split the profiles between the forks, each built once, and the execution
 * took 46 s of wall time and 79 s of CPU ({@code /usr/bin/time ./mvnw -B -o surefire:test@quarkus-test}, two
 * runs of each layout on this 2-core machine, 2026-12-07).
 *
 * <p>{@link QuarkusTestsFilter} keeps only the Quarkus classes of a suite; the package selection is done here,
 * by name, before any class is loaded: a class loaded to be filtered out would still have its profile built.
 */
@Suite
@SelectPackages("dev.canopy.function")
@ExcludeClassNamePatterns("dev\\.canopy\\.function\\.StatusFunctionTest")
public class QuarkusFunctionsSuite {
}
