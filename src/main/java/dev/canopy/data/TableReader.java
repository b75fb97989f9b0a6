package dev.canopy.data;

import dev.canopy.parquet.read.ByteArrayInputFile;

import dev.canopy.error.InvalidInputException;

/** Picks the format from the bytes (Parquet's PAR1 magic) and the name, then reads a {@link Table}. */
public final class TableReader {
    private TableReader() {
    }

    public static Table read(String field, String uri, byte[] bytes) {
        if (bytes.length == 0) {
            throw new InvalidInputException(field, uri, "the data set is empty: the object has 0 bytes");
        }
        boolean parquet = bytes.length >= 8 && bytes[0] == 'P' && bytes[1] == 'A' && bytes[2] == 'R' && bytes[3] == '1';
        if (parquet || uri.endsWith(".parquet")) {
            return ParquetTableReader.read(field, new ByteArrayInputFile(bytes, uri));
        }
        return CsvTableReader.read(field, bytes);
    }
}
