package dev.canopy.cli;

import dev.canopy.cli.shared.ErrorReporter;
import io.quarkus.arc.Unremovable;
import jakarta.enterprise.context.Dependent;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

@Command(name = "generate", description = "Write synthetic data sets.", subcommands = {GenerateTaxiCommand.class, GenerateRegressionCommand.class})
@Dependent
@Unremovable
public class GenerateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        return ErrorReporter.missingSubcommand(spec);
    }
}
