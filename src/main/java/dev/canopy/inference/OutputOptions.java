package dev.canopy.inference;

import dev.canopy.error.InvalidInputException;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The checks of what goes into a predictions file beside {@code prediction}: {@code keepColumns} (input
 * columns copied as they are) and {@code outputFormat} ({@code parquet}, or {@code csv} for a CSV copy as
 * well). Shared by {@code batch-predict}, which refuses a bad value before any shard is read, and
 * {@code predict}, which may be called on its own.
 */
public final class OutputOptions {
    /** Columns that can be kept at most: ids and a few labels, not a copy of the shard. */
    public static final int MAX_KEEP_COLUMNS = 64;
    /** The predictions column, which a kept column may not shadow. */
    public static final String PREDICTION = "prediction";

    private OutputOptions() {
    }

    /** The kept columns, checked: names non-blank, no duplicates, not {@value #PREDICTION}; empty when none. */
    public static List<String> keepColumns(List<String> keep) {
        if (keep == null || keep.isEmpty()) {
            return List.of();
        }
        if (keep.size() > MAX_KEEP_COLUMNS) {
            throw new InvalidInputException("keepColumns", keep.size() + " columns", "at most " + MAX_KEEP_COLUMNS
                    + " columns can be kept");
        }
        Set<String> seen = new HashSet<>();
        for (String name : keep) {
            if (name == null || name.isBlank()) {
                throw new InvalidInputException("keepColumns", keep, "a column name is blank");
            }
            if (name.equals(PREDICTION)) {
                throw new InvalidInputException("keepColumns", name, "the predictions are written as column \""
                        + PREDICTION + "\"; a kept column cannot have that name");
            }
            if (!seen.add(name)) {
                throw new InvalidInputException("keepColumns", name, "the column is named twice");
            }
        }
        return List.copyOf(keep);
    }

    /**
     * Refuses a kept column that has the name of a column the predictions add ({@code prediction}, and a
     * classifier's {@code probability} or {@code p_<label>}), naming it: the file would hold two columns of
     * one name.
     */
    public static void checkClashes(List<String> keep, List<String> predicted) {
        for (String name : keep) {
            if (predicted.contains(name)) {
                throw new InvalidInputException("keepColumns", name, "the model's predictions are written as columns "
                        + predicted + "; a kept column cannot have the name of one");
            }
        }
    }

    /** Whether a CSV copy is wanted: {@code parquet} (the default, also for null) or {@code csv}. */
    public static boolean csv(String outputFormat) {
        if (outputFormat == null) {
            return false;
        }
        return switch (outputFormat.toLowerCase(Locale.ROOT)) {
            case "parquet" -> false;
            case "csv" -> true;
            default -> throw new InvalidInputException("outputFormat", outputFormat,
                    "must be parquet (the default) or csv (Parquet and a CSV copy)");
        };
    }
}
