package dev.canopy.model;

/**
 * How {@link TreeModel} and {@link ConvertedModel} score a classifier's trees. A binary classifier's ensemble
 * may have one plain output (a {@code .trees} file written without a {@link ClassLayout}, its classes known
 * from the metadata): that output is the second class's probability, and the first's is one minus it.
 */
final class ClassScoring {
    private ClassScoring() {
    }

    /** The classes of a converted ensemble: its labels when the file holds them, else {@code 0..k-1}; null for a regression. */
    static ModelClasses of(TreeEnsemble e) {
        ClassLayout layout = e.classLayout();
        return layout == null ? null : ModelClasses.of(layout.labelsOrCodes());
    }

    static void probabilities(TreeEnsemble e, double[][] columns, int rows, double[][] out) {
        if (e.classes() == 1) {
            e.predict(columns, rows, out[1]);
            for (int i = 0; i < rows; i++) {
                out[0][i] = 1 - out[1][i];
            }
        } else {
            e.probabilities(columns, rows, out);
        }
    }

    /** {@link Model#score}: the ensemble's one output, or (a class per tree) the most probable class's code. */
    static void score(TreeEnsemble e, double[][] columns, int rows, double[] out) {
        ClassLayout layout = e.classLayout();
        if (layout == null || !layout.perClass()) {
            e.predict(columns, rows, out);
            return;
        }
        double[][] p = new double[layout.classes()][rows];
        e.probabilities(columns, rows, p);
        for (int i = 0; i < rows; i++) {
            out[i] = ModelClasses.argmax(p, i);
        }
    }
}
