package dev.canopy.parquet.read;

import dev.canopy.parquet.ParquetException;
import dev.canopy.parquet.format.ParquetFormat.Type;

import java.nio.ByteBuffer;

/**
 * PLAIN values of any numeric physical type: fixed-width little-endian numbers, booleans one bit each
 * (least significant first), INT96 timestamps, and decimals stored as (fixed-length) byte arrays. Also
 * decodes dictionary pages, which are PLAIN.
 */
final class PlainDecoder implements ValueDecoder {
    private final ParquetFile.Column column;
    private final ValueMeaning meaning;

    PlainDecoder(ParquetFile.Column column, ValueMeaning meaning) {
        this.column = column;
        this.meaning = meaning;
    }

    /** The bytes one value takes, or -1 for a byte array (its own length first) and 0 for a bit (a boolean). */
    static int width(ParquetFile.Column c) {
        return switch (c.type()) {
            case BOOLEAN -> 0;
            case INT32, FLOAT -> 4;
            case INT64, DOUBLE -> 8;
            case INT96 -> 12;
            case FIXED_LEN_BYTE_ARRAY -> c.typeLength();
            case BYTE_ARRAY -> -1;
        };
    }

    @Override
    public void read(ByteBuffer b, int count, double[] out, int at) throws ParquetException {
        Type type = column.type();
        int width = width(column);
        if (width > 0 && (long) width * count > b.remaining()) {
            throw new ParquetException(count + " values of " + width + " bytes in a page with " + b.remaining()
                    + " in " + column.path());
        }
        switch (type) {
            case BOOLEAN -> {
                if ((long) b.remaining() * 8 < count) {
                    throw new ParquetException("a page of " + count + " booleans in " + b.remaining() + " bytes in " + column.path());
                }
                int start = b.position();
                for (int i = 0; i < count; i++) {
                    out[at + i] = (b.get(start + (i >>> 3)) >>> (i & 7)) & 1;
                }
                b.position(start + (count + 7) / 8);
            }
            case INT32 -> {
                if (meaning.plainInteger()) {
                    for (int i = 0; i < count; i++) {
                        out[at + i] = b.getInt();
                    }
                } else {
                    for (int i = 0; i < count; i++) {
                        out[at + i] = meaning.integer(b.getInt());
                    }
                }
            }
            case INT64 -> {
                if (meaning.plainInteger()) {
                    for (int i = 0; i < count; i++) {
                        out[at + i] = b.getLong();
                    }
                } else {
                    for (int i = 0; i < count; i++) {
                        out[at + i] = meaning.integer(b.getLong());
                    }
                }
            }
            case FLOAT -> {
                for (int i = 0; i < count; i++) {
                    out[at + i] = b.getFloat();
                }
            }
            case DOUBLE -> {
                for (int i = 0; i < count; i++) {
                    out[at + i] = b.getDouble();
                }
            }
            case INT96 -> {
                for (int i = 0; i < count; i++) {
                    out[at + i] = ValueMeaning.int96(b);
                }
            }
            case FIXED_LEN_BYTE_ARRAY -> {
                for (int i = 0; i < count; i++) {
                    out[at + i] = meaning.bytes(b, b.position(), width);
                    b.position(b.position() + width);
                }
            }
            case BYTE_ARRAY -> {
                for (int i = 0; i < count; i++) {
                    int len = length(b, column);
                    out[at + i] = meaning.bytes(b, b.position(), len);
                    b.position(b.position() + len);
                }
            }
        }
    }

    /** A PLAIN byte array's 4-byte length, checked against the bytes left after it. */
    static int length(ByteBuffer b, ParquetFile.Column c) throws ParquetException {
        if (b.remaining() < 4) {
            throw new ParquetException("a value's length runs past the end of its page in " + c.path());
        }
        return checkedLength(b.getInt() & 0xffffffffL, b, c);
    }

    /** A value's length, which must fit in the bytes left. */
    static int checkedLength(long length, ByteBuffer b, ParquetFile.Column c) throws ParquetException {
        if (length < 0 || length > b.remaining()) {
            throw new ParquetException("a value of " + length + " bytes in a page with " + b.remaining() + " left in " + c.path());
        }
        return (int) length;
    }
}
