package dev.canopy.inference;

import com.fasterxml.jackson.databind.JsonNode;
import dev.canopy.error.InvalidInputException;
import dev.canopy.error.ObjectNotFoundException;
import dev.canopy.json.Json;
import dev.canopy.model.FeatureEncoding;
import dev.canopy.model.Model;
import dev.canopy.model.ModelClasses;
import dev.canopy.model.ModelCodec;
import dev.canopy.model.ModelFormatException;
import dev.canopy.model.RuleModel;
import dev.canopy.model.SmileTrees;
import dev.canopy.model.TreeCodec;
import dev.canopy.model.TreeEnsemble;
import dev.canopy.model.TreeModel;
import dev.canopy.model.files.ModelFiles;
import dev.canopy.storage.ObjectStore;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Loads a model by URI: {@code rule:...} is parsed; {@code x.trees} is the training tree's numbers-only
 * format ({@link TreeCodec}, no deserialization) and {@code x.model} a Smile model (Java serialization read
 * through {@link ModelCodec}'s allow-list), each with its metadata JSON beside it ({@code x.json}), which
 * names the features in order. Any other URI is told by its first bytes ({@link ModelFiles#sniff}): one of
 * those two, or a model trained in Python (XGBoost JSON, LightGBM text), converted once here into the same
 * lock-step scorer, whose features are the names saved with it or those the URI ends with
 * ({@link ModelRef}). Features are then taken from shards by column name.
 *
 * <p>A Canopy classifier's metadata names its {@code task} ({@code regression}, {@code binary} or
 * {@code multiclass}; absent in models written before classification, which are regressions unless their
 * trees say otherwise) and its {@code classes}, the labels in class-code order; they must fit its trees.
 */
public final class ModelLoader {
    private ModelLoader() {
    }

    /** The version a model URI has now: "rule" for rules, the object's version otherwise. */
    public static String version(ObjectStore store, String modelUri) {
        if (RuleModel.isRule(modelUri)) {
            RuleModel.parse("modelUri", modelUri);
            return "rule";
        }
        try {
            return store.head(ModelRef.parse(modelUri).location()).version();
        } catch (ObjectNotFoundException e) {
            throw new ObjectNotFoundException(modelUri).with("field", "modelUri");
        }
    }

    /** The metadata object beside a Canopy model: {@code x.json} for {@code x.model} or {@code x.trees}. */
    static String metadataUri(String modelUri) {
        return modelUri.endsWith(".model") || modelUri.endsWith(".trees")
                ? modelUri.substring(0, modelUri.length() - ".model".length()) + ".json" : modelUri + ".json";
    }

    /** Whether {@code modelUri} names one of Canopy's own model files, which have metadata beside them. */
    static boolean isCanopyFile(String modelUri) {
        return modelUri.endsWith(".model") || modelUri.endsWith(".trees");
    }

    /** Loads a rule, a {@code .trees} model or a model trained in Python: what predictors load. */
    public static Model load(ObjectStore store, String modelUri, String version) {
        return load(store, modelUri, version, false);
    }

    /**
     * @param javaModels true: a Smile {@code .model} (Java serialization) is read too, through {@link
     *                   ModelCodec}'s allow-list and limits. Predictors never need it: training writes the
     *                   same trees as {@code .trees}, which hold numbers only.
     */
    public static Model load(ObjectStore store, String modelUri, String version, boolean javaModels) {
        if (RuleModel.isRule(modelUri)) {
            return RuleModel.parse("modelUri", modelUri);
        }
        ModelRef ref = ModelRef.parse(modelUri);
        boolean canopy = isCanopyFile(modelUri);
        byte[] bytes = null;
        if (!canopy) {
            bytes = store.read(ref.location(), version);
            ModelFiles.Kind kind;
            try {
                kind = ModelFiles.sniff(bytes);
                if (kind == ModelFiles.Kind.XGBOOST_JSON || kind == ModelFiles.Kind.LIGHTGBM_TEXT) {
                    return ModelFiles.convert(bytes, ref.features());
                }
            } catch (ModelFormatException e) {
                throw new InvalidInputException("modelUri", modelUri, e.getMessage());
            }
        }
        if (!ref.features().isEmpty()) {
            throw new InvalidInputException("modelUri", modelUri, "#features= applies to models trained in Python "
                    + "(XGBoost, LightGBM); a Canopy model names its features in its metadata");
        }
        if (!javaModels && (modelUri.endsWith(".model") || !canopy && !TreeCodec.hasMagic(bytes))) {
            throw new InvalidInputException("modelUri", modelUri, "predictors load rule:..., a .trees model (numbers "
                    + "only) or an XGBoost/LightGBM model; a Java-serialized Smile .model is not loaded here. Training "
                    + "writes <algorithm>.trees beside each .model");
        }
        String metaUri = metadataUri(modelUri);
        byte[] metaBytes;
        try {
            metaBytes = store.read(metaUri);
        } catch (ObjectNotFoundException e) {
            throw new InvalidInputException("modelUri", modelUri, "no metadata beside the model (expected " + metaUri
                    + "); models are written by the training tree with their metadata");
        }
        List<String> features = new ArrayList<>();
        FeatureEncoding encoding = null;
        String algorithm = null;
        String task = null;
        List<String> classes = null;
        try {
            JsonNode meta = Json.MAPPER.readTree(metaBytes);
            algorithm = meta.hasNonNull("algorithm") ? meta.get("algorithm").asText() : null;
            meta.path("features").forEach(f -> features.add(f.asText()));
            task = meta.hasNonNull("task") ? meta.get("task").asText() : null;
            if (meta.hasNonNull("classes")) {
                List<String> labels = new ArrayList<>();
                meta.get("classes").forEach(c -> labels.add(c.isNull() ? null : c.asText()));
                classes = labels;
            }
            if (meta.hasNonNull("encoding")) {
                encoding = Json.MAPPER.treeToValue(meta.get("encoding"), FeatureEncoding.class).checked("modelUri", metaUri);
            }
        } catch (IOException e) {
            throw new InvalidInputException("modelUri", metaUri, "unreadable model metadata: " + e.getMessage());
        }
        if (features.isEmpty()) {
            throw new InvalidInputException("modelUri", metaUri, "model metadata lists no features");
        }
        TreeEnsemble ensemble;
        if (bytes == null) {
            bytes = store.read(modelUri, version);
        }
        if (modelUri.endsWith(".trees") || bytes.length >= 12 && new String(bytes, 0, 12,
                java.nio.charset.StandardCharsets.ISO_8859_1).equals("CANOPY-TREES")) {
            // the training tree's numbers-only format: no deserialization at all
            ensemble = TreeCodec.read(modelUri, bytes);
        } else {
            // a Smile model (Java serialization), read through the allow-list
            Object model = ModelCodec.read(modelUri, bytes);
            try {
                ensemble = SmileTrees.compile(model);
            } catch (IllegalArgumentException e) {
                throw new InvalidInputException("modelUri", modelUri, e.getMessage());
            }
        }
        if (ensemble.features() != features.size()) {
            throw new InvalidInputException("modelUri", modelUri, "the model takes " + ensemble.features()
                    + " features but its metadata lists " + features.size());
        }
        if (encoding != null && !encoding.names().equals(features)) {
            throw new InvalidInputException("modelUri", metaUri, "the metadata's encoding lists features "
                    + encoding.names() + " but its features are " + features);
        }
        ModelClasses modelClasses = classes(metaUri, task, classes, ensemble);
        // A model written before encodings were saved is numeric only, and a gap in a shard is an error.
        try {
            return new TreeModel(encoding != null ? encoding : FeatureEncoding.numeric(features), ensemble, algorithm,
                    modelClasses);
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException("modelUri", modelUri, e.getMessage());
        }
    }

    /** The classes the metadata names, checked against its task; without a task, the trees' own (or none). */
    private static ModelClasses classes(String metaUri, String task, List<String> classes, TreeEnsemble ensemble) {
        if (task == null) {
            if (classes != null) {
                throw new InvalidInputException("classes", classes, "the model metadata " + metaUri + " names classes "
                        + "but no task");
            }
            return ensemble.classLayout() == null ? null : ModelClasses.of(ensemble.classLayout().labelsOrCodes());
        }
        switch (task) {
            case "regression" -> {
                if (classes != null || ensemble.classes() > 1) {
                    throw new InvalidInputException("task", task, "the model metadata " + metaUri + " says regression "
                            + "but " + (classes != null ? "names classes " + classes : "the trees score classes"));
                }
                return null;
            }
            case "binary", "multiclass" -> {
                if (classes == null || classes.size() < 2 || task.equals("binary") && classes.size() != 2) {
                    throw new InvalidInputException("classes", classes, "a " + task + " model's metadata (" + metaUri
                            + ") must name " + (task.equals("binary") ? "its 2 classes" : "its classes"));
                }
                try {
                    return ModelClasses.of(classes);
                } catch (IllegalArgumentException e) {
                    throw new InvalidInputException("classes", classes, e.getMessage());
                }
            }
            default -> throw new InvalidInputException("task", task, "the model metadata " + metaUri
                    + " names an unknown task; expected regression, binary or multiclass");
        }
    }
}
