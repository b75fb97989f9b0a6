package dev.canopy.cli;

import dev.canopy.error.InvalidInputException;
import dev.canopy.json.Json;
import dev.canopy.sample.TaxiShards;
import io.quarkus.arc.Unremovable;
import jakarta.enterprise.context.Dependent;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "taxi", description = {"Write synthetic NYC-taxi Parquet shards and print how many rows have passenger_count >= 2.",
        "--full: the public 2009 shards' names, 18-column schema and row counts (1,710,629 rows in 12 shards)."})
@Dependent
@Unremovable
public class GenerateTaxiCommand implements Callable<Integer> {
    @Option(names = "--out", required = true, paramLabel = "<dir>", description = "The directory to write the shards to.")
    Path out;

    @ArgGroup(exclusive = true)
    Size size = new Size();

    static final class Size {
        @Option(names = "--full", required = true, description = "Each shard with its public counterpart's row count.")
        boolean full;

        @Option(names = "--rows", required = true, paramLabel = "<n>", description = "Rows per shard (default: 1000).")
        int rows = 1000;
    }

    @Option(names = "--shards", paramLabel = "<n>", defaultValue = "12", description = "How many shards (default: ${DEFAULT-VALUE}).")
    int shards;

    @Option(names = "--seed", paramLabel = "<n>", defaultValue = "1", description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        int max = TaxiShards.FULL_ROWS.length * 100;
        if (shards < 1 || shards > max) {
            throw new InvalidInputException("--shards", shards, "must be between 1 and " + max);
        }
        if (size.rows < 0 || size.rows > 10_000_000) {
            throw new InvalidInputException("--rows", size.rows, "must be between 0 and 10000000");
        }
        int[] counts = new int[shards];
        for (int i = 0; i < shards; i++) {
            counts[i] = size.full ? TaxiShards.FULL_ROWS[i % TaxiShards.FULL_ROWS.length] : size.rows;
        }
        try {
            List<long[]> written = TaxiShards.write(out, counts, seed);
            long total = written.stream().mapToLong(w -> w[0]).sum();
            long twoPlus = written.stream().mapToLong(w -> w[1]).sum();
            spec.commandLine().getOut().printf(Locale.ROOT,
                    "{\"shards\": %d, \"rows\": %d, \"passengerCountAtLeast2\": %d, \"dir\": %s}%n",
                    shards, total, twoPlus, Json.writeString(out.toString()));
            return 0;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write shards to " + out + ": " + e.getMessage(), e);
        }
    }
}
