package dev.canopy.model.xgboost;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import dev.canopy.model.ModelFormatException;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The streaming reader of an XGBoost JSON model: it keeps what the conversion ({@link XgboostJsonModel}) needs,
 * the learner's parameters, the booster's name and each tree's node arrays, and skips the rest. It checks the
 * document's shape (types, array lengths, the keys a model must have); whether the model converts is the
 * conversion's to decide. Arrays grow as their values arrive, so nothing is allocated from a count the file
 * declares.
 */
final class XgboostJsonReader {
    /** One tree's arrays as the file holds them, indexed by XGBoost's node id; {@code gain} (loss_changes) may be null. */
    record RawTree(int[] left, int[] right, int[] splitIndex, float[] condition, boolean[] defaultLeft,
                   int[] splitType, boolean categorical, JsonNode param, float[] gain) {
    }

    /** What the document holds of the model, as read. */
    record Document(String version, List<String> featureNames, List<String> featureTypes, JsonNode learnerParam,
                    JsonNode objective, String booster, JsonNode gbtreeParam, int[] treeInfo, List<RawTree> trees,
                    boolean sawTrees) {
    }

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

    XgboostJsonReader(JsonParser p) {
        this.p = p;
    }

    Document document() throws IOException {
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
        return new Document(version, featureNames, featureTypes, learnerParam, objective, booster, gbtreeParam,
                treeInfo, trees, sawTrees);
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
        float[] gain = null;
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
                case "loss_changes" -> gain = floats(where + " loss_changes");
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
                || splitType != null && splitType.length != n || gain != null && gain.length != n) {
            throw new ModelFormatException(where + "'s node arrays differ in length (left_children has " + n + ")");
        }
        if (n == 0) {
            throw new ModelFormatException(where + " has no nodes");
        }
        return new RawTree(left, right, splitIndex, condition, defaultLeft, splitType, categorical, param, gain);
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
}
