/**
 * Footers and page headers, read through parquet-format's generated Thrift classes
 * ({@code parquet-format-structures}) and turned into the few records the reader needs.
 */
package dev.canopy.parquet.format;
