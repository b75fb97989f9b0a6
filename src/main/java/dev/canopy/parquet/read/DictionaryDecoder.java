package dev.canopy.parquet.read;

import dev.canopy.parquet.ParquetException;
import dev.canopy.parquet.format.ParquetFormat.Encoding;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.function.ToDoubleFunction;

/**
 * PLAIN_DICTIONARY and RLE_DICTIONARY pages: a byte with the ids' bit width, then the ids in the RLE/bit-packing
 * hybrid, each looked up in the chunk's dictionary, whose entries were converted to doubles once
 * ({@link #entries}).
 */
final class DictionaryDecoder implements ValueDecoder {
    private final double[] dictionary;
    private final String path;
    private final int[] scratch = new int[RleBitPackedHybridDecoder.scratchSize()];

    DictionaryDecoder(double[] dictionary, String path) {
        this.dictionary = dictionary;
        this.path = path;
    }

    @Override
    public void read(ByteBuffer values, int count, double[] out, int at) throws ParquetException {
        if (!values.hasRemaining()) {
            throw new ParquetException("a dictionary-encoded page without its ids' bit width in " + path);
        }
        int width = values.get() & 0xff;
        if (width > 32) {
            throw new ParquetException("dictionary id width " + width + " in " + path);
        }
        RleBitPackedHybridDecoder.decodeThrough(values, width, count, dictionary, out, at, scratch, path);
    }

    /**
     * The chunk's dictionary, each entry converted to a double once (through {@code text} for a text column);
     * null without one.
     */
    static double[] entries(ParquetFile.Chunk chunk, ParquetFile.Column c, ValueMeaning meaning, ToDoubleFunction<String> text)
            throws IOException {
        ParquetFile.Dictionary d = chunk.dictionary();
        if (d == null) {
            return null;
        }
        if (d.encoding() != Encoding.PLAIN && d.encoding() != Encoding.PLAIN_DICTIONARY) {
            throw new ParquetException("dictionary of " + c.path() + " encoded as " + d.encoding());
        }
        // every entry takes at least this many bytes: a count beyond what the page holds is a lie
        int least = switch (c.type()) {
            case INT64, DOUBLE -> 8;
            case INT96 -> 12;
            case FIXED_LEN_BYTE_ARRAY -> Math.max(1, c.typeLength());
            case BOOLEAN -> 1;
            default -> 4;
        };
        if (d.size() < 0 || (long) d.size() * least > d.data().length) {
            throw new ParquetException("a dictionary of " + d.size() + " entries in " + d.data().length + " bytes in " + c.path());
        }
        double[] entries = new double[d.size()];
        ValueDecoder plain = text != null ? new TextDecoder(c, text) : new PlainDecoder(c, meaning);
        plain.read(ByteBuffer.wrap(d.data()).order(ByteOrder.LITTLE_ENDIAN), d.size(), entries, 0);
        return entries;
    }
}
