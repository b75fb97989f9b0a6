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
     * {@code columns} in place.
     */
    void score(double[][] columns, int rows, double[] out);

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
