package dev.canopy.inference;

import dev.canopy.model.Model;
import dev.canopy.model.ModelClasses;
import dev.canopy.predictions.OutputColumn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A shard's scores as its batches of rows arrive: their sum, and, when the predictions are written, every row's
 * values for the columns after the kept ones.
 * <ul>
 *   <li>A regression (or a rule): {@code prediction}, a double, null where the model gave none.</li>
 *   <li>A classifier ({@link Model#classes()}): {@code prediction}, the most probable class's label (the first
 *       of equal probabilities, as {@code np.argmax}), typed as {@link ModelClasses#kind()} says (int64, double
 *       or string); then {@code probability}, the second class's, for a binary classifier, or one
 *       {@code p_<label>} per class in class-code order. A row the model gave no prediction is null in all.</li>
 * </ul>
 * The sum ({@code scoreSum}) adds each row's {@link Model#score}: the value, a binary classifier's probability
 * of its second class, a multi-class one's class code. Not thread-safe: one per shard.
 */
final class ShardScores {
    private final Model model;
    private final ModelClasses classes;
    private final boolean keep;
    private double[] scratch = new double[0];
    private double[][] probabilities = new double[0][];
    /** Kept scores: a regression's values, or a classifier's class codes (-1 for none). */
    private double[] values = new double[0];
    private int[] codes = new int[0];
    /** Kept probabilities: the second class's for binary, each class's otherwise. */
    private double[][] kept = new double[0][];
    private int count;
    private double sum;

    /** @param keep whether every row's values are kept for the predictions file */
    ShardScores(Model model, boolean keep) {
        this.model = model;
        this.classes = model.classes();
        this.keep = keep;
        if (classes != null) {
            kept = new double[classes.binary() ? 1 : classes.size()][0];
            probabilities = new double[classes.size()][0];
        }
    }

    /** The names of the columns the predictions add after the kept ones. */
    static List<String> columnNames(ModelClasses classes) {
        List<String> names = new ArrayList<>(List.of(OutputOptions.PREDICTION));
        if (classes != null) {
            names.addAll(classes.probabilityColumns());
        }
        return names;
    }

    /** Scores one batch of {@code n} rows ({@code columns} as {@link Model#score} takes them). */
    void add(double[][] columns, int n) {
        if (classes == null) {
            addValues(columns, n);
        } else {
            addClasses(columns, n);
        }
    }

    private void addValues(double[][] columns, int n) {
        if (scratch.length < n) {
            scratch = new double[n];
        }
        model.score(columns, n, scratch);
        double s = 0;
        for (int i = 0; i < n; i++) {
            // NaN: the model gave this row no prediction (written as null, left out of the sum)
            if (!Double.isNaN(scratch[i])) {
                s += scratch[i];
            }
        }
        sum += s;
        if (keep) {
            values = grow(values, n);
            System.arraycopy(scratch, 0, values, count, n);
        }
        count += n;
    }

    private void addClasses(double[][] columns, int n) {
        if (probabilities[0].length < n) {
            for (int c = 0; c < probabilities.length; c++) {
                probabilities[c] = new double[n];
            }
        }
        model.probabilities(columns, n, probabilities);
        if (keep) {
            if (codes.length < count + n) {
                codes = Arrays.copyOf(codes, Math.max(count + n, codes.length * 2));
            }
            for (int c = 0; c < kept.length; c++) {
                kept[c] = grow(kept[c], n);
                System.arraycopy(probabilities[classes.binary() ? 1 : c], 0, kept[c], count, n);
            }
        }
        double s = 0;
        for (int i = 0; i < n; i++) {
            int code = ModelClasses.argmax(probabilities, i);
            if (code >= 0) {
                s += classes.binary() ? probabilities[1][i] : code;
            }
            if (keep) {
                codes[count + i] = code;
            }
        }
        sum += s;
        count += n;
    }

    private double[] grow(double[] a, int n) {
        return a.length >= count + n ? a : Arrays.copyOf(a, Math.max(count + n, a.length * 2));
    }

    int rows() {
        return count;
    }

    double sum() {
        return sum;
    }

    /** The columns after the kept ones, each holding {@link #rows()} values; only when kept. */
    List<OutputColumn> columns() {
        if (!keep) {
            throw new IllegalStateException("the scores were summed, not kept");
        }
        if (classes == null) {
            return List.of(OutputColumn.doubles(OutputOptions.PREDICTION, values));
        }
        List<OutputColumn> out = new ArrayList<>();
        out.add(labels());
        List<String> names = classes.probabilityColumns();
        for (int c = 0; c < kept.length; c++) {
            out.add(OutputColumn.doubles(names.get(c), kept[c]));
        }
        return out;
    }

    /** The predicted labels, typed by the classes' kind. */
    private OutputColumn labels() {
        String name = OutputOptions.PREDICTION;
        switch (classes.kind()) {
            case INTEGER -> {
                long[] label = new long[classes.size()];
                for (int c = 0; c < label.length; c++) {
                    label[c] = classes.integer(c);
                }
                long[] v = new long[count];
                boolean[] nulls = new boolean[count];
                for (int i = 0; i < count; i++) {
                    nulls[i] = codes[i] < 0;
                    v[i] = nulls[i] ? 0 : label[codes[i]];
                }
                return OutputColumn.longs(name, v, nulls);
            }
            case DECIMAL -> {
                double[] label = new double[classes.size()];
                for (int c = 0; c < label.length; c++) {
                    label[c] = classes.number(c);
                }
                double[] v = new double[count];
                for (int i = 0; i < count; i++) {
                    v[i] = codes[i] < 0 ? Double.NaN : label[codes[i]];
                }
                return OutputColumn.doubles(name, v);
            }
            default -> {
                String[] v = new String[count];
                for (int i = 0; i < count; i++) {
                    v[i] = codes[i] < 0 ? null : classes.labels().get(codes[i]);
                }
                return OutputColumn.texts(name, v);
            }
        }
    }
}
