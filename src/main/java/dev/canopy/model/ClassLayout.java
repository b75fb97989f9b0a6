package dev.canopy.model;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.stream.IntStream;

/**
 * What makes a {@link TreeEnsemble} a classifier: how many classes it scores, which class each tree adds to,
 * each class's starting margin, and the class labels when the model file knows them.
 * <ul>
 *   <li>One output ({@code treeClass} null): a binary classifier whose single output is the probability of
 *       the second class (XGBoost's {@code binary:logistic}, LightGBM's {@code binary}); {@code classes} is 2.</li>
 *   <li>A class per tree: class {@code c}'s margin is {@code base[c] + scale * (sum of the trees of class c)}
 *       and the ensemble's {@link TreeEnsemble.Output} turns the margins into probabilities
 *       ({@link TreeEnsemble.Output#SOFTMAX} across the classes for boosting; {@code IDENTITY} when each class's
 *       output already is its probability, as a forest's averaged leaf frequencies are).</li>
 * </ul>
 * {@code labels}: in class-code order, or null when the file does not know them (an XGBoost JSON model holds
 * none; scoring then names the classes {@code 0..k-1}). Immutable: the arrays are copied in.
 *
 * @param classes   the number of classes, at least 2
 * @param treeClass per tree, the class whose margin it adds to; null for one output
 * @param base      per class, the margin before any tree (XGBoost's {@code base_score}); null for one output
 * @param labels    the class labels, distinct, or null
 */
public record ClassLayout(int classes, int[] treeClass, double[] base, List<String> labels) {
    /** More classes than any classification Canopy trains or scores; bounds what a file may declare. */
    public static final int MAX_CLASSES = 1 << 16;

    /** @throws IllegalArgumentException naming what is inconsistent */
    public ClassLayout {
        if (classes < 2 || classes > MAX_CLASSES) {
            throw new IllegalArgumentException("a classifier scores 2 to " + MAX_CLASSES + " classes, not " + classes);
        }
        if ((treeClass == null) != (base == null)) {
            throw new IllegalArgumentException("a class per tree needs a base margin per class, and only then");
        }
        if (treeClass == null && classes != 2) {
            throw new IllegalArgumentException("one output scores 2 classes, not " + classes + "; give a class per tree");
        }
        if (treeClass != null) {
            treeClass = treeClass.clone();
            base = base.clone();
            if (base.length != classes) {
                throw new IllegalArgumentException(base.length + " base margins for " + classes + " classes");
            }
            for (int t = 0; t < treeClass.length; t++) {
                if (treeClass[t] < 0 || treeClass[t] >= classes) {
                    throw new IllegalArgumentException("tree " + t + " belongs to class " + treeClass[t] + " of " + classes);
                }
            }
            for (int c = 0; c < classes; c++) {
                if (!Double.isFinite(base[c])) {
                    throw new IllegalArgumentException("class " + c + " has base margin " + base[c]);
                }
            }
        }
        if (labels != null) {
            labels = List.copyOf(labels);
            if (labels.size() != classes) {
                throw new IllegalArgumentException(labels.size() + " labels for " + classes + " classes: " + labels);
            }
            if (new HashSet<>(labels).size() != classes) {
                throw new IllegalArgumentException("a class label is given twice: " + labels);
            }
        }
    }

    /** A binary classifier's layout: one output, the probability of the second class. */
    public static ClassLayout binary(List<String> labels) {
        return new ClassLayout(2, null, null, labels);
    }

    /** Per tree, its class (a copy); null for one output. */
    @Override
    public int[] treeClass() {
        return treeClass == null ? null : treeClass.clone();
    }

    /** Per class, its base margin (a copy); null for one output. */
    @Override
    public double[] base() {
        return base == null ? null : base.clone();
    }

    /** Whether each tree belongs to a class (else the ensemble has one output, the second class's probability). */
    public boolean perClass() {
        return treeClass != null;
    }

    /** The same layout with these labels (null: unknown). */
    public ClassLayout withLabels(List<String> names) {
        return new ClassLayout(classes, treeClass, base, names);
    }

    /** The labels, or the class codes {@code 0..k-1} as text when the file holds none. */
    public List<String> labelsOrCodes() {
        if (labels != null) {
            return labels;
        }
        return IntStream.range(0, classes).mapToObj(Integer::toString).toList();
    }

    /**
     * Turns the per-class sums of rows {@code from} to {@code to} (in {@code out[c]}) into probabilities, in
     * place, as {@link #finishRow} does one row.
     */
    void finish(TreeEnsemble.Output output, double scale, double[][] out, int from, int to) {
        double[] sums = new double[classes];
        double[] p = new double[classes];
        for (int r = from; r < to; r++) {
            for (int c = 0; c < classes; c++) {
                sums[c] = out[c][r];
            }
            finishRow(output, scale, sums, p);
            for (int c = 0; c < classes; c++) {
                out[c][r] = p[c];
            }
        }
    }

    /**
     * One row's probabilities from its per-class sums of leaf values: the margins {@code base[c] + scale * sum},
     * then {@code output} (IDENTITY and SIGMOID class by class). Softmax subtracts the row's largest margin
     * first, so no {@code exp} overflows, as XGBoost and LightGBM do.
     */
    void finishRow(TreeEnsemble.Output output, double scale, double[] sums, double[] out) {
        double max = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < classes; c++) {
            out[c] = base[c] + scale * sums[c];
            max = Math.max(max, out[c]);
        }
        switch (output) {
            case IDENTITY -> {
            }
            case SIGMOID -> {
                for (int c = 0; c < classes; c++) {
                    out[c] = 1.0 / (1.0 + Math.exp(-out[c]));
                }
            }
            case SOFTMAX -> {
                double sum = 0;
                for (int c = 0; c < classes; c++) {
                    out[c] = Math.exp(out[c] - max);
                    sum += out[c];
                }
                for (int c = 0; c < classes; c++) {
                    out[c] /= sum;
                }
            }
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ClassLayout l && classes == l.classes && Arrays.equals(treeClass, l.treeClass)
                && Arrays.equals(base, l.base) && Objects.equals(labels, l.labels);
    }

    @Override
    public int hashCode() {
        return Objects.hash(classes, Arrays.hashCode(treeClass), Arrays.hashCode(base), labels);
    }

    @Override
    public String toString() {
        return "ClassLayout[" + classes + " classes, " + (treeClass == null ? "one output" : treeClass.length
                + " trees by class") + (labels == null ? "" : ", labels " + labels) + "]";
    }
}
