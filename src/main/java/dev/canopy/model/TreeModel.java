package dev.canopy.model;

import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * A trained tree model (forest, boosted trees or one tree), scored through Canopy's flat arrays, with the
 * {@link FeatureEncoding} it was trained with: text columns become their category codes, and gaps follow
 * the saved missing-value policy, so nothing is scored as a number it is not.
 */
public final class TreeModel implements Model {
    private final FeatureEncoding.Encoder encoder;
    private final List<String> features;
    private final TreeEnsemble ensemble;
    private final String algorithm;

    /** A model with numeric features only whose gaps are an error. */
    public TreeModel(List<String> features, TreeEnsemble ensemble) {
        this(FeatureEncoding.numeric(features), ensemble);
    }

    public TreeModel(FeatureEncoding encoding, TreeEnsemble ensemble) {
        this(encoding, ensemble, null);
    }

    /** {@code algorithm}: as the model's metadata names it, or null. */
    public TreeModel(FeatureEncoding encoding, TreeEnsemble ensemble, String algorithm) {
        List<String> names = encoding.names();
        if (names.size() != ensemble.features()) {
            throw new IllegalArgumentException("model has " + ensemble.features() + " features, metadata lists "
                    + names.size() + ": " + names);
        }
        this.encoder = new FeatureEncoding.Encoder(encoding);
        this.features = List.copyOf(names);
        this.ensemble = ensemble;
        this.algorithm = algorithm;
    }

    @Override
    public String algorithm() {
        return algorithm;
    }

    public FeatureEncoding encoding() {
        return encoder.encoding();
    }

    @Override
    public List<String> columns() {
        return features;
    }

    @Override
    public ToDoubleFunction<String> textCoder(int j) {
        return encoder.coder(j);
    }

    @Override
    public void score(double[][] columns, int rows, double[] out) {
        boolean[] drop = encoder.fill(columns, rows);
        ensemble.predict(columns, rows, out);
        if (drop != null) {
            for (int i = 0; i < rows; i++) {
                if (drop[i]) {
                    out[i] = Double.NaN;
                }
            }
        }
    }

    @Override
    public long bytes() {
        return ensemble.bytes();
    }
}
