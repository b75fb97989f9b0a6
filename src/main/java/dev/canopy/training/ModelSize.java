package dev.canopy.training;

import dev.canopy.error.InvalidInputException;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The most bytes a model can take as the predictor loads it ({@code .trees}: 28 bytes a node), known before
 * training from its parameters and the training rows, and the bound that keeps it under
 * {@code canopy.model.max-bytes}.
 *
 * <p>A tree of {@code L} leaves has {@code 2L - 1} nodes. Its leaves are at most {@code 2^max_depth}, at most
 * {@code max_leaves}, and at most the rows it sees over the rows a leaf must hold (Smile's
 * {@code min_leaf_size}; XGBoost's {@code min_child_weight}, which for squared error is a row count). A
 * random forest's tree sees {@code subsample} of them (all, with bootstrap), at most {@code max_samples}. So the
 * estimate is an upper bound.
 *
 * <p>{@code max_leaves = 0} means "as many as the rows allow": when that could overflow the bound, the
 * trainer sets the largest {@code max_leaves} that fits, and the result's parameters say so. A model the
 * user bounded (a non-zero {@code max_leaves}) that could still overflow is refused, with the figures.
 */
final class ModelSize {
    /** {@code TreeCodec}: feature, left and right ints, threshold and value doubles. */
    static final int NODE_BYTES = 28;

    private ModelSize() {
    }

    static int trees(Algorithm a, Map<String, Number> p) {
        return switch (a) {
            case DECISION_TREE -> 1;
            case RANDOM_FOREST -> p.get("trees").intValue();
            case GRADIENT_BOOSTING -> p.get("n_estimators").intValue();
        };
    }

    /** The most leaves one tree of {@code a} can have on {@code rows} training rows. */
    static long leaves(Algorithm a, Map<String, Number> p, long rows) {
        long seen = rows;
        double perLeaf;
        if (a == Algorithm.GRADIENT_BOOSTING) {
            perLeaf = Math.max(1, p.get("min_child_weight").doubleValue());
            seen = (long) Math.ceil(rows * p.get("subsample").doubleValue());
        } else {
            perLeaf = p.get("min_leaf_size").intValue();
            if (a == Algorithm.RANDOM_FOREST) {
                seen = SmileForest.rowsPerTree(p, rows);
            }
        }
        long leaves = Math.max(1, (long) Math.floor(seen / perLeaf));
        int depth = p.get("max_depth").intValue();
        if (depth > 0 && depth < 62) {
            leaves = Math.min(leaves, 1L << depth);
        }
        int maxLeaves = p.get("max_leaves").intValue();
        if (maxLeaves > 0) {
            leaves = Math.min(leaves, maxLeaves);
        }
        return leaves;
    }

    static long bytes(int trees, long leavesPerTree) {
        return 64 + 4L * trees + (long) trees * (2 * leavesPerTree - 1) * NODE_BYTES;
    }

    /**
     * {@code params} bounded so the model fits {@code maxBytes}: unchanged when it already does, with
     * {@code max_leaves} set when it was 0; refused otherwise.
     */
    static Map<String, Number> bound(Algorithm a, Map<String, Number> params, long rows, long maxBytes) {
        return bound(a, params, rows, maxBytes, 1);
    }

    /**
     * @param outputs the trees the {@code .trees} form holds per tree grown: 1 for a regression and a binary
     *                classifier, the classes {@code k} for a multiclass one (XGBoost grows a tree per class each
     *                round; a Smile tree's {@code k} posteriors are compiled as {@code k} trees of the same splits)
     */
    static Map<String, Number> bound(Algorithm a, Map<String, Number> params, long rows, long maxBytes, int outputs) {
        int trees = trees(a, params) * outputs;
        long leaves = leaves(a, params, rows);
        long bytes = bytes(trees, leaves);
        if (bytes <= maxBytes) {
            return params;
        }
        long fit = ((maxBytes - 64 - 4L * trees) / ((long) trees * NODE_BYTES) + 1) / 2;
        String figures = String.format(Locale.ROOT, "%d tree(s) of up to %,d leaves on %,d training rows take up to %s",
                trees, leaves, rows, mb(bytes));
        if (params.get("max_leaves").intValue() == 0 && fit >= 2) {
            Map<String, Number> out = new LinkedHashMap<>(params);
            out.put("max_leaves", (int) Math.min(Integer.MAX_VALUE, fit));
            return out;
        }
        throw new InvalidInputException("params." + a.id(), params, "the model is too large for the predictor: "
                + figures + ", over canopy.model.max-bytes=" + mb(maxBytes) + "; use fewer trees, a larger "
                + (a == Algorithm.GRADIENT_BOOSTING ? "min_child_weight" : "min_leaf_size")
                + (fit >= 2 ? ", or max_leaves of at most " + String.format(Locale.ROOT, "%,d", fit) : "")
                + ", or raise canopy.model.max-bytes (and the predictor's memory)");
    }

    static String mb(long bytes) {
        return String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
    }
}
