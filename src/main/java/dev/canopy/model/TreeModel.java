package dev.canopy.model;

import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * A trained tree model (forest, boosted trees or one tree), scored through Canopy's flat arrays, with the
 * {@link FeatureEncoding} it was trained with: text columns become their category codes, and gaps follow
 * the saved missing-value policy, so nothing is scored as a number it is not. A classifier's classes come
 * from its metadata ({@code classes}), or from its trees when the metadata names none.
 */
public final class TreeModel implements Model {
    private final FeatureEncoding.Encoder encoder;
    private final List<String> features;
    private final TreeEnsemble ensemble;
    private final String algorithm;
    private final ModelClasses classes;

    /** A model with numeric features only whose gaps are an error. */
    public TreeModel(List<String> features, TreeEnsemble ensemble) {
        this(FeatureEncoding.numeric(features), ensemble);
    }

    public TreeModel(FeatureEncoding encoding, TreeEnsemble ensemble) {
        this(encoding, ensemble, null);
    }

    /** {@code algorithm}: as the model's metadata names it, or null. */
    public TreeModel(FeatureEncoding encoding, TreeEnsemble ensemble, String algorithm) {
        this(encoding, ensemble, algorithm, ClassScoring.of(ensemble));
    }

    /**
     * @param classes a classifier's classes in code order, or null for a regression; a binary classifier's
     *                ensemble may have one plain output, the probability of {@code classes}' second
     * @throws IllegalArgumentException when the classes do not fit the ensemble
     */
    public TreeModel(FeatureEncoding encoding, TreeEnsemble ensemble, String algorithm, ModelClasses classes) {
        List<String> names = encoding.names();
        if (names.size() != ensemble.features()) {
            throw new IllegalArgumentException("model has " + ensemble.features() + " features, metadata lists "
                    + names.size() + ": " + names);
        }
        this.encoder = new FeatureEncoding.Encoder(encoding);
        this.features = List.copyOf(names);
        this.ensemble = ensemble;
        this.algorithm = algorithm;
        this.classes = classes;
        int k = ensemble.classes();
        if (classes == null ? k > 1 : k != classes.size() && !(k == 1 && classes.binary())) {
            throw new IllegalArgumentException("the trees score " + (k == 1 ? "one output" : k + " classes") + ", the "
                    + "metadata names " + (classes == null ? "no classes" : classes.size() + " classes " + classes.labels()));
        }
        List<String> saved = ensemble.classLayout() == null ? null : ensemble.classLayout().labels();
        if (saved != null && !saved.equals(classes.labels())) {
            throw new IllegalArgumentException("the trees name their classes " + saved + ", the metadata " + classes.labels());
        }
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
        if (classes != null && !classes.binary()) {
            ClassScoring.score(ensemble, columns, rows, out);
        } else {
            ensemble.predict(columns, rows, out);
        }
        if (drop != null) {
            for (int i = 0; i < rows; i++) {
                if (drop[i]) {
                    out[i] = Double.NaN;
                }
            }
        }
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
        boolean[] drop = encoder.fill(columns, rows);
        ClassScoring.probabilities(ensemble, columns, rows, out);
        if (drop != null) {
            for (int i = 0; i < rows; i++) {
                if (drop[i]) {
                    for (double[] p : out) {
                        p[i] = Double.NaN;
                    }
                }
            }
        }
    }

    @Override
    public long bytes() {
        return ensemble.bytes();
    }
}
