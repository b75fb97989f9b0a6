package dev.canopy.model.files;

import dev.canopy.model.ConvertedModel;
import dev.canopy.model.ModelCodec;
import dev.canopy.model.ModelFormatException;
import dev.canopy.model.TreeCodec;
import dev.canopy.model.TreeEnsemble;
import dev.canopy.model.lightgbm.LightGbmTextModel;
import dev.canopy.model.xgboost.XgboostJsonModel;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;

/**
 * Tells model files apart by their first bytes (not their names, which users choose), and converts the
 * ones trained in Python. A file of a kind Canopy does not score (UBJSON, a pickle, a zip) is refused
 * naming what it is and how to save a model Canopy reads.
 */
public final class ModelFiles {
    /** The kinds of file {@code predict --model} scores. */
    public enum Kind {
        /** Canopy's numbers-only {@code .trees} ({@link TreeCodec}). */
        CANOPY_TREES,
        /** A Smile model, Java serialization read through {@link ModelCodec}'s allow-list. */
        JAVA_SERIALIZED,
        /** XGBoost's JSON ({@code save_model("m.json")}). */
        XGBOOST_JSON,
        /** LightGBM's text ({@code save_model("m.txt")}). */
        LIGHTGBM_TEXT
    }

    private static final String SAVE_AS = "save XGBoost models with save_model(\"m.json\") and LightGBM models with "
            + "save_model(\"m.txt\")";

    private ModelFiles() {
    }

    /** @throws ModelFormatException for anything not of a {@link Kind}, naming what it looks like */
    public static Kind sniff(byte[] b) {
        if (startsWith(b, "CANOPY-TREES")) {
            return Kind.CANOPY_TREES;
        }
        if (b.length >= 2 && (b[0] & 0xff) == 0xAC && (b[1] & 0xff) == 0xED) {
            return Kind.JAVA_SERIALIZED;
        }
        if (LightGbmTextModel.looksLikeLightGbm(b)) {
            return Kind.LIGHTGBM_TEXT;
        }
        if (XgboostJsonModel.looksLikeUbjson(b)) {
            throw new ModelFormatException("an XGBoost model in UBJSON (binary JSON, .ubj), which Canopy does not read; "
                    + "save it as JSON with save_model(\"m.json\")");
        }
        if (XgboostJsonModel.looksLikeJson(b)) {
            return Kind.XGBOOST_JSON;
        }
        if (b.length >= 2 && (b[0] & 0xff) == 0x80 && b[1] >= 2 && b[1] <= 5) {
            throw new ModelFormatException("a Python pickle (pickle.dump or joblib.dump); Canopy never unpickles, "
                    + "which could run any code: " + SAVE_AS);
        }
        if (startsWith(b, "binf")) {
            throw new ModelFormatException("XGBoost's legacy binary format; " + SAVE_AS);
        }
        if (startsWith(b, "PK\u0003\u0004")) {
            throw new ModelFormatException("a zip archive (a joblib or Keras file?); " + SAVE_AS);
        }
        if (b.length >= 2 && (b[0] & 0xff) == 0x1f && (b[1] & 0xff) == 0x8b) {
            throw new ModelFormatException("a gzip-compressed file; decompress it first");
        }
        if (b.length == 0) {
            throw new ModelFormatException("the file is empty");
        }
        throw new ModelFormatException("not a model Canopy reads (it starts with bytes "
                + HexFormat.of().formatHex(b, 0, Math.min(b.length, 8)) + "); Canopy scores its own .trees, "
                + "XGBoost JSON and LightGBM text models: " + SAVE_AS);
    }

    /**
     * Converts an {@link Kind#XGBOOST_JSON} or {@link Kind#LIGHTGBM_TEXT} model. Its features are the names it
     * was saved with, or {@code given} (in the order the model was trained with) when it has none.
     *
     * @param given the names the caller gives, or an empty list
     * @throws ModelFormatException when the file is not a model that converts, or the features are unnamed or
     *                              named otherwise than the model names them
     */
    public static ConvertedModel convert(byte[] bytes, List<String> given) {
        Kind kind = sniff(bytes);
        TreeEnsemble ensemble;
        List<String> saved;
        String format;
        String algorithm;
        switch (kind) {
            case XGBOOST_JSON -> {
                XgboostJsonModel m = XgboostJsonModel.parse(bytes);
                ensemble = m.ensemble();
                saved = m.featureNames();
                format = m.format();
                algorithm = "xgboost " + m.objective();
            }
            case LIGHTGBM_TEXT -> {
                LightGbmTextModel m = LightGbmTextModel.parse(bytes);
                ensemble = m.ensemble();
                saved = m.featureNames();
                format = m.format();
                algorithm = "lightgbm " + m.objective().split(" ")[0];
            }
            default -> throw new ModelFormatException("a Canopy model, not one trained in Python");
        }
        List<String> features = features(saved, given, ensemble.features());
        return new ConvertedModel(features, ensemble, format, algorithm);
    }

    private static List<String> features(List<String> saved, List<String> given, int count) {
        if (!given.isEmpty()) {
            if (given.size() != count) {
                throw new ModelFormatException("the model takes " + count + " features; " + given.size()
                        + " are given: " + given);
            }
            if (new HashSet<>(given).size() != given.size()) {
                throw new ModelFormatException("a feature is given twice: " + given);
            }
            if (!saved.isEmpty() && !saved.equals(given)) {
                throw new ModelFormatException("the model names its features " + saved + " but " + given
                        + " are given; leave the features out to use the model's own");
            }
            return given;
        }
        if (saved.isEmpty()) {
            throw new ModelFormatException("the model was saved without feature names (it takes " + count
                    + " features); give the shard's columns in the model's order with --features a,b,… "
                    + "(in a request: modelUri ending #features=a,b,…)");
        }
        if (new HashSet<>(saved).size() != saved.size()) {
            throw new ModelFormatException("the model names a feature twice: " + saved);
        }
        return saved;
    }

    private static boolean startsWith(byte[] b, String prefix) {
        byte[] p = prefix.getBytes(StandardCharsets.ISO_8859_1);
        if (b.length < p.length) {
            return false;
        }
        for (int i = 0; i < p.length; i++) {
            if (b[i] != p[i]) {
                return false;
            }
        }
        return true;
    }
}
