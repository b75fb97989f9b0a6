package dev.canopy.inference;

import dev.canopy.error.InvalidInputException;

import java.util.Arrays;
import java.util.List;

/**
 * A model URI, optionally ending {@code #features=a,b,…}: the shard columns, in the model's order, that a
 * model saved without feature names takes ({@code predict --features}). The names are part of the model's
 * URI, not a separate field, because they are part of what the model is: the batch's identity, its manifest,
 * a resumed batch, the warm instances' cache key and the predictions' lineage all follow from the URI.
 */
public record ModelRef(String location, List<String> features) {
    static final String FEATURES = "#features=";

    public static ModelRef parse(String modelUri) {
        int at = modelUri.lastIndexOf(FEATURES);
        if (at < 0) {
            return new ModelRef(modelUri, List.of());
        }
        String list = modelUri.substring(at + FEATURES.length());
        List<String> names = Arrays.stream(list.split(",", -1)).map(String::trim).toList();
        if (names.stream().anyMatch(String::isEmpty)) {
            throw new InvalidInputException("modelUri", modelUri, "a feature name after #features= is empty");
        }
        if (at == 0) {
            throw new InvalidInputException("modelUri", modelUri, "no model before #features=");
        }
        return new ModelRef(modelUri.substring(0, at), names);
    }

    /** {@code modelUri} with {@code features} appended, or as it is when there are none. */
    public static String withFeatures(String modelUri, List<String> features) {
        if (features == null || features.isEmpty()) {
            return modelUri;
        }
        for (String f : features) {
            if (f == null || f.isBlank() || f.contains(",") || f.contains("#")) {
                throw new InvalidInputException("features", f, "a feature name must be non-empty, without ',' or '#'");
            }
        }
        return modelUri + FEATURES + String.join(",", features);
    }
}
