package dev.canopy.model;

import dev.canopy.error.InvalidInputException;

import java.util.Arrays;
import java.util.Locale;

/**
 * What a feature without a value (an empty cell, {@code NA}, {@code NaN}, {@code null}, a Parquet null, or a
 * category never seen in training) does, in training and, saved with the model, at scoring.
 *
 * <p>The default is {@link #ERROR}: it is the only policy that neither changes the data nor loses rows
 * without the user having chosen it, and the error names the column, how many rows lack a value, and the
 * two other policies. Before policies existed, a NaN feature was scored as if it were larger than every
 * threshold ({@code MedInc}=NaN predicted the same as {@code MedInc}=15): a number it is not.
 */
public enum MissingPolicy {
    /** Training fails naming the column and count; a shard with a gap fails the same way. */
    ERROR,
    /** Rows with a gap are left out of training; at scoring such a row gets a null prediction. */
    DROP,
    /**
     * Gaps take the training rows' median (numeric feature) or most frequent category (categorical
     * feature), as scikit-learn's {@code SimpleImputer}; the value is saved and used again at scoring.
     */
    IMPUTE;

    public static final MissingPolicy DEFAULT = ERROR;

    /** The wire name: {@code error}, {@code drop} or {@code impute}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static MissingPolicy parse(String field, String value) {
        if (value == null || value.isBlank()) {
            return DEFAULT;
        }
        for (MissingPolicy p : values()) {
            if (p.id().equals(value.trim().toLowerCase(Locale.ROOT))) {
                return p;
            }
        }
        throw new InvalidInputException(field, value, "unknown missing-value policy; valid: "
                + String.join(", ", Arrays.stream(values()).map(MissingPolicy::id).toList()) + " (default " + DEFAULT.id() + ")");
    }
}
