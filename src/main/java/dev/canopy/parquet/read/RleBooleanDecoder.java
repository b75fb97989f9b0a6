package dev.canopy.parquet.read;

import dev.canopy.parquet.ParquetException;
import dev.canopy.parquet.format.ParquetFormat.Type;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** RLE booleans: a 4-byte length, then the values in the RLE/bit-packing hybrid of bit width 1. */
final class RleBooleanDecoder implements ValueDecoder {
    private final ParquetFile.Column column;
    private int[] bits = new int[0];

    RleBooleanDecoder(ParquetFile.Column column) throws ParquetException {
        if (column.type() != Type.BOOLEAN) {
            throw new ParquetException("RLE values in non-boolean column " + column.path());
        }
        this.column = column;
    }

    @Override
    public void read(ByteBuffer b, int count, double[] out, int at) throws ParquetException {
        int len = b.remaining() < 4 ? -1 : b.getInt();
        if (len < 0 || len > b.remaining()) {
            throw new ParquetException("RLE booleans of " + len + " bytes in a page with " + b.remaining() + " left in "
                    + column.path());
        }
        if (bits.length < count) {
            bits = new int[count];
        }
        RleBitPackedHybridDecoder.decode(b.slice(b.position(), len).order(ByteOrder.LITTLE_ENDIAN), 1, count, bits);
        b.position(b.position() + len);
        for (int i = 0; i < count; i++) {
            out[at + i] = bits[i];
        }
    }
}
