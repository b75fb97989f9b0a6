package dev.canopy.cli.bench;

import dev.canopy.error.InvalidInputException;
import dev.canopy.cli.shared.ErrorReporter;
import io.quarkus.arc.Unremovable;
import jakarta.enterprise.context.Dependent;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

@Command(name = "bench", description = "Measure Canopy: the training tree, batch prediction, scoring and JVM cold start.",
        subcommands = {BenchTreeCommand.class, BenchPredictCommand.class, BenchScoreCommand.class,
                BenchColdStartCommand.class})
@Dependent
@Unremovable
public class BenchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        return ErrorReporter.missingSubcommand(spec);
    }

    static long median(long[] values) {
        long[] v = values.clone();
        java.util.Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    static void checkRepeat(long repeat, long max) {
        if (repeat < 1 || repeat > max) {
            throw new InvalidInputException("--repeat", repeat, "must be between 1 and " + max);
        }
    }
}
