package dev.canopy.model;

import java.util.HashSet;
import java.util.List;

/**
 * A model trained elsewhere (XGBoost, LightGBM) and converted into Canopy's {@link TreeEnsemble}. Its
 * features are numeric columns taken by name from a shard, and a gap (null, NaN) is handed to the trees,
 * which route it as the library did (each split's default direction), rather than through a Canopy
 * missing-value policy. A classifier's classes are the labels its file holds, else the codes {@code 0..k-1}
 * (a binary one's are 0 and 1), as the library's {@code predict_proba} columns are. Immutable and thread-safe.
 */
public final class ConvertedModel implements Model {
    private final List<String> features;
    private final TreeEnsemble ensemble;
    private final String format;
    private final String algorithm;
    private final ModelClasses classes;

    /**
     * @param format    the lineage name of the file's format, e.g. {@code xgboost-json 1.7.4}
     * @param algorithm the library and objective, e.g. {@code xgboost reg:squarederror}
     */
    public ConvertedModel(List<String> features, TreeEnsemble ensemble, String format, String algorithm) {
        if (features.size() != ensemble.features()) {
            throw new IllegalArgumentException("the model takes " + ensemble.features() + " features, "
                    + features.size() + " are named: " + features);
        }
        if (new HashSet<>(features).size() != features.size()) {
            throw new IllegalArgumentException("a feature is named twice: " + features);
        }
        this.features = List.copyOf(features);
        this.ensemble = ensemble;
        this.format = format;
        this.algorithm = algorithm;
        this.classes = ClassScoring.of(ensemble);
    }

    @Override
    public List<String> columns() {
        return features;
    }

    public TreeEnsemble ensemble() {
        return ensemble;
    }

    @Override
    public void score(double[][] columns, int rows, double[] out) {
        ClassScoring.score(ensemble, columns, rows, out);
    }

    @Override
    public ModelClasses classes() {
        return classes;
    }

    @Override
    public void probabilities(double[][] columns, int rows, double[][] out) {
        if (classes == null) {
            Model.super.probabilities(columns, rows, out); // throws: not a classifier
            return;
        }
        ClassScoring.probabilities(ensemble, columns, rows, out);
    }

    @Override
    public String algorithm() {
        return algorithm;
    }

    @Override
    public String format() {
        return format;
    }

    @Override
    public long bytes() {
        return ensemble.bytes() + 64L * features.size();
    }
}
