package dev.canopy.cli;

import java.nio.file.Path;
import java.util.stream.Stream;

/** The command line of a quick training (10 trees a forest and a booster) the command-line tests share. */
final class SmallTraining {
    private SmallTraining() {
    }

    /** {@code train --data data --out out}, small models, then {@code extra}. */
    static String[] args(Path data, Path out, String... extra) {
        return Stream.concat(Stream.of("train", "--data", data.toString(), "--out", out.toString(),
                "--param", "random_forest.trees=10", "--param", "gradient_boosting.trees=10"), Stream.of(extra))
                .toArray(String[]::new);
    }
}
