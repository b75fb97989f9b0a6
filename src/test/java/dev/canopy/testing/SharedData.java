package dev.canopy.testing;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reference data that is never in the repository: {@code ../shared} beside the repository root (California
 * housing, the pyarrow taxi sample, AWS's SAM schema), or the directory named by {@code -Dcanopy.test.shared}.
 *
 * <p>The one place that decides what a test does when that data is absent: where CI runs (environment
 * {@code CI=true}) the data must be there, so the test fails; anywhere else the test is skipped by a JUnit
 * assumption whose message names the missing path, which the test report lists. Call it inside the test
 * method, not in {@code @BeforeAll}: a class-level skip hides the tests from the counts.
 */
public final class SharedData {
    static final Path ROOT = Path.of(System.getProperty("canopy.test.shared", "../shared"));

    private SharedData() {
    }

    /** {@code relative} under the shared data root, e.g. {@code data/california_housing.csv}. */
    public static Path require(String relative) {
        Path path = ROOT.resolve(relative);
        if (Files.exists(path)) {
            return path;
        }
        String missing = "shared reference data " + relative + " not found at " + path.toAbsolutePath().normalize();
        if (inCi()) {
            return Assertions.fail(missing + "; CI=true, where it must be present");
        }
        return Assumptions.abort(missing + " (outside CI the test is skipped; CI=true makes it fail)");
    }

    static boolean inCi() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }
}
