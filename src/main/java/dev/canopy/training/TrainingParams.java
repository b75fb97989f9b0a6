package dev.canopy.training;

import dev.canopy.error.InvalidInputException;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Per-algorithm parameters, their defaults and validation. Defaults mirror the seed (random forest 150
 * trees; decision tree max depth 15; boosted trees 150 trees, depth 10, learning rate 0.1). The Smile
 * algorithms' others were chosen by measurement on California housing (docs/cli.md, "Training parameters"). Gradient boosting
 * is XGBoost ({@link XgboostTrainer}): its parameters carry XGBoost's names and XGBRegressor's defaults;
 * XGBoost's native names ({@code eta}, {@code lambda}...) and Canopy's earlier ones ({@code trees},
 * {@code min_leaf_size}) are read as the parameter they stand for, and results name it that way.
 */
public final class TrainingParams {

    private static final Map<Algorithm, List<ParamSpec>> SPECS = new EnumMap<>(Algorithm.class);
    /** Other names a parameter is known by: alias to name. */
    private static final Map<Algorithm, Map<String, String>> ALIASES = new EnumMap<>(Algorithm.class);

    static {
        SPECS.put(Algorithm.RANDOM_FOREST, List.of(
                ParamSpec.integer("trees", 150, 1, 5000, "number of trees"),
                ParamSpec.integer("max_depth", 0, 0, 500, "maximum split levels; 0 = unlimited"),
                ParamSpec.integer("max_leaves", 0, 0, 10_000_000, "maximum leaves per tree; 0 = unlimited"),
                ParamSpec.integer("min_leaf_size", 3, 1, 1_000_000, "minimum rows in a leaf"),
                ParamSpec.integer("mtry", 3, 0, 10_000, "features tried per split; 0 = a third of them"),
                ParamSpec.real("subsample", 0.632, 0.01, 1.0,
                        "rows drawn per tree without replacement; 1.0 = bootstrap with replacement"),
                ParamSpec.integer("max_samples", 0, 0, 100_000_000,
                        "most rows a tree is grown on; 0 = " + SmileForest.AUTO_MAX_SAMPLES)));
        SPECS.put(Algorithm.DECISION_TREE, List.of(
                ParamSpec.integer("max_depth", 15, 0, 500, "maximum split levels; 0 = unlimited"),
                ParamSpec.integer("max_leaves", 0, 0, 10_000_000, "maximum leaves; 0 = unlimited"),
                ParamSpec.integer("min_leaf_size", 20, 1, 1_000_000, "minimum rows in a leaf")));
        // XGBoost's own names (its scikit-learn API, XGBRegressor, which the tutorial uses) and its defaults,
        // but for the tutorial's three: 150 trees, depth 10, learning rate 0.1.
        SPECS.put(Algorithm.GRADIENT_BOOSTING, List.of(
                ParamSpec.integer("n_estimators", 150, 1, 5000, "number of boosting rounds (trees); a classifier's default: 100"),
                ParamSpec.integer("max_depth", 10, 1, 64, "maximum split levels per tree; a classifier's default: 6"),
                ParamSpec.real("learning_rate", 0.1, 1e-6, 1.0, "shrinkage applied to each tree (XGBoost's eta); a classifier's default: 0.3"),
                ParamSpec.integer("max_leaves", 0, 0, 10_000_000, "maximum leaves per tree; 0 = unlimited"),
                ParamSpec.integer("max_bin", 256, 2, 65_536, "histogram bins per feature (tree_method=hist)"),
                ParamSpec.real("min_child_weight", 1, 0, 1e9,
                        "minimum hessian sum in a child; for squared error, the minimum rows in a leaf"),
                ParamSpec.real("subsample", 1.0, 0.01, 1.0, "fraction of rows sampled per round"),
                ParamSpec.real("colsample_bytree", 1.0, 0.01, 1.0, "fraction of features sampled per tree"),
                ParamSpec.real("reg_lambda", 1, 0, 1e9, "L2 regularisation of leaf weights (XGBoost's lambda)"),
                ParamSpec.real("reg_alpha", 0, 0, 1e9, "L1 regularisation of leaf weights (XGBoost's alpha)"),
                ParamSpec.real("gamma", 0, 0, 1e9, "minimum loss reduction to split (min_split_loss)"),
                ParamSpec.integer("nthread", 0, 0, 1024, "threads; 0 = every CPU of the instance")));
        // XGBoost's native names, and Canopy's names from before gradient boosting was XGBoost, read as the
        // parameter they are. min_leaf_size maps exactly: squared error's hessian is 1 per row.
        ALIASES.put(Algorithm.GRADIENT_BOOSTING, Map.of(
                "eta", "learning_rate",
                "lambda", "reg_lambda",
                "alpha", "reg_alpha",
                "min_split_loss", "gamma",
                "num_boost_round", "n_estimators",
                "trees", "n_estimators",
                "min_leaf_size", "min_child_weight"));
    }

    /**
     * Gradient boosting's defaults for a classification: XGBClassifier's own (100 rounds, depth 6, learning rate
     * 0.3), since the tutorial's three are a regression's. A classifier grows a tree per class and round, so the
     * tutorial's would cost {@code k} times a regression's: on 1 M rows with 5 classes, 203 s of fitting against
     * 90 s, at a worse log loss (0.4207 against 0.4186; docs/performance.md, "Classification at scale").
     */
    static final Map<String, Number> CLASSIFIER_DEFAULTS = Map.of("n_estimators", 100, "max_depth", 6,
            "learning_rate", 0.3);

    private TrainingParams() {
    }

    /**
     * Applies user overrides to the defaults. Unknown names, non-numbers, fractions where an integer is
     * needed, and out-of-range values are rejected with the parameter's full name (e.g.
     * {@code params.random_forest.trees}) and value.
     */
    public static Map<String, Number> resolve(Algorithm algorithm, Map<String, ?> overrides) {
        return resolve(algorithm, overrides, false);
    }

    /**
     * As {@link #resolve(Algorithm, Map)}, for a classification when {@code classifier}: gradient boosting's
     * defaults are then {@link #CLASSIFIER_DEFAULTS}.
     */
    public static Map<String, Number> resolve(Algorithm algorithm, Map<String, ?> overrides, boolean classifier) {
        Map<String, Number> out = new LinkedHashMap<>();
        List<ParamSpec> specs = SPECS.get(algorithm);
        for (ParamSpec s : specs) {
            out.put(s.name(), s.integer() ? (Number) (int) s.defaultValue() : (Number) s.defaultValue());
        }
        if (classifier && algorithm == Algorithm.GRADIENT_BOOSTING) {
            out.putAll(CLASSIFIER_DEFAULTS);
        }
        if (overrides == null) {
            return out;
        }
        Map<String, String> given = new LinkedHashMap<>();
        for (Map.Entry<String, ?> e : overrides.entrySet()) {
            String field = "params." + algorithm.id() + "." + e.getKey();
            String name = canonical(algorithm, e.getKey(), field, given);
            out.put(name, value(algorithm, name, e.getValue(), field));
        }
        return out;
    }

    /**
     * The name {@code name} stands for ({@code eta} is {@code learning_rate}); {@code seen} collects the names
     * given so far (name to the spelling used), so one parameter given under two names is refused.
     */
    static String canonical(Algorithm algorithm, String name, String field, Map<String, String> seen) {
        String c = ALIASES.getOrDefault(algorithm, Map.of()).getOrDefault(name, name);
        String before = seen.put(c, name);
        if (before != null) {
            throw new InvalidInputException(field, name, "given twice, as " + before + " and " + name
                    + (c.equals(name) && c.equals(before) ? "" : " (both are " + c + ")"));
        }
        return c;
    }

    /** The name {@code name} stands for, or itself. */
    static String canonical(Algorithm algorithm, String name) {
        return ALIASES.getOrDefault(algorithm, Map.of()).getOrDefault(name, name);
    }

    /** The names {@code algorithm} takes. */
    public static List<String> names(Algorithm algorithm) {
        return SPECS.get(algorithm).stream().map(ParamSpec::name).toList();
    }

    /** Whether {@code name} of {@code algorithm} is a whole number. */
    static boolean isInteger(Algorithm algorithm, String name) {
        String c = canonical(algorithm, name);
        return SPECS.get(algorithm).stream().anyMatch(s -> s.name().equals(c) && s.integer());
    }

    /** One checked value, as {@link #resolve} checks it; errors name {@code field}. */
    static Number value(Algorithm algorithm, String given, Object value, String field) {
        List<ParamSpec> specs = SPECS.get(algorithm);
        String name = canonical(algorithm, given);
        ParamSpec spec = specs.stream().filter(s -> s.name().equals(name)).findFirst()
                .orElseThrow(() -> new InvalidInputException(field, value, "unknown parameter; "
                        + algorithm.id() + " takes " + specs.stream().map(ParamSpec::name).toList()
                        + (ALIASES.containsKey(algorithm) ? " (also as " + ALIASES.get(algorithm).keySet().stream()
                        .sorted().toList() + ")" : "")));
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
