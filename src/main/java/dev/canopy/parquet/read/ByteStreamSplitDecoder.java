package dev.canopy.parquet.read;

import dev.canopy.parquet.ParquetException;
import dev.canopy.parquet.format.ParquetFormat.Type;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** BYTE_STREAM_SPLIT: byte k of every value, then byte k + 1 of every value, and so on. */
final class ByteStreamSplitDecoder implements ValueDecoder {
    private final ParquetFile.Column column;
    private final ValueMeaning meaning;
    private final int width;

    ByteStreamSplitDecoder(ParquetFile.Column column, ValueMeaning meaning) throws ParquetException {
        this.column = column;
        this.meaning = meaning;
        this.width = switch (column.type()) {
            case FLOAT, INT32 -> 4;
            case DOUBLE, INT64 -> 8;
            case FIXED_LEN_BYTE_ARRAY -> column.typeLength();
            default -> throw new ParquetException("BYTE_STREAM_SPLIT in a " + column.type() + " column " + column.path());
        };
    }

    @Override
    public void read(ByteBuffer b, int count, double[] out, int at) throws ParquetException {
        if ((long) b.remaining() < (long) width * count) {
            throw new ParquetException("BYTE_STREAM_SPLIT page of " + column.path() + " is short");
        }
        Type type = column.type();
        int base = b.position();
        byte[] one = new byte[width];
        ByteBuffer value = ByteBuffer.wrap(one).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < count; i++) {
            for (int k = 0; k < width; k++) {
                one[k] = b.get(base + k * count + i);
            }
            out[at + i] = switch (type) {
                case FLOAT -> value.getFloat(0);
                case INT32 -> meaning.integer(value.getInt(0));
                case DOUBLE -> value.getDouble(0);
                case INT64 -> meaning.integer(value.getLong(0));
                default -> meaning.bytes(value, 0, width);
            };
        }
        b.position(base + width * count);
    }
}
