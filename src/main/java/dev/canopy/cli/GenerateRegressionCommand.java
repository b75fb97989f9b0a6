package dev.canopy.cli;

import dev.canopy.error.InvalidInputException;
import dev.canopy.json.Json;
import dev.canopy.sample.RegressionParts;
import io.quarkus.arc.Unremovable;
import jakarta.enterprise.context.Dependent;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "regression", description = {"Write a taxi-shaped regression data set as Parquet parts: 8 features "
        + "(payment_type is text) and the target " + RegressionParts.TARGET + ".",
        "Train on the folder: canopy train --data <dir> --target " + RegressionParts.TARGET + " --categorical auto"})
@Dependent
@Unremovable
public class GenerateRegressionCommand implements Callable<Integer> {
    static final long MAX_ROWS = 2_000_000_000L;

    @Option(names = "--out", required = true, paramLabel = "<dir>", description = "The folder to write the parts to.")
    Path out;

    @Option(names = "--rows", paramLabel = "<n>", defaultValue = "1000000", description = "Rows in all (default: ${DEFAULT-VALUE}).")
    long rows;

    @Option(names = "--parts", paramLabel = "<k>", defaultValue = "12", description = "Parts to split them into (default: ${DEFAULT-VALUE}).")
    int parts;

    @Option(names = "--seed", paramLabel = "<n>", defaultValue = "1", description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (rows < 0 || rows > MAX_ROWS) {
            throw new InvalidInputException("--rows", rows, "must be between 0 and " + MAX_ROWS);
        }
        if (parts < 1 || parts > 100_000 || rows / parts > Integer.MAX_VALUE - 8) {
            throw new InvalidInputException("--parts", parts, "must be between 1 and 100000, with fewer than 2^31 rows a part");
        }
        try {
            long[] counts = RegressionParts.write(out, rows, parts, seed);
            spec.commandLine().getOut().printf(Locale.ROOT, "{\"parts\": %d, \"rows\": %d, \"dir\": %s}%n",
                    parts, Arrays.stream(counts).sum(), Json.writeString(out.toString()));
            return 0;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write parts to " + out + ": " + e.getMessage(), e);
        }
    }
}
