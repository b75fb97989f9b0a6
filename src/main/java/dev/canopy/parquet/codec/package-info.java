/**
 * Parquet's page codecs in pure Java: Snappy, ZSTD, LZ4_RAW and Hadoop-framed LZ4 from aircompressor, GZIP
 * from the JDK, BROTLI from {@code org.brotli:dec}; LZO is refused. No native code.
 */
package dev.canopy.parquet.codec;
