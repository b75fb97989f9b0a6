package dev.canopy.model;

import java.util.List;

/**
 * A loaded model that scores rows given as columns. Implementations are immutable and thread-safe, so
 * one cached instance serves every call on a warm predictor.
 */
public interface Model {

    /** The columns a shard must have, in the order {@link #score} receives them. */
    List<String> columns();

    /** Scores {@code rows} rows; {@code columns[j]} holds {@link #columns()}{@code [j]}, NaN for null. */
    void score(double[][] columns, int rows, double[] out);

    /** Approximate heap size, for the byte-bounded model cache. */
    long bytes();
}
