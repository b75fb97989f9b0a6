/**
 * A shard's predictions as files: Parquet with the kept input columns first, their chunks copied as the
 * shard stores them, then {@code prediction} (a classifier's label, then its probabilities) and the run's
 * lineage as key-value metadata; and the CSV copy,
 * each value written as text by its logical type. Reads the kept columns gathered by {@code dev.canopy.data};
 * used by batch inference.
 */
package dev.canopy.predictions;
