package dev.canopy.cli.shared;

import dev.canopy.error.CanopyException;
import dev.canopy.invoke.FunctionInvocationException;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

import java.io.PrintWriter;

/**
 * How the command line fails. A command that fails prints one line, {@code canopy: <ErrorType>: <message>},
 * on stderr and exits 1; a usage error (what picocli refuses while parsing) prints {@code canopy: <problem>},
 * picocli's suggestions when it has some, and a pointer to {@code --help}, and exits 2.
 */
public final class ErrorReporter implements CommandLine.IExecutionExceptionHandler, CommandLine.IParameterExceptionHandler {

    @Override
    public int handleExecutionException(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
        cmd.getErr().println("canopy: " + asOption(describe(e), cmd.getParseResult()));
        return ExitCodes.FAILED;
    }

    /** A request field that leads an error ({@code poolSize="-1": ...}), in front of {@code <ErrorType>: }. */
    private static final java.util.regex.Pattern FIELD = java.util.regex.Pattern.compile("^(\\w+: )([a-z][A-Za-z0-9]*)(?=[=\\[])");

    /**
     * {@code line} with the request field it names spelled as the option the user gave for it
     * ({@code poolSize} → {@code --pool-size}): the user typed the option, not the field.
     */
    static String asOption(String line, CommandLine.ParseResult given) {
        java.util.regex.Matcher m = FIELD.matcher(line);
        if (!m.find()) {
            return line;
        }
        String option = "--" + m.group(2).replaceAll("([A-Z])", "-$1").toLowerCase(java.util.Locale.ROOT);
        return given == null || !given.hasMatchedOption(option) ? line : m.group(1) + option + line.substring(m.end());
    }

    @Override
    public int handleParseException(ParameterException e, String[] args) {
        CommandLine cmd = e.getCommandLine();
        PrintWriter err = cmd.getErr();
        err.println("canopy: " + oneLine(e.getMessage()));
        UnmatchedArgumentException.printSuggestions(e, err);
        err.println("Try '" + cmd.getCommandSpec().qualifiedName() + " --help' for more information.");
        return ExitCodes.USAGE;
    }

    /** A command that only groups others ({@code canopy}, {@code bench}, {@code generate}), run alone. */
    public static int missingSubcommand(CommandSpec spec) {
        PrintWriter err = spec.commandLine().getErr();
        err.println("canopy: '" + spec.qualifiedName() + "' needs a command");
        spec.commandLine().usage(err);
        return ExitCodes.USAGE;
    }

    /** {@code <ErrorType>: <message>} on one line; for a failed function, its own error type and message. */
    static String describe(Throwable e) {
        if (e instanceof FunctionInvocationException f) {
            return f.errorType() + ": " + oneLine(f.errorMessage());
        }
        if (e instanceof CanopyException c) {
            return c.errorType() + ": " + oneLine(c.getMessage());
        }
        return e.getClass().getSimpleName() + ": " + oneLine(String.valueOf(e.getMessage()));
    }

    public static String oneLine(String s) {
        return s == null ? "" : s.strip().replaceAll("\\s*\\R\\s*", " ");
    }
}
