package dev.canopy.parquet.read;

import dev.canopy.parquet.ParquetException;
import dev.canopy.parquet.format.ParquetFormat.Encoding;
import dev.canopy.parquet.format.ParquetFormat.Type;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * Decodes a flat numeric column chunk page by page, in bulk, straight from the page bytes: the definition
 * levels ({@link DefinitionLevels}), then the present values through the {@link ValueDecoder} of the page's
 * encoding (one class per encoding), whose numbers mean what the column's logical type says
 * ({@link ValueMeaning}). This is the hot loop of batch prediction, and it is all of Canopy's Parquet
 * decoding: no parquet-column reader is involved. A text (BYTE_ARRAY) column's PLAIN or dictionary-encoded
 * values can be read as UTF-8 strings that a caller's function maps to doubles
 * ({@link Cursor#Cursor(ParquetFile.Chunk, long, ToDoubleFunction)}).
 *
 * <p>Not thread-safe: one decoder per scan.
 */
public final class PageDecoder {
    private final DefinitionLevels levels = new DefinitionLevels();
    private double[] dense = new double[0];

    /**
     * A column chunk read in batches of the caller's size: pages are decompressed and decoded one at a time,
     * straight into the caller's array when the whole page fits there, else into a page buffer handed out
     * in pieces. Nulls become NaN.
     */
    public final class Cursor {
        private final ParquetFile.Chunk chunk;
        private final ParquetFile.Column column;
        private final long rows;
        private final ValueMeaning meaning;
        private final double[] dictionary;
        private final ToDoubleFunction<String> text;
        private final Map<Encoding, ValueDecoder> decoders = new EnumMap<>(Encoding.class);
        private int page;
        private double[] buffer = new double[0];
        private int have;
        private int used;
        private long decoded;

        public Cursor(ParquetFile.Chunk chunk, long rows) throws IOException {
            this(chunk, rows, null);
        }

        /**
         * A cursor over a BYTE_ARRAY column whose values are UTF-8 text: each value is decoded as a String and
         * handed to {@code text}, whose result is the value's double (a dictionary entry is decoded and mapped
         * once). Text is read from PLAIN and dictionary-encoded pages only. With {@code text} null, the column
         * must be numeric ({@link ParquetFile.Column#numeric()}).
         */
        public Cursor(ParquetFile.Chunk chunk, long rows, ToDoubleFunction<String> text) throws IOException {
            this.chunk = chunk;
            this.column = chunk.column();
            this.rows = rows;
            this.text = text;
            if (text != null && column.type() != Type.BYTE_ARRAY) {
                throw new ParquetException("column " + column.path() + " is " + column.describe() + ", not text");
            }
            this.meaning = ValueMeaning.of(column);
            this.dictionary = DictionaryDecoder.entries(chunk, column, meaning, text);
        }

        /** The next {@code count} values into {@code out[0..count)}. */
        public void fill(double[] out, int count) throws IOException {
            int at = 0;
            while (at < count) {
                if (used == have) {
                    if (page == chunk.pages()) {
                        throw new ParquetException("column " + column.path() + " ends after " + decoded + " of " + rows + " rows");
                    }
                    ParquetFile.Page p = chunk.page(page++);
                    int n = p.valueCount();
                    if (decoded + n > rows) {
                        throw new ParquetException("column " + column.path() + " holds more values than the row group's "
                                + rows + " rows");
                    }
                    decoded += n;
                    if (n <= count - at) {
                        decode(p, out, at); // the usual case: no copy
                        at += n;
                        continue;
                    }
                    if (buffer.length < n) {
                        buffer = new double[n];
                    }
                    decode(p, buffer, 0);
                    have = n;
                    used = 0;
                }
                int k = Math.min(count - at, have - used);
                System.arraycopy(buffer, used, out, at, k);
                used += k;
                at += k;
            }
        }

        /** Decodes one page into {@code out[at..at + page.valueCount())}. */
        private void decode(ParquetFile.Page page, double[] out, int at) throws IOException {
            int n = page.valueCount();
            int maxDef = column.maxDefinition();
            ByteBuffer values;
            ByteBuffer levelBytes = null;
            if (!page.v2()) {
                ByteBuffer all = le(page.data());
                if (maxDef > 0) {
                    if (page.definitionEncoding() != Encoding.RLE) {
                        throw new ParquetException("definition levels encoded as " + page.definitionEncoding() + " in "
                                + column.path());
                    }
                    int len = all.remaining() < 4 ? -1 : all.getInt();
                    if (len < 0 || len > all.remaining()) {
                        throw new ParquetException("definition levels of " + len + " bytes in a page with "
                                + all.remaining() + " left in " + column.path());
                    }
                    levelBytes = all.slice(all.position(), len).order(ByteOrder.LITTLE_ENDIAN);
                    all.position(all.position() + len);
                }
                values = all.slice().order(ByteOrder.LITTLE_ENDIAN);
            } else {
                if (maxDef > 0) {
                    levelBytes = le(page.definitionLevels());
                }
                values = le(page.data());
            }
            int[] defined = levels.read(levelBytes, maxDef, n);
            int present = levels.present();
            ValueDecoder decoder = decoder(page.valueEncoding());
            if (defined == null) {
                if (n > 0) {
                    decoder.read(values, n, out, at); // no nulls to place: straight into the output
                }
                return;
            }
            if (dense.length < present) {
                dense = new double[Math.max(present, dense.length * 2)];
            }
            if (present > 0) {
                decoder.read(values, present, dense, 0);
            }
            DefinitionLevels.spread(dense, defined, out, at, n);
        }

        /** The decoder of this column's pages in {@code encoding}, made at its first page. */
        private ValueDecoder decoder(Encoding encoding) throws ParquetException {
            ValueDecoder d = decoders.get(encoding);
            if (d == null) {
                d = newDecoder(encoding);
                decoders.put(encoding, d);
            }
            return d;
        }

        private ValueDecoder newDecoder(Encoding encoding) throws ParquetException {
            if (encoding == Encoding.PLAIN_DICTIONARY || encoding == Encoding.RLE_DICTIONARY) {
                if (dictionary == null) {
                    throw new ParquetException("dictionary-encoded page without a dictionary in " + column.path());
                }
                return new DictionaryDecoder(dictionary, column.path());
            }
            if (text != null) {
                if (encoding != Encoding.PLAIN) {
                    throw new ParquetException("text column " + column.path() + " encoded as " + encoding
                            + "; PLAIN and dictionary encodings are supported");
                }
                return new TextDecoder(column, text);
            }
            return switch (encoding) {
                case PLAIN -> new PlainDecoder(column, meaning);
                case DELTA_BINARY_PACKED -> new DeltaBinaryPackedDecoder(column, meaning);
                case BYTE_STREAM_SPLIT -> new ByteStreamSplitDecoder(column, meaning);
                case DELTA_LENGTH_BYTE_ARRAY, DELTA_BYTE_ARRAY -> new DeltaByteArrayDecoder(column, meaning, encoding);
                case RLE -> new RleBooleanDecoder(column);
                default -> throw new ParquetException("unsupported encoding " + encoding + " in " + column.path());
            };
        }
    }

    private static ByteBuffer le(byte[] b) {
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    }
}
