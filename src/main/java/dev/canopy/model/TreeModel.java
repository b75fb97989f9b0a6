package dev.canopy.model;

import java.util.List;

/** A trained tree model (forest, boosted trees or one tree), scored through Canopy's flat arrays. */
public final class TreeModel implements Model {
    private final List<String> features;
    private final TreeEnsemble ensemble;

    public TreeModel(List<String> features, TreeEnsemble ensemble) {
        if (features.size() != ensemble.features()) {
            throw new IllegalArgumentException("model has " + ensemble.features() + " features, metadata lists "
                    + features.size() + ": " + features);
        }
        this.features = List.copyOf(features);
        this.ensemble = ensemble;
    }

    @Override
    public List<String> columns() {
        return features;
    }

    @Override
    public void score(double[][] columns, int rows, double[] out) {
        ensemble.predict(columns, rows, out);
    }

    @Override
    public long bytes() {
        return ensemble.bytes();
    }
}
