package dev.canopy.data;

import dev.canopy.parquet.read.ByteArrayInputFile;

import dev.canopy.error.InvalidInputException;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.zip.GZIPInputStream;

/**
 * Picks the format from the bytes (Parquet's PAR1 magic, gzip's 1f 8b) and the name ({@code .parquet},
 * {@code .gz}), then reads a {@link Table}. A gzip file is decompressed first and then read the same way.
 */
public final class TableReader {
    /** A decompressed data set larger than this is refused rather than exhausting the function's memory. */
    static final int MAX_DECOMPRESSED = Integer.MAX_VALUE - 64;

    private TableReader() {
    }

    public static Table read(String field, String uri, byte[] bytes) {
        return read(field, uri, bytes, null);
    }

    /** @param delimiter a CSV file's delimiter, or null to detect it */
    public static Table read(String field, String uri, byte[] bytes, Character delimiter) {
        if (bytes.length == 0) {
            throw new InvalidInputException(field, uri, "the data set is empty: the object has 0 bytes");
        }
        boolean gzip = bytes.length >= 2 && (bytes[0] & 0xff) == 0x1f && (bytes[1] & 0xff) == 0x8b;
        if (gzip || uri.endsWith(".gz")) {
            if (!gzip) {
                throw new InvalidInputException(field, uri, "the name ends in .gz but the bytes are not gzip (no 1f 8b magic)");
            }
            bytes = gunzip(field, uri, bytes);
            if (bytes.length == 0) {
                throw new InvalidInputException(field, uri, "the data set is empty: it decompresses to 0 bytes");
            }
        }
        boolean parquet = bytes.length >= 8 && bytes[0] == 'P' && bytes[1] == 'A' && bytes[2] == 'R' && bytes[3] == '1';
        if (parquet || uri.endsWith(".parquet")) {
            return ParquetTableReader.read(field, new ByteArrayInputFile(bytes, uri));
        }
        return CsvTableReader.read(field, uri, bytes, delimiter);
    }

    private static byte[] gunzip(String field, String uri, byte[] bytes) {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(bytes), 1 << 16)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(1 << 16, bytes.length * 4));
            byte[] buf = new byte[1 << 16];
            long total = 0;
            for (int n; (n = in.read(buf)) > 0; ) {
                total += n;
                if (total > MAX_DECOMPRESSED) {
                    throw new InvalidInputException(field, uri, "decompresses to more than 2 GB; split it into smaller files");
                }
                out.write(buf, 0, n);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new InvalidInputException(field, uri, "unreadable gzip file: " + e.getMessage());
        }
    }
}
