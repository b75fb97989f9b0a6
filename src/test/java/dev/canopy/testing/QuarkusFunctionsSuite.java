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
 * whose classes reached both forks was built twice. A suite is one class to Surefire and discovers its classes
 * together: the two suites split the profiles between the forks, each built once. Runs alternated on this 2-core
 * machine ({@code /usr/bin/time ./mvnw -B -o surefire:test@quarkus-test}, 2026-12-07): 58.2 s and 51.6 s of wall
 * time, 100 s and 89 s of CPU, against 57.6 s and 62.9 s, 105 s and 116 s, class by class.
 *
 * <p>{@link QuarkusTestsFilter} keeps only the Quarkus classes of a suite; the package selection is done here,
 * by name, before any class is loaded: a class loaded to be filtered out would still have its profile built.
 */
@Suite
@SelectPackages("dev.canopy.function")
@ExcludeClassNamePatterns("dev\\.canopy\\.function\\.StatusFunctionTest")
public class QuarkusFunctionsSuite {
}
