package dev.canopy.testing;

import org.junit.platform.suite.api.ExcludeClassNamePatterns;
import org.junit.platform.suite.api.SelectPackages;
import org.junit.platform.suite.api.Suite;

/**
 * Every Quarkus test that {@link QuarkusFunctionsSuite} does not run: {@code status}'s, the command line's, the
 * Python interop's, and any new one wherever it is. The other half of Surefire's {@code quarkus-test} execution.
 * Its pattern is the complement of the other suite's, so a new Quarkus class runs in one suite or the other
 * ({@link QuarkusSuitesTest}).
 */
@Suite
@SelectPackages("dev.canopy")
@ExcludeClassNamePatterns("dev\\.canopy\\.function\\.(?!StatusFunctionTest$)[^.]+")
public class QuarkusOthersSuite {
}
