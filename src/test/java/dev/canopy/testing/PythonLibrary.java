package dev.canopy.testing;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * A Python interpreter with a machine-learning library (XGBoost, LightGBM) that trains the models interop
 * tests score. Where the interpreter or the library is missing the test is skipped naming what is missing and
 * how to install it, except under {@code CI=true} ({@code .ci/run} installs both), where it fails, as
 * {@link SharedData} does for the reference data. Every process started here is stopped before returning.
 */
public final class PythonLibrary {
    private final String python;
    private final String version;
    /** {@link #unchecked}: how to install what its scripts import; null once {@link #require} has checked. */
    private final String install;

    private PythonLibrary(String python, String version, String install) {
        this.python = python;
        this.version = version;
        this.install = install;
    }

    /**
     * @param python  the interpreter: a path, or a name looked up on PATH
     * @param module  the library's module, e.g. {@code xgboost}
     * @param install how to install it, for the skip message
     */
    public static PythonLibrary require(String python, String module, String install) {
        Run r = run(List.of(python, "-c", "import " + module + "; print(" + module + ".__version__)"), 120);
        if (r.exit != 0) {
            return missing(python, module, r.output, install);
        }
        return new PythonLibrary(python, r.output.strip(), null);
    }

    /**
     * Skips the test, or fails it under {@code CI=true}, for an interpreter that could not import {@code module}.
     *
     * @param output what the interpreter printed (its last line, the import error, is quoted), or why it did not run
     */
    public static <T> T missing(String python, String module, String output, String install) {
        String missing = python + " cannot import " + module + " (" + output.strip().lines()
                .reduce((a, b) -> b).orElse("no output") + "); install it with: " + install;
        if (SharedData.inCi()) {
            return fail("CI=true but " + missing);
        }
        return Assumptions.abort(missing + " (outside CI the test is skipped; CI=true makes it fail)");
    }

    /**
     * The interpreter, not asked first whether it has the libraries its scripts import: a script that cannot
     * import one (or an interpreter that does not start) skips the test, or fails it under {@code CI=true}, as
     * {@link #require} would. Where a test only runs scripts, this saves the interpreter that would only check:
     * importing scikit-learn or XGBoost costs a second or more of CPU.
     *
     * @param install how to install what the scripts import, for the skip message
     */
    public static PythonLibrary unchecked(String python, String install) {
        return new PythonLibrary(python, null, install);
    }

    /** The library's version, as its {@code __version__} says; null for {@link #unchecked}. */
    public String version() {
        return version;
    }

    /** Runs a script; fails the test, with its output, if it exits non-zero or outlives {@code timeoutSeconds}. */
    public String runScript(Path script, int timeoutSeconds, String... args) {
        List<String> command = new ArrayList<>(List.of(python, script.toString()));
        command.addAll(List.of(args));
        Run r = run(command, timeoutSeconds);
        if (r.exit != 0) {
            Matcher m = NO_MODULE.matcher(r.output);
            if (install != null && (r.exit == CANNOT_RUN || m.find())) {
                return missing(python, r.exit == CANNOT_RUN ? "what " + script.getFileName() + " needs" : m.group(1),
                        r.output, install);
            }
            fail(script.getFileName() + " exited " + r.exit + ":\n" + r.output);
        }
        return r.output;
    }

    /** Python's message for an import of a module that is not installed; group 1 the top-level package. */
    private static final Pattern NO_MODULE = Pattern.compile("ModuleNotFoundError: No module named '([^'.]+)");
    private static final int CANNOT_RUN = -1;

    private record Run(int exit, String output) {
    }

    private static Run run(List<String> command, int timeoutSeconds) {
        Path log = null;
        Process p = null;
        try {
            log = Files.createTempFile("canopy-python", ".log");
            p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                return Assertions.fail(command + " did not finish in " + timeoutSeconds + " s:\n" + Files.readString(log));
            }
            return new Run(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
        } catch (IOException e) {
            return new Run(CANNOT_RUN, "cannot run " + command.getFirst() + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Assertions.fail("interrupted running " + command);
        } finally {
            if (p != null) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                try {
                    p.waitFor(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            if (log != null) {
                try {
                    Files.deleteIfExists(log);
                } catch (IOException ignored) {
                    // a temporary file; the OS cleans it
                }
            }
        }
    }
}
