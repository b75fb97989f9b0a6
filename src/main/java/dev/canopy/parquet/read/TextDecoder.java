package dev.canopy.parquet.read;

import dev.canopy.parquet.ParquetException;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.function.ToDoubleFunction;

/**
 * PLAIN byte arrays (a 4-byte length, then the bytes) read as UTF-8 text, each turned into a double by the
 * caller's function: how a model's categorical features get their codes. Also decodes a text column's
 * dictionary page, so that each entry is decoded and mapped once.
 */
final class TextDecoder implements ValueDecoder {
    private final ParquetFile.Column column;
    private final ToDoubleFunction<String> coder;

    TextDecoder(ParquetFile.Column column, ToDoubleFunction<String> coder) {
        this.column = column;
        this.coder = coder;
    }

    @Override
    public void read(ByteBuffer b, int count, double[] out, int at) throws ParquetException {
        for (int i = 0; i < count; i++) {
            int len = PlainDecoder.length(b, column);
            out[at + i] = coder.applyAsDouble(new String(b.array(), b.arrayOffset() + b.position(), len, StandardCharsets.UTF_8));
            b.position(b.position() + len);
        }
    }
}
