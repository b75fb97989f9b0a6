package dev.canopy.cli;

import dev.canopy.cli.shared.ErrorReporter;
import dev.canopy.inference.Lineage;
import dev.canopy.cli.bench.BenchCommand;
import io.quarkus.arc.Unremovable;
import jakarta.enterprise.context.Dependent;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/**
 * Canopy's command line: the same functions as on Lambda, invoked in-process (or on Lambda with
 * {@code canopy.invoke.mode=lambda}). With {@code --json}, stdout holds exactly the function's answer and
 * nothing else; progress and logs go to stderr. Exit codes: 0 done, 1 the command failed (one line
 * {@code canopy: <ErrorType>: <message>} on stderr), 2 a usage error.
 */
@Command(name = "canopy", mixinStandardHelpOptions = true, versionProvider = CanopyCommand.Version.class,
        // -h, --help and --version on every subcommand too
        scope = ScopeType.INHERIT,
        description = "Ray's tree of actors as functions: train, compare and batch-predict, in-process or on AWS Lambda.",
        subcommands = {TrainCommand.class, StatusCommand.class, ReportCommand.class, DemoCommand.class, PredictCommand.class,
                InvokeCommand.class, ServeCommand.class, BenchCommand.class, GenerateCommand.class, HelpCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:done",
                "1:the command failed; one line on stderr: canopy: <ErrorType>: <message>",
                "2:usage error (unknown command or option, missing or malformed value)"})
@Dependent
@Unremovable
public class CanopyCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        return ErrorReporter.missingSubcommand(spec);
    }

    /** The command line as {@code java -jar canopy-runner.jar} runs it, its commands made by {@code factory}. */
    public static CommandLine commandLine(CommandLine.IFactory factory) {
        ErrorReporter errors = new ErrorReporter();
        return new CommandLine(CanopyCommand.class, factory)
                .setCaseInsensitiveEnumValuesAllowed(true)
                .setExecutionExceptionHandler(errors)
                .setParameterExceptionHandler(errors);
    }

    /** Canopy's version, written into a resource by the build from the pom (the function's files name it too). */
    public static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[]{"canopy " + Lineage.canopyVersion(),
                    "Java " + Runtime.version() + " (" + System.getProperty("java.vm.name") + ")"};
        }
    }
}
