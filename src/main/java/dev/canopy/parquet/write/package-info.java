/**
 * Writing the flat Parquet files Canopy produces (predictions, generated shards): data pages of PLAIN or
 * dictionary-encoded values, SNAPPY-compressed, laid out as pyarrow lays them out.
 */
package dev.canopy.parquet.write;
