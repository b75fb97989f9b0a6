package dev.canopy.cli;

import dev.canopy.testing.TestData;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * A quick training the command-line tests share: its data (500 generated housing rows) and its command line
 * (10 trees a forest and a booster).
 */
final class SmallTraining {
    private SmallTraining() {
    }

    /** Writes {@code dir/housing.csv}, creating {@code dir}, and returns its path. */
    static Path housing(Path dir) throws IOException {
        Files.createDirectories(dir);
        return Files.write(dir.resolve("housing.csv"), TestData.housingCsvBytes(500, 5));
    }

    /** {@code train --data data --out out}, small models, then {@code extra}. */
    static String[] args(Path data, Path out, String... extra) {
        return Stream.concat(Stream.of("train", "--data", data.toString(), "--out", out.toString(),
                "--param", "random_forest.trees=10", "--param", "gradient_boosting.trees=10"), Stream.of(extra))
                .toArray(String[]::new);
    }
}
