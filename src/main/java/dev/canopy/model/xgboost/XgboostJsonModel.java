package dev.canopy.model.xgboost;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.canopy.model.ModelFormatException;
import dev.canopy.model.TreeBuilder;
import dev.canopy.model.TreeEnsemble;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
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
 * </ul>
 * The formats of XGBoost 1.x and 2.x/3.x are read (3.x writes {@code base_score} as a vector,
 * {@code "[5E-1]"}). The document is read as a stream, with only the node arrays kept, so a model takes about
 * its own size in heap while it converts, and nothing is allocated from a count the file declares.
 *
 * <p>Refused, naming what was found: objectives other than {@link #OBJECTIVES}, multi-class and multi-target
 * models, boosters other than {@code gbtree} (dart, gblinear), categorical features and splits, UBJSON and
 * anything that is not XGBoost's JSON.
 */
public final class XgboostJsonModel {
    /** The objectives whose models convert: two regressions on the margin and two logistic ones. */
    public static final Set<String> OBJECTIVES = Set.of("reg:squarederror", "reg:absoluteerror", "reg:logistic",
            "binary:logistic");
    private static final Set<String> LOGISTIC = Set.of("reg:logistic", "binary:logistic");

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

    private XgboostJsonModel(TreeEnsemble ensemble, List<String> featureNames, String objective, String libraryVersion,
                             float baseScore) {
        this.ensemble = ensemble;
        this.featureNames = featureNames;
        this.objective = objective;
        this.libraryVersion = libraryVersion;
        this.baseScore = baseScore;
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

    /** {@code base_score} as saved: a probability for logistic objectives, the margin otherwise. */
    public float baseScore() {
        return baseScore;
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
            Reader r = new Reader(p);
            return r.document();
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

    /** One tree's arrays as the file holds them, indexed by XGBoost's node id. */
    private record RawTree(int[] left, int[] right, int[] splitIndex, float[] condition, boolean[] defaultLeft,
                           int[] splitType, boolean categorical, JsonNode param) {
    }

    /** The streaming reader; it keeps what the conversion needs and skips the rest. */
    private static final class Reader {
        private final JsonParser p;
        private String version;
        private List<String> featureNames = List.of();
        private List<String> featureTypes = List.of();
        private JsonNode learnerParam;
        private JsonNode objective;
        private String booster;
        private JsonNode gbtreeParam;
        private int[] treeInfo;
        private final List<RawTree> trees = new ArrayList<>();
        private boolean sawTrees;

        Reader(JsonParser p) {
            this.p = p;
        }

        XgboostJsonModel document() throws IOException {
            expect(p.nextToken(), JsonToken.START_OBJECT, "the document");
            boolean learner = false;
            List<String> keys = new ArrayList<>();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                keys.add(name);
                p.nextToken();
                switch (name) {
                    case "version" -> version = versionOf(p.readValueAsTree());
                    case "learner" -> {
                        learner();
                        learner = true;
                    }
                    default -> p.skipChildren();
                }
            }
            if (p.nextToken() != null) {
                throw new ModelFormatException("unexpected content after the model's JSON object");
            }
            if (!learner) {
                throw new ModelFormatException("a JSON document without XGBoost's \"learner\" object (its keys: "
                        + preview(keys) + "); not an XGBoost model saved with save_model(\"m.json\")");
            }
            if (version == null) {
                throw new ModelFormatException("the model has no \"version\"; not an XGBoost JSON model");
            }
            return convert();
        }

        private void learner() throws IOException {
            expect(p.currentToken(), JsonToken.START_OBJECT, "learner");
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                p.nextToken();
                switch (name) {
                    case "feature_names" -> featureNames = strings("learner.feature_names");
                    case "feature_types" -> featureTypes = strings("learner.feature_types");
                    case "learner_model_param" -> learnerParam = p.readValueAsTree();
                    case "objective" -> objective = p.readValueAsTree();
                    case "gradient_booster" -> booster();
                    default -> p.skipChildren();
                }
            }
        }

        private void booster() throws IOException {
            expect(p.currentToken(), JsonToken.START_OBJECT, "gradient_booster");
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                p.nextToken();
                switch (name) {
                    case "name" -> booster = p.getValueAsString();
                    case "model" -> {
                        if (p.currentToken() == JsonToken.START_OBJECT) {
                            model();
                        } else {
                            p.skipChildren();
                        }
                    }
                    default -> p.skipChildren(); // dart's "gbtree" and "weight_drop": refused by name below
                }
            }
        }

        private void model() throws IOException {
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                p.nextToken();
                switch (name) {
                    case "gbtree_model_param" -> gbtreeParam = p.readValueAsTree();
                    case "tree_info" -> treeInfo = ints("tree_info");
                    case "trees" -> {
                        expect(p.currentToken(), JsonToken.START_ARRAY, "trees");
                        sawTrees = true;
                        while (p.nextToken() == JsonToken.START_OBJECT) {
                            trees.add(tree(trees.size()));
                        }
                        expect(p.currentToken(), JsonToken.END_ARRAY, "trees");
                    }
                    default -> p.skipChildren(); // gblinear's "weights", 2.x's "iteration_indptr"
                }
            }
        }

        private RawTree tree(int t) throws IOException {
            String where = "tree " + t;
            int[] left = null;
            int[] right = null;
            int[] splitIndex = null;
            float[] condition = null;
            boolean[] defaultLeft = null;
            int[] splitType = null;
            boolean categorical = false;
            JsonNode param = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                p.nextToken();
                switch (name) {
                    case "left_children" -> left = ints(where + " left_children");
                    case "right_children" -> right = ints(where + " right_children");
                    case "split_indices" -> splitIndex = ints(where + " split_indices");
                    case "split_conditions" -> condition = floats(where + " split_conditions");
                    case "default_left" -> defaultLeft = booleans(where + " default_left");
                    case "split_type" -> splitType = ints(where + " split_type");
                    case "categories", "categories_nodes", "categories_segments", "categories_sizes" -> {
                        expect(p.currentToken(), JsonToken.START_ARRAY, where + " " + name);
                        categorical |= p.nextToken() != JsonToken.END_ARRAY;
                        if (p.currentToken() != JsonToken.END_ARRAY) {
                            p.skipChildren();
                            while (p.nextToken() != JsonToken.END_ARRAY) {
                                p.skipChildren();
                            }
                        }
                    }
                    case "tree_param" -> param = p.readValueAsTree();
                    default -> p.skipChildren();
                }
            }
            if (left == null || right == null || splitIndex == null || condition == null || defaultLeft == null) {
                throw new ModelFormatException(where + " lacks one of left_children, right_children, split_indices, "
                        + "split_conditions, default_left");
            }
            int n = left.length;
            if (right.length != n || splitIndex.length != n || condition.length != n || defaultLeft.length != n
                    || splitType != null && splitType.length != n) {
                throw new ModelFormatException(where + "'s node arrays differ in length (left_children has " + n + ")");
            }
            if (n == 0) {
                throw new ModelFormatException(where + " has no nodes");
            }
            return new RawTree(left, right, splitIndex, condition, defaultLeft, splitType, categorical, param);
        }

        private XgboostJsonModel convert() {
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
            if (numClass > 1) {
                throw new ModelFormatException("a multi-class model (num_class " + numClass + "); only regression and "
                        + "binary models convert");
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
            if (!sawTrees) {
                throw new ModelFormatException("the model has no trees array");
            }
            if (treeInfo != null) {
                if (treeInfo.length != trees.size()) {
                    throw new ModelFormatException("tree_info lists " + treeInfo.length + " trees, the model holds " + trees.size());
                }
                for (int g : treeInfo) {
                    if (g != 0) {
                        throw new ModelFormatException("a tree belongs to output group " + g + "; only single-output models convert");
                    }
                }
            }
            if (gbtreeParam != null) {
                int declared = intParam(gbtreeParam, "num_trees", trees.size());
                if (declared != trees.size()) {
                    throw new ModelFormatException("gbtree_model_param declares " + declared + " trees, the model holds " + trees.size());
                }
            }
            float baseScore = baseScore(learnerParam);
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
            for (int t = 0; t < roots.length; t++) {
                roots[t] = add(b, t, trees.get(t), features);
            }
            TreeEnsemble e = b.build(roots, margin, 1.0, features,
                    logistic ? TreeEnsemble.Output.SIGMOID : TreeEnsemble.Output.IDENTITY);
            return new XgboostJsonModel(e, featureNames, obj, version, baseScore);
        }

        /** Lays one tree out depth first in the builder, every child after its parent; a node reached twice is refused. */
        private static int add(TreeBuilder b, int t, RawTree tree, int features) {
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

        private static float baseScore(JsonNode param) {
            JsonNode v = param.get("base_score");
            if (v == null) {
                throw new ModelFormatException("learner_model_param has no base_score");
            }
            String s = v.isArray() && v.size() == 1 ? v.get(0).asText() : v.asText().trim();
            if (v.isArray() && v.size() != 1) {
                throw new ModelFormatException("base_score holds " + v.size() + " values; only single-output models convert");
            }
            // XGBoost 3.x writes the intercept as a vector: "[5E-1]"
            if (s.startsWith("[") && s.endsWith("]")) {
                s = s.substring(1, s.length() - 1).trim();
                if (s.contains(",")) {
                    throw new ModelFormatException("base_score " + v.asText() + " holds several values; only single-output models convert");
                }
            }
            try {
                float f = Float.parseFloat(s);
                if (!Float.isFinite(f)) {
                    throw new NumberFormatException();
                }
                return f;
            } catch (NumberFormatException e) {
                throw new ModelFormatException("base_score " + v + " is not a number");
            }
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

        private static String versionOf(JsonNode v) {
            if (!v.isArray() || v.isEmpty() || v.size() > 4) {
                throw new ModelFormatException("version " + v + " is not XGBoost's [major, minor, patch]");
            }
            List<String> parts = new ArrayList<>();
            for (JsonNode n : v) {
                if (!n.canConvertToInt()) {
                    throw new ModelFormatException("version " + v + " is not XGBoost's [major, minor, patch]");
                }
                parts.add(Integer.toString(n.asInt()));
            }
            return String.join(".", parts);
        }

        private List<String> strings(String what) throws IOException {
            expect(p.currentToken(), JsonToken.START_ARRAY, what);
            List<String> out = new ArrayList<>();
            while (p.nextToken() == JsonToken.VALUE_STRING) {
                out.add(p.getText());
            }
            expect(p.currentToken(), JsonToken.END_ARRAY, what);
            return List.copyOf(out);
        }

        private int[] ints(String what) throws IOException {
            expect(p.currentToken(), JsonToken.START_ARRAY, what);
            int[] out = new int[16];
            int n = 0;
            JsonToken tok;
            while ((tok = p.nextToken()) == JsonToken.VALUE_NUMBER_INT) {
                if (n == out.length) {
                    out = Arrays.copyOf(out, n * 2);
                }
                long v = p.getLongValue();
                if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
                    throw new ModelFormatException(what + " holds " + v);
                }
                out[n++] = (int) v;
            }
            expect(tok, JsonToken.END_ARRAY, what + " (integers)");
            return Arrays.copyOf(out, n);
        }

        private float[] floats(String what) throws IOException {
            expect(p.currentToken(), JsonToken.START_ARRAY, what);
            float[] out = new float[16];
            int n = 0;
            JsonToken tok;
            while ((tok = p.nextToken()) == JsonToken.VALUE_NUMBER_FLOAT || tok == JsonToken.VALUE_NUMBER_INT) {
                if (n == out.length) {
                    out = Arrays.copyOf(out, n * 2);
                }
                // the text straight to float: XGBoost wrote the shortest decimal that reads back as its float32
                out[n++] = Float.parseFloat(p.getText());
            }
            expect(tok, JsonToken.END_ARRAY, what + " (numbers)");
            return Arrays.copyOf(out, n);
        }

        /** XGBoost 1.x writes default_left as 0/1, later versions may write booleans; both are read. */
        private boolean[] booleans(String what) throws IOException {
            expect(p.currentToken(), JsonToken.START_ARRAY, what);
            boolean[] out = new boolean[16];
            int n = 0;
            JsonToken tok;
            while ((tok = p.nextToken()) == JsonToken.VALUE_NUMBER_INT || tok == JsonToken.VALUE_TRUE
                    || tok == JsonToken.VALUE_FALSE) {
                if (n == out.length) {
                    out = Arrays.copyOf(out, n * 2);
                }
                out[n++] = tok == JsonToken.VALUE_TRUE || tok == JsonToken.VALUE_NUMBER_INT && p.getLongValue() != 0;
            }
            expect(tok, JsonToken.END_ARRAY, what + " (0/1 or booleans)");
            return Arrays.copyOf(out, n);
        }

        private static void expect(JsonToken got, JsonToken want, String what) {
            if (got != want) {
                throw new ModelFormatException(what + ": expected " + describe(want) + ", found " + describe(got));
            }
        }

        private static String describe(JsonToken t) {
            return t == null ? "the end of the file" : switch (t) {
                case START_OBJECT -> "an object";
                case END_OBJECT -> "the end of an object";
                case START_ARRAY -> "an array";
                case END_ARRAY -> "the end of the array";
                case VALUE_STRING -> "a string";
                case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
                case VALUE_TRUE, VALUE_FALSE -> "a boolean";
                case VALUE_NULL -> "null";
                default -> t.name();
            };
        }

        private static String preview(List<String> keys) {
            return keys.size() <= 8 ? String.join(", ", keys) : String.join(", ", keys.subList(0, 8)) + ", …";
        }

        private static String sorted(Set<String> s) {
            return String.join(", ", s.stream().sorted().toList());
        }
    }
}
