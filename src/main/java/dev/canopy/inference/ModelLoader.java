package dev.canopy.inference;

import com.fasterxml.jackson.databind.JsonNode;
import dev.canopy.error.InvalidInputException;
import dev.canopy.error.ObjectNotFoundException;
import dev.canopy.json.Json;
import dev.canopy.model.FeatureEncoding;
import dev.canopy.model.Model;
import dev.canopy.model.ModelCodec;
import dev.canopy.model.RuleModel;
import dev.canopy.model.SmileTrees;
import dev.canopy.model.TreeCodec;
import dev.canopy.model.TreeEnsemble;
import dev.canopy.model.TreeModel;
import dev.canopy.storage.ObjectStore;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Loads a model by URI: {@code rule:...} is parsed; {@code x.trees} is the training tree's numbers-only
 * format ({@link TreeCodec}, no deserialization); any other URI is a Smile model ({@code x.model}, Java
 * serialization read through {@link ModelCodec}'s allow-list). Either has its metadata JSON beside it
 * ({@code x.json}), which names the features in order; features are then taken from shards by column name.
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
            return store.head(modelUri).version();
        } catch (ObjectNotFoundException e) {
            throw new ObjectNotFoundException(modelUri).with("field", "modelUri");
        }
    }

    /** Loads a rule or a {@code .trees} model: what predictors load. */
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
        if (!javaModels && !modelUri.endsWith(".trees")) {
            throw new InvalidInputException("modelUri", modelUri, "predictors load rule:... or a .trees model (numbers "
                    + "only); a Java-serialized Smile .model is not loaded here. Training writes <algorithm>.trees "
                    + "beside each .model");
        }
        String metaUri = modelUri.endsWith(".model") || modelUri.endsWith(".trees")
                ? modelUri.substring(0, modelUri.length() - ".model".length()) + ".json" : modelUri + ".json";
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
        try {
            JsonNode meta = Json.MAPPER.readTree(metaBytes);
            algorithm = meta.hasNonNull("algorithm") ? meta.get("algorithm").asText() : null;
            meta.path("features").forEach(f -> features.add(f.asText()));
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
        if (modelUri.endsWith(".trees")) {
            // the training tree's numbers-only format: no deserialization at all
            ensemble = TreeCodec.read(modelUri, store.read(modelUri, version));
        } else {
            // a Smile model (Java serialization), read through the allow-list
            Object model = ModelCodec.read(modelUri, store.read(modelUri, version));
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
        // A model written before encodings were saved is numeric only, and a gap in a shard is an error.
        return new TreeModel(encoding != null ? encoding : FeatureEncoding.numeric(features), ensemble, algorithm);
    }
}
