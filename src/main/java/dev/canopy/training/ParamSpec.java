package dev.canopy.training;

/**
 * One tunable parameter of an algorithm: its default, its bounds, and whether it is an integer.
 * Names and meanings follow scikit-learn, not Smile, so that the seed's settings carry over:
 * {@code max_depth} counts split levels (Smile's {@code maxDepth} counts the leaf level too).
 */
public record ParamSpec(String name, double defaultValue, double min, double max, boolean integer, String meaning) {

    static ParamSpec integer(String name, int def, int min, int max, String meaning) {
        return new ParamSpec(name, def, min, max, true, meaning);
    }

    static ParamSpec real(String name, double def, double min, double max, String meaning) {
        return new ParamSpec(name, def, min, max, false, meaning);
    }
}
