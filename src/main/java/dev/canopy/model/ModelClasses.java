package dev.canopy.model;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.stream.IntStream;

/**
 * The classes a classifier scores, as its predictions name them: the labels in class-code order (the order of
 * its probabilities), and the type of its {@code prediction} column, decided from the labels' text:
 * <ul>
 *   <li>{@link Kind#INTEGER} when every label is an integer as Java writes a {@code long} ({@code 0}, {@code -3},
 *       {@code 12}; not {@code 007} or {@code +1}, which would not read back as written): a 64-bit integer
 *       column. Models trained in Python, whose files hold no labels, are {@code 0..k-1}, and so integers;</li>
 *   <li>{@link Kind#DECIMAL} when every label is a finite number as Java writes a {@code double} or a
 *       {@code long} ({@code 2.5}, {@code 1}): a double column (Canopy writes a numeric target's whole
 *       classes without a fraction, others as doubles);</li>
 *   <li>{@link Kind#TEXT} otherwise ({@code cash}, {@code true}): a string column.</li>
 * </ul>
 * A binary classifier's single probability is that of its second class, {@code labels().get(1)}, as
 * scikit-learn's {@code predict_proba[:, 1]}. Immutable.
 */
public final class ModelClasses {
    /** The type of a classifier's {@code prediction} column. */
    public enum Kind { INTEGER, DECIMAL, TEXT }

    /** A binary classifier's probability column: the probability of its second class. */
    public static final String PROBABILITY = "probability";
    /** The prefix of a multi-class classifier's probability columns, {@code p_<label>}. */
    public static final String PROBABILITY_PREFIX = "p_";

    private final List<String> labels;
    private final Kind kind;

    private ModelClasses(List<String> labels) {
        if (labels.size() < 2) {
            throw new IllegalArgumentException("a classifier has at least 2 classes, not " + labels);
        }
        if (labels.stream().anyMatch(Objects::isNull) || new HashSet<>(labels).size() != labels.size()) {
            throw new IllegalArgumentException("class labels must be distinct and not null: " + labels);
        }
        this.labels = List.copyOf(labels);
        this.kind = labels.stream().allMatch(ModelClasses::isLong) ? Kind.INTEGER
                : labels.stream().allMatch(l -> isLong(l) || isDouble(l)) ? Kind.DECIMAL : Kind.TEXT;
    }

    /** @throws IllegalArgumentException for fewer than 2 labels, a null or a duplicate */
    public static ModelClasses of(List<String> labels) {
        return new ModelClasses(labels);
    }

    /** The classes {@code 0..k-1}: a model whose file holds no labels. */
    public static ModelClasses codes(int k) {
        return new ModelClasses(IntStream.range(0, k).mapToObj(Integer::toString).toList());
    }

    private static boolean isLong(String s) {
        try {
            return Long.toString(Long.parseLong(s)).equals(s);
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static boolean isDouble(String s) {
        try {
            double d = Double.parseDouble(s);
            return Double.isFinite(d) && Double.toString(d).equals(s);
        } catch (NumberFormatException e) {
            return false;
        }
    }

    public List<String> labels() {
        return labels;
    }

    public int size() {
        return labels.size();
    }

    public boolean binary() {
        return labels.size() == 2;
    }

    public Kind kind() {
        return kind;
    }

    /** Class {@code c}'s label as a number; only for {@link Kind#INTEGER} and {@link Kind#DECIMAL}. */
    public double number(int c) {
        return Double.parseDouble(labels.get(c));
    }

    /** Class {@code c}'s label as an integer, exactly; only for {@link Kind#INTEGER}. */
    public long integer(int c) {
        return Long.parseLong(labels.get(c));
    }

    /**
     * The columns of the probabilities, after {@code prediction}: {@value #PROBABILITY} for a binary classifier,
     * else {@code p_<label>} per class in code order.
     */
    public List<String> probabilityColumns() {
        return binary() ? List.of(PROBABILITY) : labels.stream().map(l -> PROBABILITY_PREFIX + l).toList();
    }

    /**
     * The most probable class of row {@code r} ({@code p[c][r]}): the first of equal largest probabilities, as
     * {@code np.argmax} picks; -1 when the row has none (NaN, a row the model gave no prediction).
     */
    public static int argmax(double[][] p, int r) {
        int best = 0;
        double max = p[0][r];
        if (Double.isNaN(max)) {
            return -1;
        }
        for (int c = 1; c < p.length; c++) {
            if (p[c][r] > max) {
                max = p[c][r];
                best = c;
            }
        }
        return best;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ModelClasses m && labels.equals(m.labels);
    }

    @Override
    public int hashCode() {
        return labels.hashCode();
    }

    @Override
    public String toString() {
        return labels + " (" + kind.name().toLowerCase(Locale.ROOT) + ")";
    }
}
