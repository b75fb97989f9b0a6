package dev.canopy.model.lightgbm;

import dev.canopy.model.ClassLayout;
import dev.canopy.model.ModelFormatException;
import dev.canopy.model.TreeBuilder;
import dev.canopy.model.TreeEnsemble;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A LightGBM model saved as text ({@code Booster.save_model("m.txt")}, {@code LGBMRegressor.booster_.save_model}),
 * converted into a {@link TreeEnsemble} that scores as LightGBM's {@code predict} does:
 * <ul>
 *   <li>a row goes left when {@code x <= threshold}, in double, as Canopy compares;</li>
 *   <li>a value of magnitude at most {@code kZeroThreshold} (1e-35f) is a zero: LightGBM's predictor drops such
 *       values from a dense row, so they are scored as 0.0;</li>
 *   <li>each split's missing type (bits 2–3 of {@code decision_type}) says what a gap is: None, a NaN is
 *       scored as 0.0; Zero, NaN and zeros go the default direction (bit 1, {@code default_left}); NaN, NaN
 *       goes the default direction. Where zeros must go another way than the threshold sends them, the split
 *       becomes a short chain of Canopy splits (zeros tested first), so every row still takes one path;</li>
 *   <li>the margin is the sum of the leaf values ({@code average_output}: their mean); {@code binary} answers
 *       {@code 1 / (1 + exp(-sigmoid * margin))};</li>
 *   <li>{@code multiclass} ({@code num_class} k, {@code num_tree_per_iteration} k): the trees are interleaved
 *       by class, tree i adding to class {@code i % k}'s margin, and the probabilities are the softmax of the
 *       margins, as {@code predict} gives them.</li>
 * </ul>
 * {@code binary} and {@code multiclass} convert to classifiers ({@link ClassLayout}) whose classes are the codes
 * {@code 0..k-1}: a saved LightGBM model holds no labels.
 * Refused, naming what was found: objectives other than {@link #OBJECTIVES} (among them {@code multiclassova}), categorical
 * splits (bit 0 of {@code decision_type}), linear trees, and anything that is not LightGBM's text format.
 */
public final class LightGbmTextModel {
    /** Objectives whose prediction is the margin itself; {@code binary} is the sigmoid of it. */
    public static final Set<String> IDENTITY_OBJECTIVES = Set.of("regression", "regression_l1", "huber", "fair",
            "quantile", "mape");
    public static final Set<String> OBJECTIVES = Set.of("regression", "regression_l1", "huber", "fair", "quantile",
            "mape", "binary", "multiclass");
    /** LightGBM's kZeroThreshold, a float constant compared with doubles. */
    static final double ZERO = 1e-35f;
    private static final int MAX_FEATURES = 100_000;

    private final TreeEnsemble ensemble;
    private final List<String> featureNames;
    private final String objective;
    private final String formatVersion;

    private LightGbmTextModel(TreeEnsemble ensemble, List<String> featureNames, String objective, String formatVersion) {
        this.ensemble = ensemble;
        this.featureNames = featureNames;
        this.objective = objective;
        this.formatVersion = formatVersion;
    }

    public TreeEnsemble ensemble() {
        return ensemble;
    }

    /** The feature names saved with the model; empty when they are LightGBM's own {@code Column_0, Column_1, …}. */
    public List<String> featureNames() {
        return featureNames;
    }

    /** The objective line as saved, e.g. {@code binary sigmoid:1}. */
    public String objective() {
        return objective;
    }

    /** The text format's version, e.g. {@code v4}. */
    public String formatVersion() {
        return formatVersion;
    }

    public TreeEnsemble.Output output() {
        return ensemble.output();
    }

    /** The lineage name, e.g. {@code lightgbm-text v4}. */
    public String format() {
        return "lightgbm-text " + formatVersion;
    }

    /** Whether {@code bytes} start as LightGBM's text models do: a {@code tree} line, then {@code version=}. */
    public static boolean looksLikeLightGbm(byte[] bytes) {
        String head = new String(bytes, 0, Math.min(bytes.length, 32), StandardCharsets.US_ASCII);
        return head.startsWith("tree\n") || head.startsWith("tree\r\n");
    }

    /**
     * Reads and converts a model.
     *
     * @throws ModelFormatException naming what is wrong or unsupported; nothing else for any input
     */
    public static LightGbmTextModel parse(byte[] text) {
        if (!looksLikeLightGbm(text)) {
            throw new ModelFormatException("not a LightGBM text model (it does not start with a \"tree\" line)");
        }
        try {
            return new Reader(text).read();
        } catch (ModelFormatException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw new ModelFormatException(e.getMessage());
        }
    }

    private static final class Reader {
        private final byte[] text;
        private int at;
        private int lineNo;

        Reader(byte[] text) {
            this.text = text;
        }

        /** The next line without its end, or null at the end of the text. */
        private String line() {
            if (at >= text.length) {
                return null;
            }
            int end = at;
            while (end < text.length && text[end] != '\n') {
                end++;
            }
            int stop = end > at && text[end - 1] == '\r' ? end - 1 : end;
            String s = new String(text, at, stop - at, StandardCharsets.UTF_8);
            at = end + 1;
            lineNo++;
            return s;
        }

        LightGbmTextModel read() {
            line(); // "tree"
            Map<String, String> header = new HashMap<>();
            boolean averageOutput = false;
            String l;
            while ((l = line()) != null && !l.startsWith("Tree=") && !l.equals("end of trees")) {
                if (l.isEmpty()) {
                    continue;
                }
                int eq = l.indexOf('=');
                if (eq < 0) {
                    if (l.equals("average_output")) {
                        averageOutput = true;
                    }
                    continue;
                }
                header.put(l.substring(0, eq), l.substring(eq + 1));
            }
            String version = header.get("version");
            if (version == null || !version.matches("v[2-4]")) {
                throw new ModelFormatException("LightGBM text model version " + version + "; versions v2 to v4 are read");
            }
            int numClass = integer(header, "num_class", 1);
            int perIteration = integer(header, "num_tree_per_iteration", 1);
            int features = integer(header, "max_feature_idx", -2) + 1;
            if (features < 1 || features > MAX_FEATURES) {
                throw new ModelFormatException("implausible max_feature_idx " + header.get("max_feature_idx"));
            }
            String objective = header.get("objective");
            if (objective == null || objective.isBlank()) {
                throw new ModelFormatException("the model names no objective");
            }
            String[] obj = objective.trim().split("\\s+");
            if (!OBJECTIVES.contains(obj[0])) {
                throw new ModelFormatException("the objective is " + objective.trim() + "; supported: "
                        + String.join(", ", OBJECTIVES.stream().sorted().toList()));
            }
            boolean multi = obj[0].equals("multiclass");
            if (multi ? numClass < 2 || numClass > ClassLayout.MAX_CLASSES || perIteration != numClass
                    : numClass != 1 || perIteration != 1) {
                throw new ModelFormatException("objective " + obj[0] + " with num_class " + numClass
                        + " and num_tree_per_iteration " + perIteration + (multi ? "; a multiclass model has 2 to "
                        + ClassLayout.MAX_CLASSES + " classes, one tree per class and iteration" : "; only multiclass "
                        + "models score several classes"));
            }
            double sigmoid = 1;
            for (int i = 1; i < obj.length; i++) {
                if (obj[i].equals("sqrt")) {
                    throw new ModelFormatException("the objective is " + objective.trim() + " (reg_sqrt: predictions squared "
                            + "back); not supported");
                }
                if (obj[i].startsWith("sigmoid:")) {
                    sigmoid = number(obj[i].substring("sigmoid:".length()), "objective " + objective);
                    if (!(sigmoid > 0) || !Double.isFinite(sigmoid)) {
                        throw new ModelFormatException("the objective's sigmoid " + sigmoid + " is not a positive number");
                    }
                }
            }
            List<String> names = names(header.get("feature_names"), features);

            TreeBuilder b = new TreeBuilder(Math.max(16, text.length / 64));
            List<Integer> roots = new ArrayList<>();
            while (l != null && l.startsWith("Tree=")) {
                Map<String, String> tree = new HashMap<>();
                String name = l;
                while ((l = line()) != null && !l.startsWith("Tree=") && !l.equals("end of trees")) {
                    int eq = l.indexOf('=');
                    if (eq > 0) {
                        tree.put(l.substring(0, eq), l.substring(eq + 1));
                    }
                }
                roots.add(tree(b, name, tree, features, names));
            }
            if (l == null) {
                throw new ModelFormatException("the model ends before \"end of trees\" (truncated?)");
            }
            if (roots.isEmpty()) {
                throw new ModelFormatException("the model has no trees");
            }
            boolean binary = obj[0].equals("binary");
            int[] rootArray = roots.stream().mapToInt(Integer::intValue).toArray();
            TreeEnsemble e;
            if (multi) {
                if (rootArray.length % numClass != 0) {
                    throw new ModelFormatException("the model holds " + rootArray.length + " trees, not a multiple of its "
                            + numClass + " classes");
                }
                int[] treeClass = new int[rootArray.length];
                for (int t = 0; t < treeClass.length; t++) {
                    treeClass[t] = t % numClass; // LightGBM's order: iteration by iteration, class by class
                }
                double scale = averageOutput ? (double) numClass / rootArray.length : 1.0;
                e = b.build(rootArray, 0, scale, features, TreeEnsemble.Output.SOFTMAX,
                        new ClassLayout(numClass, treeClass, new double[numClass], null));
            } else {
                double scale = (averageOutput ? 1.0 / roots.size() : 1.0) * (binary ? sigmoid : 1.0);
                e = b.build(rootArray, 0, scale, features, binary ? TreeEnsemble.Output.SIGMOID : TreeEnsemble.Output.IDENTITY,
                        binary ? ClassLayout.binary(null) : null);
            }
            return new LightGbmTextModel(e, names, objective.trim(), version);
        }

        /** The saved names, or none when they are LightGBM's defaults (Column_0, …), which name nothing in a shard. */
        private static List<String> names(String line, int features) {
            if (line == null || line.isBlank()) {
                return List.of();
            }
            List<String> names = List.of(line.trim().split(" "));
            if (names.size() != features) {
                throw new ModelFormatException("the model lists " + names.size() + " feature names for " + features + " features");
            }
            for (int i = 0; i < names.size(); i++) {
                if (!names.get(i).equals("Column_" + i)) {
                    return names;
                }
            }
            return List.of();
        }

        private int tree(TreeBuilder b, String name, Map<String, String> tree, int features, List<String> names) {
            String where = name.replace('=', ' ').toLowerCase(java.util.Locale.ROOT);
            int leaves = integer(tree, "num_leaves", -1, where);
            if (leaves < 1) {
                throw new ModelFormatException(where + " has num_leaves " + tree.get("num_leaves"));
            }
            if (integer(tree, "num_cat", 0, where) > 0) {
                throw new ModelFormatException(where + " has categorical splits (num_cat " + tree.get("num_cat")
                        + "); categorical LightGBM models are not supported: train with the column as a number or one-hot");
            }
            if (integer(tree, "is_linear", 0, where) != 0) {
                throw new ModelFormatException(where + " is a linear tree (linear_tree=true); not supported");
            }
            double[] leafValue = doubles(tree, "leaf_value", leaves, where);
            for (double v : leafValue) {
                if (!Double.isFinite(v)) {
                    throw new ModelFormatException(where + " has a leaf of " + v);
                }
            }
            if (leaves == 1) {
                int id = b.reserve();
                b.leaf(id, leafValue[0]);
                return id;
            }
            int internal = leaves - 1;
            int[] feature = ints(tree, "split_feature", internal, where);
            double[] threshold = doubles(tree, "threshold", internal, where);
            int[] decision = ints(tree, "decision_type", internal, where);
            int[] left = ints(tree, "left_child", internal, where);
            int[] right = ints(tree, "right_child", internal, where);

            boolean[] seenNode = new boolean[internal];
            boolean[] seenLeaf = new boolean[leaves];
            int[] stack = new int[2 * (internal + leaves) + 2]; // pairs (LightGBM child code, Canopy node)
            int top = 0;
            int root = b.reserve();
            seenNode[0] = true;
            stack[top++] = 0;
            stack[top++] = root;
            while (top > 0) {
                int id = stack[--top];
                int code = stack[--top];
                if (code < 0) {
                    b.leaf(id, leafValue[~code]);
                    continue;
                }
                int i = code;
                int f = feature[i];
                if (f < 0 || f >= features) {
                    throw new ModelFormatException(where + " node " + i + " splits on feature " + f + " of " + features);
                }
                int d = decision[i];
                if ((d & 1) != 0) {
                    throw new ModelFormatException(where + " node " + i + " is a categorical split on "
                            + (names.isEmpty() ? "feature " + f : names.get(f)) + "; categorical LightGBM models are not supported");
                }
                double t = threshold[i];
                if (Double.isNaN(t)) {
                    throw new ModelFormatException(where + " node " + i + " has threshold NaN");
                }
                boolean defaultLeft = (d & 2) != 0;
                int missing = (d >> 2) & 3;
                if (missing == 3) {
                    throw new ModelFormatException(where + " node " + i + " has an unknown missing type (decision_type " + d + ")");
                }
                for (int c : new int[]{left[i], right[i]}) {
                    if (c >= 0 ? c >= internal || seenNode[c] : ~c >= leaves || seenLeaf[~c]) {
                        throw new ModelFormatException(where + " node " + i + " has child " + c
                                + ", out of range or reached twice; not a tree");
                    }
                    if (c >= 0) {
                        seenNode[c] = true;
                    } else {
                        seenLeaf[~c] = true;
                    }
                }
                // Where zeros go (LightGBM scores |x| <= 1e-35f as 0.0) and where NaN goes, per missing type:
                // 0 None: NaN is 0.0; 1 Zero: both go the default way; 2 NaN: NaN goes the default way.
                boolean zeroLeft = missing == 1 ? defaultLeft : 0.0 <= t;
                boolean nanLeft = missing == 0 ? 0.0 <= t : defaultLeft;
                boolean zerosAgree = zeroLeft ? t >= ZERO : t < -ZERO;
                int li;
                int ri;
                if (zerosAgree) {
                    li = b.reserve();
                    ri = b.reserve();
                    b.split(id, f, t, nanLeft, li, ri);
                } else {
                    // Zeros go against the threshold: test them first. NaN is sent on first when it goes
                    // elsewhere than zeros do (x <= +Infinity holds for every other value).
                    int chain = id;
                    int nanTarget = -1;
                    if (nanLeft != zeroLeft) {
                        chain = b.reserve();
                        nanTarget = 0; // placeholder: the child is reserved below
                    }
                    int n2 = b.reserve();
                    int cmp = b.reserve();
                    li = b.reserve();
                    ri = b.reserve();
                    int zeroTarget = zeroLeft ? li : ri;
                    if (nanTarget == 0) {
                        b.split(id, f, Double.POSITIVE_INFINITY, false, chain, nanLeft ? li : ri);
                    }
                    b.split(chain, f, Math.nextDown(-ZERO), false, cmp, n2); // x < -zero: compare; else (or NaN) n2
                    b.split(n2, f, ZERO, true, zeroTarget, cmp);             // a zero (or NaN, as zeros here)
                    b.split(cmp, f, t, false, li, ri);
                }
                stack[top++] = right[i];
                stack[top++] = ri;
                stack[top++] = left[i];
                stack[top++] = li;
            }
            return root;
        }

        private static int integer(Map<String, String> kv, String key, int absent) {
            return integer(kv, key, absent, "the header");
        }

        private static int integer(Map<String, String> kv, String key, int absent, String where) {
            String v = kv.get(key);
            if (v == null) {
                return absent;
            }
            try {
                return Integer.parseInt(v.trim());
            } catch (NumberFormatException e) {
                throw new ModelFormatException(where + ": " + key + "=" + v + " is not an integer");
            }
        }

        private static String[] values(Map<String, String> tree, String key, int count, String where) {
            String v = tree.get(key);
            if (v == null) {
                throw new ModelFormatException(where + " has no " + key);
            }
            String[] parts = v.trim().split(" ");
            if (parts.length != count) {
                throw new ModelFormatException(where + "'s " + key + " holds " + parts.length + " values; num_leaves says " + count);
            }
            return parts;
        }

        private static int[] ints(Map<String, String> tree, String key, int count, String where) {
            String[] parts = values(tree, key, count, where);
            int[] out = new int[count];
            for (int i = 0; i < count; i++) {
                try {
                    out[i] = Integer.parseInt(parts[i]);
                } catch (NumberFormatException e) {
                    throw new ModelFormatException(where + "'s " + key + " holds " + parts[i] + ", not an integer");
                }
            }
            return out;
        }

        private static double[] doubles(Map<String, String> tree, String key, int count, String where) {
            String[] parts = values(tree, key, count, where);
            double[] out = new double[count];
            for (int i = 0; i < count; i++) {
                out[i] = number(parts[i], where + "'s " + key);
            }
            return out;
        }

        /** LightGBM writes numbers with %.17g, so they read back exactly; it writes infinities as inf. */
        private static double number(String s, String where) {
            switch (s) {
                case "inf", "+inf", "Infinity" -> {
                    return Double.POSITIVE_INFINITY;
                }
                case "-inf", "-Infinity" -> {
                    return Double.NEGATIVE_INFINITY;
                }
                default -> {
                    try {
                        return Double.parseDouble(s);
                    } catch (NumberFormatException e) {
                        throw new ModelFormatException(where + " holds " + s + ", not a number");
                    }
                }
            }
        }
    }
}
