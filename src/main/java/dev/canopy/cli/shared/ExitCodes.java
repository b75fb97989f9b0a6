package dev.canopy.cli.shared;

/** The command line's exit codes: 0 success, as picocli's own. */
public final class ExitCodes {
    /** The command ran and failed: bad data, a refused request, a failed run. */
    public static final int FAILED = 1;
    /** The command line itself is wrong: an unknown option, a bad value. */
    public static final int USAGE = 2;

    private ExitCodes() {
    }
}
