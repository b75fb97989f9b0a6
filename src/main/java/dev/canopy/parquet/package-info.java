/**
 * Parquet, read and written straight from the format, with nothing from the rest of Canopy: {@code format}
 * turns footers and page headers (parquet-format's generated Thrift classes) into the few records the
 * reader needs; {@code read} opens a file through parquet-common's {@code InputFile}, fetches only the
 * projected column chunks and decodes their pages in bulk to doubles, types read as their values
 * ({@code read/PageDecoder}: definition levels, then one {@code ValueDecoder} per encoding, as trino's
 * {@code reader/decoders}); {@code
 * write} writes the flat files Canopy produces; {@code codec} holds the pure-Java page codecs. Every size a
 * file declares is checked against the bytes present before it is allocated; errors are
 * {@link dev.canopy.parquet.ParquetException}s (or I/O errors of the {@code InputFile}), which callers name
 * with the file.
 */
package dev.canopy.parquet;
