package dev.canopy.parquet.read;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Decodes the present (non-null) values of one data page, stored in one encoding, into doubles. One
 * implementation per encoding, as trino's {@code reader/decoders} has them: {@link PlainDecoder},
 * {@link DictionaryDecoder}, {@link DeltaBinaryPackedDecoder}, {@link DeltaByteArrayDecoder},
 * {@link ByteStreamSplitDecoder}, {@link RleBooleanDecoder} and {@link TextDecoder}. An implementation is
 * made for one column and may be used for every page of it in that encoding.
 *
 * <p>Every length, count and offset a page declares is checked before it is used: a damaged or forged page
 * is a {@link dev.canopy.parquet.ParquetException}; any other exception is a bug.
 */
interface ValueDecoder {
    /**
     * Decodes {@code count} values from {@code values} (the page's values section, positioned at its start)
     * into {@code out[at..at + count)}.
     */
    void read(ByteBuffer values, int count, double[] out, int at) throws IOException;
}
