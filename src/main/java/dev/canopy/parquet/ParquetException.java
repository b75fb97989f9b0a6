package dev.canopy.parquet;

import java.io.IOException;

/**
 * A Parquet file this package cannot read: damaged, forged, or using something it does not support. The
 * message says what and where (column, page); the caller adds which file, as only it knows how to name it.
 */
public class ParquetException extends IOException {
    public ParquetException(String message) {
        super(message);
    }

    public ParquetException(String message, Throwable cause) {
        super(message, cause);
    }
}
