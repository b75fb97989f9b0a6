/**
 * Users' data and predictions as files: CSV and Parquet readers into a {@code Table}, the Parquet input over
 * the storage port (ranged reads), the predictions writers (Parquet with the kept columns, and the CSV copy),
 * and sample data (the California housing download, synthetic NYC taxi shards). Parquet itself is
 * {@code dev.canopy.parquet}.
 */
package dev.canopy.data;
