package dev.canopy.parquet.format;

import dev.canopy.parquet.ParquetException;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;

/**
 * ULEB128 varints and zigzag, as Parquet's encodings use them (the RLE/bit-packing hybrid's run headers,
 * DELTA_BINARY_PACKED's header and block minima). Reading checks that the varint ends inside the buffer and
 * within its type's width: a damaged page is a {@link ParquetException}, never a buffer underflow.
 */
public final class Varints {
    private Varints() {
    }

    /** An unsigned varint of at most 32 bits (5 bytes). */
    public static int readInt(ByteBuffer in) throws ParquetException {
        return (int) read(in, 5);
    }

    /** An unsigned varint of at most 64 bits (10 bytes). */
    public static long readLong(ByteBuffer in) throws ParquetException {
        return read(in, 10);
    }

    private static long read(ByteBuffer in, int maxBytes) throws ParquetException {
        long result = 0;
        for (int i = 0; i < maxBytes; i++) {
            if (!in.hasRemaining()) {
                throw new ParquetException("a varint runs past the end of its page");
            }
            int b = in.get() & 0xff;
            result |= (long) (b & 0x7f) << (7 * i);
            if ((b & 0x80) == 0) {
                return result;
            }
        }
        throw new ParquetException("a varint longer than " + maxBytes + " bytes");
    }

    /** Zigzag decoding: 0, 1, 2, 3 ... to 0, -1, 1, -2 ... */
    public static long unzigzag(long n) {
        return (n >>> 1) ^ -(n & 1);
    }

    /** Writes {@code value} (taken as unsigned) as a varint. */
    public static void write(ByteArrayOutputStream out, long value) {
        while ((value & ~0x7FL) != 0) {
            out.write((int) ((value & 0x7F) | 0x80));
            value >>>= 7;
        }
        out.write((int) value);
    }
}
