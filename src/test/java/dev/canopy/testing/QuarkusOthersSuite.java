package dev.canopy.testing;

import org.junit.platform.suite.api.ExcludePackages;
import org.junit.platform.suite.api.SelectPackages;
import org.junit.platform.suite.api.Suite;

/**
 * Every Quarkus test outside {@code dev.canopy.function} (the command line's, the Python interop's, and any new
 * one wherever it is): the other half of Surefire's {@code quarkus-test} execution. Being the complement of
 * {@link QuarkusFunctionsSuite}, it needs no list: a new Quarkus class runs in one suite or the other.
 */
@Suite
@SelectPackages("dev.canopy")
@ExcludePackages("dev.canopy.function")
public class QuarkusOthersSuite {
}
