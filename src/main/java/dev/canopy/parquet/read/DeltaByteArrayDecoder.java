package dev.canopy.parquet.read;

import dev.canopy.parquet.ParquetException;
import dev.canopy.parquet.format.ParquetFormat.Encoding;
import dev.canopy.parquet.format.ParquetFormat.Type;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The delta byte-array encodings of binary decimals: DELTA_LENGTH_BYTE_ARRAY (every length, delta-packed,
 * then the bytes) and DELTA_BYTE_ARRAY (the length of the prefix shared with the previous value and of the
 * rest, both delta-packed, then the rests' bytes).
 */
final class DeltaByteArrayDecoder implements ValueDecoder {
    private final ParquetFile.Column column;
    private final ValueMeaning meaning;
    private final boolean prefixes;

    DeltaByteArrayDecoder(ParquetFile.Column column, ValueMeaning meaning, Encoding encoding) throws ParquetException {
        if (column.type() != Type.BYTE_ARRAY && column.type() != Type.FIXED_LEN_BYTE_ARRAY) {
            throw new ParquetException(encoding + " in a " + column.type() + " column " + column.path());
        }
        this.column = column;
        this.meaning = meaning;
        this.prefixes = encoding == Encoding.DELTA_BYTE_ARRAY;
    }

    @Override
    public void read(ByteBuffer b, int count, double[] out, int at) throws ParquetException {
        String path = column.path();
        if (!prefixes) {
            long[] lengths = DeltaBinaryPackedDecoder.decode(b, count, path);
            for (int i = 0; i < count; i++) {
                int len = PlainDecoder.checkedLength(lengths[i], b, column);
                out[at + i] = meaning.bytes(b, b.position(), len);
                b.position(b.position() + len);
            }
            return;
        }
        long[] shared = DeltaBinaryPackedDecoder.decode(b, count, path);
        long[] suffixes = DeltaBinaryPackedDecoder.decode(b, count, path);
        byte[] previous = new byte[0];
        for (int i = 0; i < count; i++) {
            int suffix = PlainDecoder.checkedLength(suffixes[i], b, column);
            if (shared[i] < 0 || shared[i] > previous.length) {
                throw new ParquetException("DELTA_BYTE_ARRAY prefix of " + shared[i] + " bytes after a value of "
                        + previous.length + " in " + path);
            }
            int prefix = (int) shared[i];
            byte[] value = Arrays.copyOf(previous, prefix + suffix);
            b.get(value, prefix, suffix);
            out[at + i] = meaning.bytes(ByteBuffer.wrap(value), 0, value.length);
            previous = value;
        }
    }
}
