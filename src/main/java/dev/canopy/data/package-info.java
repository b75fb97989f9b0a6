/**
 * Reading users' tables: CSV and Parquet readers into a {@code Table}, a data set's parts (one object, or every
 * part under a prefix, pinned by one version) read in parallel, the Parquet input over the storage port (ranged
 * reads), and the scan that streams a shard's numeric columns as doubles for scoring and gathers, in the same
 * reads, the chunks of the columns its predictions keep ({@code KeptColumns}). Depends on the storage port and
 * on {@code dev.canopy.parquet} (the format itself), never on what writes predictions or generates samples.
 */
package dev.canopy.data;
