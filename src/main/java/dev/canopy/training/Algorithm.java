package dev.canopy.training;

import dev.canopy.error.InvalidInputException;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** The algorithms a trainer can run. {@code xgboost} is accepted as an alias of gradient boosting. */
public enum Algorithm {
    RANDOM_FOREST("random_forest"),
    DECISION_TREE("decision_tree"),
    GRADIENT_BOOSTING("gradient_boosting");

    private final String id;

    Algorithm(String id) {
        this.id = id;
    }

    /** The wire name, e.g. {@code random_forest}. */
    public String id() {
        return id;
    }

    public static List<String> ids() {
        return Arrays.stream(values()).map(Algorithm::id).toList();
    }

    public static Algorithm parse(String field, String value) {
        if (value != null) {
            String v = value.trim().toLowerCase(Locale.ROOT).replace('-', '_');
            if (v.equals("xgboost")) {
                return GRADIENT_BOOSTING;
            }
            for (Algorithm a : values()) {
                if (a.id.equals(v)) {
                    return a;
                }
            }
        }
        throw new InvalidInputException(field, value, "unknown algorithm; valid: " + String.join(", ", ids())
                + " (xgboost is an alias of gradient_boosting)");
    }

    @Override
    public String toString() {
        return id;
    }
}
