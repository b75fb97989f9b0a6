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
        String near = value == null ? null : nearest(value);
        throw new InvalidInputException(field, value, "unknown algorithm; " + (near == null ? "" : "did you mean "
                + near + "? ") + "valid: " + String.join(", ", ids()) + " (xgboost is an alias of gradient_boosting)");
    }

    /**
     * The id {@code value} was likely meant as: the same letters in another spelling ({@code RandomForest},
     * {@code random forest}), or a typo or two away; null when none is that close.
     */
    static String nearest(String value) {
        String letters = value.toLowerCase(Locale.ROOT).replaceAll("[^a-z]", "");
        String best = null;
        int bestDistance = 3;
        for (Algorithm a : values()) {
            int d = distance(letters, a.id.replace("_", ""));
            if (d < bestDistance) {
                best = a.id;
                bestDistance = d;
            }
        }
        return best;
    }

    /** Levenshtein distance. */
    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                cur[j] = Math.min(Math.min(cur[j - 1], prev[j]) + 1, prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1));
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    @Override
    public String toString() {
        return id;
    }
}
