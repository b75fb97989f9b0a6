package dev.canopy.model.xgboost;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.canopy.model.ClassLayout;
import dev.canopy.model.ModelFormatException;
import dev.canopy.model.TreeBuilder;
import dev.canopy.model.TreeEnsemble;
import dev.canopy.model.xgboost.XgboostJsonReader.RawTree;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * An XGBoost model saved as JSON ({@code Booster.save_model("m.json")}, {@code XGBRegressor.save_model},
 * XGBoost4J's {@code booster.saveModel("m.json")}), converted into a {@link TreeEnsemble} that scores exactly
 * as XGBoost does:
 * <ul>
 *   <li>XGBoost sends a row left when {@code (float) x < split_condition}; each split becomes the double
 *       threshold {@link TreeBuilder#belowFloat} for Canopy's {@code x <= threshold}, equal for every x.</li>
 *   <li>A gap (NaN) follows the split's {@code default_left}.</li>
 *   <li>The margin is {@code base_score} (through the logit for logistic objectives, whose base score is a
 *       probability) plus the trees' leaf values; logistic objectives answer its sigmoid.</li>
 *   <li>{@code multi:softprob} and {@code multi:softmax} ({@code num_class} k): tree i adds to the margin of
 *       class {@code tree_info[i]}, which starts at that class's {@code base_score} (one value for all classes
 *       in 1.x and 2.x, one per class in 3.x: {@code "[2.9E-1,-1.7E-1,-1.1E-1]"}), and the probabilities are
 *       the softmax of the margins, as {@code predict} (softprob) and {@code predict_proba} give them. A
 *       softmax model's {@code predict} is the most probable class, which Canopy's prediction is too.</li>
 * </ul>
 * {@code binary:logistic} and the multi-class objectives convert to classifiers ({@link ClassLayout}) whose
 * labels are unknown: XGBoost's JSON holds none, so their classes are the codes {@code 0..k-1}.
 * The formats of XGBoost 1.x and 2.x/3.x are read (3.x writes {@code base_score} as a vector,
 * {@code "[5E-1]"}). The document is read as a stream, with only the node arrays kept, so a model takes about
 * its own size in heap while it converts, and nothing is allocated from a count the file declares.
 *
 * <p>Refused, naming what was found: objectives other than {@link #OBJECTIVES}, multi-target models, boosters other than {@code gbtree} (dart, gblinear), categorical features and splits, UBJSON and
 * anything that is not XGBoost's JSON.
 */
public final class XgboostJsonModel {
    /** The objectives whose models convert: two regressions on the margin, two logistic ones and two multi-class. */
    public static final Set<String> OBJECTIVES = Set.of("reg:squarederror", "reg:absoluteerror", "reg:logistic",
            "binary:logistic", "multi:softprob", "multi:softmax");
    private static final Set<String> LOGISTIC = Set.of("reg:logistic", "binary:logistic");
    private static final Set<String> MULTI = Set.of("multi:softprob", "multi:softmax");

    private static final JsonFactory JSON = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).maxNumberLength(64)
                    .maxStringLength(1 << 20).build())
            .build();
    private static final ObjectMapper TREES = new ObjectMapper(JSON);

    private final TreeEnsemble ensemble;
    private final List<String> featureNames;
    private final String objective;
    private final String libraryVersion;
    private final float baseScore;
    private final double[] totalGain;

    private XgboostJsonModel(TreeEnsemble ensemble, List<String> featureNames, String objective, String libraryVersion,
                             float baseScore, double[] totalGain) {
        this.ensemble = ensemble;
        this.featureNames = featureNames;
        this.objective = objective;
        this.libraryVersion = libraryVersion;
        this.baseScore = baseScore;
        this.totalGain = totalGain;
    }

    /**
     * Each feature's total gain: the loss reductions ({@code loss_changes}) of the splits on it, summed over every
     * tree, which is XGBoost's {@code get_score(importance_type="total_gain")}; null when a tree lacks them.
     */
    public double[] totalGain() {
        return totalGain == null ? null : totalGain.clone();
    }

    /** The converted trees; their output is the prediction XGBoost's {@code predict} gives (a probability for logistic objectives). */
    public TreeEnsemble ensemble() {
        return ensemble;
    }

    /** The feature names saved with the model, in order; empty when it was trained without names. */
    public List<String> featureNames() {
        return featureNames;
    }

    /** The objective, e.g. {@code reg:squarederror}. */
    public String objective() {
        return objective;
    }

    /** The XGBoost version that saved the model, e.g. {@code 1.7.4}. */
    public String libraryVersion() {
        return libraryVersion;
    }

    /** {@link TreeEnsemble.Output#SIGMOID} for the logistic objectives, {@link TreeEnsemble.Output#IDENTITY} otherwise. */
    public TreeEnsemble.Output output() {
        return ensemble.output();
    }

    /** {@code base_score} as saved (its first value): a probability for logistic objectives, the margin otherwise. */
    public float baseScore() {
        return baseScore;
    }

    /** The classes the model scores: 2 for {@code binary:logistic}, {@code num_class} for multi-class, else 1. */
    public int classes() {
        return ensemble.classes();
    }

    /** The lineage name, e.g. {@code xgboost-json 1.7.4}. */
    public String format() {
        return "xgboost-json " + libraryVersion;
    }

    /**
     * Whether {@code bytes} start like a JSON object (not UBJSON, which also starts with '{' but follows it
     * with a type marker rather than a quoted key).
     */
    public static boolean looksLikeJson(byte[] bytes) {
        int i = skipSpace(bytes, 0);
        if (i >= bytes.length || bytes[i] != '{') {
            return false;
        }
        int j = skipSpace(bytes, i + 1);
        return j < bytes.length && (bytes[j] == '"' || bytes[j] == '}');
    }

    /** Whether {@code bytes} look like UBJSON, XGBoost's binary JSON ({@code save_model("m.ubj")}). */
    public static boolean looksLikeUbjson(byte[] bytes) {
        return bytes.length > 1 && bytes[0] == '{' && "LliIU$#".indexOf(bytes[1]) >= 0;
    }

    private static int skipSpace(byte[] b, int i) {
        while (i < b.length && (b[i] == ' ' || b[i] == '\n' || b[i] == '\r' || b[i] == '\t')) {
            i++;
        }
        if (i == 0 && b.length >= 3 && (b[0] & 0xff) == 0xEF && (b[1] & 0xff) == 0xBB && (b[2] & 0xff) == 0xBF) {
            return skipSpace(b, 3); // a UTF-8 byte order mark
        }
        return i;
    }

    /**
     * Reads and converts a model.
     *
     * @throws ModelFormatException naming what is wrong or unsupported; nothing else for any input
     */
    public static XgboostJsonModel parse(byte[] json) {
        if (looksLikeUbjson(json)) {
            throw new ModelFormatException("this is UBJSON (XGBoost's binary JSON, save_model(\"m.ubj\")); save the "
                    + "model as JSON with save_model(\"m.json\")");
        }
        if (!looksLikeJson(json)) {
            throw new ModelFormatException("not an XGBoost JSON model (it does not start with a JSON object)");
        }
        try (JsonParser p = TREES.getFactory().createParser(json)) {
            return convert(new XgboostJsonReader(p).document());
        } catch (JsonProcessingException e) {
            throw new ModelFormatException("not a readable XGBoost JSON model: " + oneLine(e.getOriginalMessage())
                    + (e.getLocation() != null ? " (at byte " + e.getLocation().getByteOffset() + ")" : ""));
        } catch (IOException e) {
            throw new ModelFormatException("not a readable XGBoost JSON model: " + oneLine(e.getMessage()));
        } catch (IllegalArgumentException e) {
            if (e instanceof ModelFormatException m) {
                throw m;
            }
            throw new ModelFormatException(e.getMessage());
        }
    }

    private static String oneLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    private static XgboostJsonModel convert(XgboostJsonReader.Document d) {
        String booster = d.booster();
        JsonNode objective = d.objective();
        JsonNode learnerParam = d.learnerParam();
        List<String> featureNames = d.featureNames();
        List<String> featureTypes = d.featureTypes();
        int[] treeInfo = d.treeInfo();
        List<RawTree> trees = d.trees();
        JsonNode gbtreeParam = d.gbtreeParam();
        if (booster == null) {
            throw new ModelFormatException("the model names no gradient_booster");
        }
        if (!booster.equals("gbtree")) {
            throw new ModelFormatException("the booster is " + booster + "; only gbtree models convert (not dart or gblinear)");
        }
        if (objective == null || !objective.hasNonNull("name")) {
            throw new ModelFormatException("the model names no objective");
        }
        String obj = objective.get("name").asText();
        if (!OBJECTIVES.contains(obj)) {
            throw new ModelFormatException("the objective is " + obj + "; supported: " + sorted(OBJECTIVES));
        }
        if (learnerParam == null) {
            throw new ModelFormatException("the model has no learner_model_param");
        }
        int numClass = intParam(learnerParam, "num_class", 0);
        boolean multi = MULTI.contains(obj);
        if (multi && (numClass < 2 || numClass > ClassLayout.MAX_CLASSES)) {
            throw new ModelFormatException("objective " + obj + " with num_class " + numClass + "; a multi-class model "
                    + "has 2 to " + ClassLayout.MAX_CLASSES + " classes");
        }
        if (!multi && numClass > 1) {
            throw new ModelFormatException("num_class " + numClass + " with objective " + obj + "; only the multi:"
                    + " objectives score several classes");
        }
        int numTarget = intParam(learnerParam, "num_target", 1);
        if (numTarget > 1) {
            throw new ModelFormatException("a multi-target model (num_target " + numTarget + "); only single-output models convert");
        }
        int features = intParam(learnerParam, "num_feature", -1);
        if (features < 1 || features > 100_000) {
            throw new ModelFormatException("implausible num_feature " + features);
        }
        if (!featureNames.isEmpty() && featureNames.size() != features) {
            throw new ModelFormatException("the model lists " + featureNames.size() + " feature names for "
                    + features + " features");
        }
        for (int f = 0; f < featureTypes.size(); f++) {
            if ("c".equals(featureTypes.get(f))) {
                throw new ModelFormatException("feature " + (featureNames.isEmpty() ? "#" + f : featureNames.get(f))
                        + " is categorical (feature type c); categorical XGBoost models are not supported");
            }
        }
        if (!d.sawTrees()) {
            throw new ModelFormatException("the model has no trees array");
        }
        if (multi && treeInfo == null) {
            throw new ModelFormatException("a multi-class model without tree_info, which names each tree's class");
        }
        if (treeInfo != null) {
            if (treeInfo.length != trees.size()) {
                throw new ModelFormatException("tree_info lists " + treeInfo.length + " trees, the model holds " + trees.size());
            }
            for (int t = 0; t < treeInfo.length; t++) {
                int g = treeInfo[t];
                if (multi ? g < 0 || g >= numClass : g != 0) {
                    throw new ModelFormatException("tree " + t + " belongs to output group " + g + (multi ? " of num_class "
                            + numClass : "; only single-output models convert"));
                }
            }
        }
        if (gbtreeParam != null) {
            int declared = intParam(gbtreeParam, "num_trees", trees.size());
            if (declared != trees.size()) {
                throw new ModelFormatException("gbtree_model_param declares " + declared + " trees, the model holds " + trees.size());
            }
        }
        float[] baseScores = baseScores(learnerParam, multi ? numClass : 1);
        float baseScore = baseScores[0];
        boolean logistic = LOGISTIC.contains(obj);
        double margin;
        if (logistic) {
            if (!(baseScore > 0 && baseScore < 1)) {
                throw new ModelFormatException("base_score " + baseScore + " is not a probability, as objective " + obj + " needs");
            }
            // XGBoost's ProbToMargin: -log(1/p - 1), computed in float as XGBoost does
            margin = (float) -Math.log(1.0f / baseScore - 1.0f);
        } else {
            margin = baseScore;
        }
        long total = 0;
        for (RawTree t : trees) {
            total += t.left().length;
        }
        TreeBuilder b = new TreeBuilder((int) Math.min(total, Integer.MAX_VALUE - 8));
        int[] roots = new int[trees.size()];
        double[] gain = new double[features];
        for (int t = 0; t < roots.length; t++) {
            roots[t] = add(b, t, trees.get(t), features, gain);
        }
        TreeEnsemble e;
        if (multi) {
            // softmax's margin starts at base_score as it is (XGBoost's softmax has no ProbToMargin)
            double[] base = new double[numClass];
            for (int c = 0; c < numClass; c++) {
                base[c] = baseScores[baseScores.length == 1 ? 0 : c];
            }
            e = b.build(roots, 0, 1.0, features, TreeEnsemble.Output.SOFTMAX, new ClassLayout(numClass, treeInfo, base, null));
        } else {
            e = b.build(roots, margin, 1.0, features, logistic ? TreeEnsemble.Output.SIGMOID : TreeEnsemble.Output.IDENTITY,
                    obj.equals("binary:logistic") ? ClassLayout.binary(null) : null);
        }
        return new XgboostJsonModel(e, featureNames, obj, d.version(), baseScore,
                trees.stream().allMatch(t -> t.gain() != null) ? gain : null);
    }

    /**
     * Lays one tree out depth first in the builder, every child after its parent; a node reached twice is refused.
     * Adds each reached split's loss change, when the tree has them, to its feature's {@code gain}.
     */
    private static int add(TreeBuilder b, int t, RawTree tree, int features, double[] gain) {
        if (tree.categorical()) {
            throw new ModelFormatException("tree " + t + " has categorical splits; categorical XGBoost models are not supported");
        }
        int n = tree.left().length;
        boolean[] seen = new boolean[n];
        int[] stack = new int[2 * n + 2]; // pairs (XGBoost node, Canopy node)
        int top = 0;
        int root = b.reserve();
        seen[0] = true;
        stack[top++] = 0;
        stack[top++] = root;
        while (top > 0) {
            int id = stack[--top];
            int at = stack[--top];
            int l = tree.left()[at];
            int r = tree.right()[at];
            if (l == -1) {
                float v = tree.condition()[at];
                if (!Float.isFinite(v)) {
                    throw new ModelFormatException("tree " + t + " leaf " + at + " holds " + v);
                }
                b.leaf(id, v);
                continue;
            }
            if (tree.splitType() != null && tree.splitType()[at] != 0) {
                throw new ModelFormatException("tree " + t + " node " + at + " is a categorical split; categorical "
                        + "XGBoost models are not supported");
            }
            int f = tree.splitIndex()[at];
            if (f < 0 || f >= features) {
                throw new ModelFormatException("tree " + t + " node " + at + " splits on feature " + f + " of " + features);
            }
            for (int c : new int[]{l, r}) {
                if (c < 0 || c >= n) {
                    throw new ModelFormatException("tree " + t + " node " + at + " has child " + c + " of " + n + " nodes");
                }
                if (seen[c]) {
                    throw new ModelFormatException("tree " + t + " reaches node " + c + " twice; not a tree");
                }
                seen[c] = true;
            }
            if (tree.gain() != null) {
                gain[f] += tree.gain()[at];
            }
            float condition = tree.condition()[at];
            if (!Float.isFinite(condition)) {
                throw new ModelFormatException("tree " + t + " node " + at + " splits at " + condition);
            }
            int li = b.reserve();
            int ri = b.reserve();
            b.split(id, f, TreeBuilder.belowFloat(condition), tree.defaultLeft()[at], li, ri);
            stack[top++] = r;
            stack[top++] = ri;
            stack[top++] = l;
            stack[top++] = li;
        }
        return root;
    }

    /**
     * {@code base_score}: one value, or (3.x) a vector written as one string, {@code "[5E-1]"} or one value per
     * class {@code "[2.9E-1,-1.7E-1,-1.1E-1]"}; {@code classes} values are allowed besides one.
     */
    private static float[] baseScores(JsonNode param, int classes) {
        JsonNode v = param.get("base_score");
        if (v == null) {
            throw new ModelFormatException("learner_model_param has no base_score");
        }
        List<String> parts = new ArrayList<>();
        if (v.isArray()) {
            v.forEach(n -> parts.add(n.asText().trim()));
        } else {
            String s = v.asText().trim();
            if (s.startsWith("[") && s.endsWith("]")) {
                for (String p : s.substring(1, s.length() - 1).split(",", -1)) {
                    parts.add(p.trim());
                }
            } else {
                parts.add(s);
            }
        }
        if (parts.size() != 1 && parts.size() != classes) {
            throw new ModelFormatException("base_score " + v + " holds " + parts.size() + " values; "
                    + (classes == 1 ? "only single-output models convert" : "expected 1 or num_class " + classes));
        }
        float[] out = new float[parts.size()];
        for (int i = 0; i < out.length; i++) {
            try {
                out[i] = Float.parseFloat(parts.get(i));
                if (!Float.isFinite(out[i])) {
                    throw new NumberFormatException();
                }
            } catch (NumberFormatException e) {
                throw new ModelFormatException("base_score " + v + " is not a number" + (out.length > 1 ? " list" : ""));
            }
        }
        return out;
    }

    private static int intParam(JsonNode params, String name, int absent) {
        JsonNode v = params.get(name);
        if (v == null || v.isNull()) {
            return absent;
        }
        try {
            return Integer.parseInt(v.asText().trim());
        } catch (NumberFormatException e) {
            throw new ModelFormatException(name + " " + v + " is not an integer");
        }
    }

    private static String sorted(Set<String> s) {
        return String.join(", ", s.stream().sorted().toList());
    }
}
