package dev.canopy.model;

/**
 * A model file that cannot be converted: malformed, truncated, or a kind Canopy does not score (an objective,
 * a multi-class model, categorical splits, another file format). The message names what was found, so the
 * caller can wrap it with the model's URI.
 */
public class ModelFormatException extends IllegalArgumentException {
    public ModelFormatException(String message) {
        super(message);
    }
}
