package dev.canopy.training;

import dev.canopy.error.InvalidInputException;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Per-algorithm parameters, their defaults and validation. Defaults mirror the seed (random forest 150
 * trees; decision tree max depth 15; boosted trees 150 trees, depth 10, learning rate 0.1). The others
 * were chosen by measurement on California housing (docs/cli.md, "Training parameters"): they keep accuracy at or better
 * than the seed's scikit-learn/XGBoost results while the three trainers fit in 6.5 s on 2 cores.
 */
public final class TrainingParams {

    private static final Map<Algorithm, List<ParamSpec>> SPECS = new EnumMap<>(Algorithm.class);

    static {
        SPECS.put(Algorithm.RANDOM_FOREST, List.of(
                ParamSpec.integer("trees", 150, 1, 5000, "number of trees"),
                ParamSpec.integer("max_depth", 0, 0, 500, "maximum split levels; 0 = unlimited"),
                ParamSpec.integer("max_leaves", 0, 0, 10_000_000, "maximum leaves per tree; 0 = unlimited"),
                ParamSpec.integer("min_leaf_size", 3, 1, 1_000_000, "minimum rows in a leaf"),
                ParamSpec.integer("mtry", 3, 0, 10_000, "features tried per split; 0 = a third of them"),
                ParamSpec.real("subsample", 0.632, 0.01, 1.0,
                        "rows drawn per tree without replacement; 1.0 = bootstrap with replacement")));
        SPECS.put(Algorithm.DECISION_TREE, List.of(
                ParamSpec.integer("max_depth", 15, 0, 500, "maximum split levels; 0 = unlimited"),
                ParamSpec.integer("max_leaves", 0, 0, 10_000_000, "maximum leaves; 0 = unlimited"),
                ParamSpec.integer("min_leaf_size", 20, 1, 1_000_000, "minimum rows in a leaf")));
        SPECS.put(Algorithm.GRADIENT_BOOSTING, List.of(
                ParamSpec.integer("trees", 150, 1, 5000, "number of boosting rounds"),
                ParamSpec.integer("max_depth", 10, 1, 500, "maximum split levels per tree"),
                ParamSpec.real("learning_rate", 0.1, 1e-6, 1.0, "shrinkage applied to each tree"),
                ParamSpec.integer("max_leaves", 0, 0, 10_000_000, "maximum leaves per tree; 0 = unlimited"),
                ParamSpec.integer("min_leaf_size", 30, 1, 1_000_000, "minimum rows in a leaf"),
                ParamSpec.real("subsample", 0.8, 0.01, 1.0, "fraction of rows sampled per round")));
    }

    private TrainingParams() {
    }

    /**
     * Applies user overrides to the defaults. Unknown names, non-numbers, fractions where an integer is
     * needed, and out-of-range values are rejected with the parameter's full name (e.g.
     * {@code params.random_forest.trees}) and value.
     */
    public static Map<String, Number> resolve(Algorithm algorithm, Map<String, ?> overrides) {
        Map<String, Number> out = new LinkedHashMap<>();
        List<ParamSpec> specs = SPECS.get(algorithm);
        for (ParamSpec s : specs) {
            out.put(s.name(), s.integer() ? (Number) (int) s.defaultValue() : (Number) s.defaultValue());
        }
        if (overrides == null) {
            return out;
        }
        for (Map.Entry<String, ?> e : overrides.entrySet()) {
            out.put(e.getKey(), value(algorithm, e.getKey(), e.getValue(), "params." + algorithm.id() + "." + e.getKey()));
        }
        return out;
    }

    /** The names {@code algorithm} takes. */
    public static List<String> names(Algorithm algorithm) {
        return SPECS.get(algorithm).stream().map(ParamSpec::name).toList();
    }

    /** Whether {@code name} of {@code algorithm} is a whole number. */
    static boolean isInteger(Algorithm algorithm, String name) {
        return SPECS.get(algorithm).stream().anyMatch(s -> s.name().equals(name) && s.integer());
    }

    /** One checked value, as {@link #resolve} checks it; errors name {@code field}. */
    static Number value(Algorithm algorithm, String name, Object value, String field) {
        List<ParamSpec> specs = SPECS.get(algorithm);
        ParamSpec spec = specs.stream().filter(s -> s.name().equals(name)).findFirst()
                .orElseThrow(() -> new InvalidInputException(field, value, "unknown parameter; "
                        + algorithm.id() + " takes " + specs.stream().map(ParamSpec::name).toList()));
        double v = toDouble(field, value);
        if (Double.isNaN(v) || v < spec.min() || v > spec.max()) {
            throw new InvalidInputException(field, value, "out of range; must be between "
                    + fmt(spec.min()) + " and " + fmt(spec.max()) + " (" + spec.meaning() + ")");
        }
        if (spec.integer()) {
            if (v != Math.rint(v)) {
                throw new InvalidInputException(field, value, "must be a whole number (" + spec.meaning() + ")");
            }
            return (int) v;
        }
        return v;
    }

    private static double toDouble(String field, Object value) {
        if (value instanceof Number n) {
            return n.doubleValue();
        }
        if (value instanceof String s) {
            try {
                return Double.parseDouble(s.trim());
            } catch (NumberFormatException ex) {
                // fall through
            }
        }
        throw new InvalidInputException(field, value, "must be a number");
    }

    private static String fmt(double d) {
        return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
    }
}
