package dev.canopy.model;

import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * A loaded model that scores rows given as columns. Implementations are immutable and thread-safe, so
 * one cached instance serves every call on a warm predictor.
 */
public interface Model {

    /** The columns a shard must have, in the order {@link #score} receives them. */
    List<String> columns();

    /**
     * Scores {@code rows} rows; {@code columns[j]} holds {@link #columns()}{@code [j]}, NaN for null (a text
     * column as the codes {@link #textCoder} gives). A row the model gives no prediction (a gap under the
     * {@code drop} policy) scores NaN, which callers write as null. The model may replace gaps in
     * {@code columns} in place. A classifier's score is one number per row too: a binary classifier's
     * probability of its second class, a multi-class one's most probable class code ({@link #probabilities}
     * gives them all).
     */
    void score(double[][] columns, int rows, double[] out);

    /** The classes a classifier scores, in code order; null for a regression or a rule. */
    default ModelClasses classes() {
        return null;
    }

    /**
     * A classifier's probabilities: {@code out[c][i]} for each class {@code c} of {@link #classes()} and row
     * {@code i}, NaN in every class for a row the model gives no prediction; otherwise as {@link #score}.
     *
     * @throws UnsupportedOperationException for a model that is no classifier
     */
    default void probabilities(double[][] columns, int rows, double[][] out) {
        throw new UnsupportedOperationException("not a classifier: it scores no class probabilities");
    }

    /** How column {@code j}'s text values become the numbers {@link #score} takes; null for a numeric column. */
    default ToDoubleFunction<String> textCoder(int j) {
        return null;
    }

    /**
     * The algorithm that made the model, as its metadata names it ({@code rule} for a rule), or null when
     * unknown: the lineage written beside its predictions.
     */
    default String algorithm() {
        return null;
    }

    /**
     * The format and library version of the file the model was converted from ({@code xgboost-json 1.7.4},
     * {@code lightgbm-text v4}), written beside its predictions; null for Canopy's own models and rules.
     */
    default String format() {
        return null;
    }

    /** Approximate heap size, for the byte-bounded model cache. */
    long bytes();
}
