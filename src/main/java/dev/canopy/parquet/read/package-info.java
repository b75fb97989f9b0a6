/**
 * Reading a Parquet file: its footer, then only the projected column chunks (one ranged read each), their
 * pages decompressed and decoded in bulk to doubles.
 */
package dev.canopy.parquet.read;
