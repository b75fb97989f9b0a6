package dev.canopy.training;

import dev.canopy.error.InvalidInputException;

import java.util.Locale;

/**
 * What a run learns: {@code train --task} (request field {@code task}). {@link #AUTO} is only ever asked for:
 * {@link TaskDetector} resolves it, from the target's values, to one of the other three before training.
 */
public enum Task {
    AUTO, REGRESSION, BINARY, MULTICLASS;

    /** The default when the request names none. */
    public static final Task DEFAULT = AUTO;

    /** The name in requests, on the command line and in saved models: {@code auto}, {@code binary}, … */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean isClassification() {
        return this == BINARY || this == MULTICLASS;
    }

    /** Parses a request's {@code task} (any case); null or blank is {@link #DEFAULT}. */
    public static Task parse(String field, String value) {
        if (value == null || value.isBlank()) {
            return DEFAULT;
        }
        for (Task t : values()) {
            if (t.id().equals(value.strip().toLowerCase(Locale.ROOT))) {
                return t;
            }
        }
        throw new InvalidInputException(field, value, "must be one of auto, regression, binary, multiclass");
    }
}
