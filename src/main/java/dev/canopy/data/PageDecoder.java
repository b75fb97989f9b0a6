package dev.canopy.data;

import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.page.DataPage;
import org.apache.parquet.column.page.DataPageV1;
import org.apache.parquet.column.page.DataPageV2;
import org.apache.parquet.column.page.DictionaryPage;
import org.apache.parquet.column.page.PageReader;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Set;

/**
 * Decodes a flat numeric column chunk page by page, in bulk, straight from the page bytes: definition
 * levels and dictionary ids with a whole-run RLE/bit-packing decoder, and each dictionary entry converted
 * to a double once. This is the hot loop of batch prediction: parquet-java's {@code ColumnReader} hands
 * out one value per call through several layers and is several times slower. Chunks with any other
 * encoding (or with repetition, or booleans) take the general path in {@link ParquetColumns}.
 *
 * <p>Not thread-safe: one decoder per scan.
 */
final class PageDecoder {
    /**
     * Encodings a chunk may list. parquet-mr lists BIT_PACKED for the repetition levels of every chunk it
     * writes; a flat column has none (zero bytes), and definition levels are checked page by page.
     */
    private static final Set<Encoding> SUPPORTED = Set.of(Encoding.RLE, Encoding.BIT_PACKED, Encoding.PLAIN,
            Encoding.PLAIN_DICTIONARY, Encoding.RLE_DICTIONARY);

    private int[] levels = new int[0];
    private int[] ids = new int[0];

    static boolean supports(ColumnDescriptor c, Set<Encoding> chunkEncodings) {
        if (c.getMaxRepetitionLevel() != 0 || c.getMaxDefinitionLevel() > 1 || !SUPPORTED.containsAll(chunkEncodings)) {
            return false;
        }
        return switch (c.getPrimitiveType().getPrimitiveTypeName()) {
            case INT32, INT64, FLOAT, DOUBLE -> true;
            default -> false;
        };
    }

    /** Fills {@code out[0..rows)} from the chunk's pages; nulls become NaN. */
    void read(PageReader pages, ColumnDescriptor c, double[] out, int rows) throws IOException {
        PrimitiveTypeName type = c.getPrimitiveType().getPrimitiveTypeName();
        boolean optional = c.getMaxDefinitionLevel() > 0;
        double[] dictionary = null;
        DictionaryPage dp = pages.readDictionaryPage();
        if (dp != null) {
            dictionary = plain(dp.getBytes().toByteBuffer().order(ByteOrder.LITTLE_ENDIAN), type, dp.getDictionarySize());
        }
        int at = 0;
        while (at < rows) {
            DataPage page = pages.readPage();
            if (page == null) {
                throw new IOException("column " + c + " ends after " + at + " of " + rows + " rows");
            }
            int n = page.getValueCount();
            ByteBuffer values;
            Encoding encoding;
            int[] defined = optional ? levels(n) : null;
            if (page instanceof DataPageV1 v1) {
                ByteBuffer all = v1.getBytes().toByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
                if (optional) {
                    if (v1.getDlEncoding() != Encoding.RLE) {
                        throw new IOException("definition levels encoded as " + v1.getDlEncoding() + " in " + c);
                    }
                    int len = all.getInt();
                    decodeHybrid(all.slice(all.position(), len).order(ByteOrder.LITTLE_ENDIAN), 1, n, defined);
                    all.position(all.position() + len);
                }
                values = all.slice().order(ByteOrder.LITTLE_ENDIAN);
                encoding = v1.getValueEncoding();
            } else {
                DataPageV2 v2 = (DataPageV2) page;
                if (optional) {
                    decodeHybrid(v2.getDefinitionLevels().toByteBuffer().order(ByteOrder.LITTLE_ENDIAN), 1, n, defined);
                }
                values = v2.getData().toByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
                encoding = v2.getDataEncoding();
            }
            int present = n;
            if (optional) {
                present = 0;
                for (int i = 0; i < n; i++) {
                    present += defined[i];
                }
                if (present == n) {
                    defined = null; // no nulls in this page: take the direct path
                }
            }
            if (encoding == Encoding.PLAIN_DICTIONARY || encoding == Encoding.RLE_DICTIONARY) {
                if (dictionary == null) {
                    throw new IOException("dictionary-encoded page without a dictionary in " + c);
                }
                int width = values.get() & 0xff;
                int[] id = ids(present);
                if (present > 0) {
                    decodeHybrid(values, width, present, id);
                }
                spread(dictionary, id, defined, out, at, n);
            } else if (encoding == Encoding.PLAIN) {
                spread(plain(values, type, present), null, defined, out, at, n);
            } else {
                throw new IOException("unsupported encoding " + encoding + " in " + c);
            }
            at += n;
        }
    }

    /** Places the present values (through dictionary ids when given) in their rows; absent rows get NaN. */
    private static void spread(double[] source, int[] ids, int[] defined, double[] out, int at, int n) {
        if (defined == null) {
            if (ids == null) {
                System.arraycopy(source, 0, out, at, n);
            } else {
                for (int i = 0; i < n; i++) {
                    out[at + i] = source[ids[i]];
                }
            }
            return;
        }
        int k = 0;
        for (int i = 0; i < n; i++) {
            if (defined[i] != 0) {
                out[at + i] = ids == null ? source[k] : source[ids[k]];
                k++;
            } else {
                out[at + i] = Double.NaN;
            }
        }
    }

    private int[] levels(int n) {
        if (levels.length < n) {
            levels = new int[Math.max(n, levels.length * 2)];
        }
        return levels;
    }

    private int[] ids(int n) {
        if (ids.length < n) {
            ids = new int[Math.max(n, ids.length * 2)];
        }
        return ids;
    }

    private static double[] plain(ByteBuffer b, PrimitiveTypeName type, int count) {
        double[] v = new double[count];
        switch (type) {
            case INT32 -> {
                for (int i = 0; i < count; i++) {
                    v[i] = b.getInt();
                }
            }
            case INT64 -> {
                for (int i = 0; i < count; i++) {
                    v[i] = b.getLong();
                }
            }
            case FLOAT -> {
                for (int i = 0; i < count; i++) {
                    v[i] = b.getFloat();
                }
            }
            case DOUBLE -> {
                for (int i = 0; i < count; i++) {
                    v[i] = b.getDouble();
                }
            }
            default -> throw new IllegalStateException("not numeric: " + type);
        }
        return v;
    }

    /**
     * Decodes {@code count} values of Parquet's RLE/bit-packing hybrid encoding of the given bit width. A
     * run starts with a ULEB128 header: low bit 0 means {@code header >>> 1} repeats of one value stored in
     * ceil(width/8) little-endian bytes; low bit 1 means {@code header >>> 1} groups of 8 values,
     * bit-packed least significant bit first.
     */
    static void decodeHybrid(ByteBuffer in, int width, int count, int[] out) {
        int i = 0;
        long mask = (1L << width) - 1;
        int byteWidth = (width + 7) / 8;
        while (i < count) {
            int header = varint(in);
            if ((header & 1) == 0) {
                int value = 0;
                for (int b = 0; b < byteWidth; b++) {
                    value |= (in.get() & 0xff) << (8 * b);
                }
                int end = Math.min(count, i + (header >>> 1));
                Arrays.fill(out, i, end, value);
                i = end;
            } else {
                int groups = header >>> 1;
                int start = in.position();
                int end = Math.min(count, i + groups * 8);
                if (width <= 8) {
                    // A group of 8 values is exactly `width` bytes: load it as one long, then shift.
                    int p = start;
                    for (int g = 0; g < groups && i < end; g++) {
                        long word = 0;
                        for (int b = 0; b < width; b++) {
                            word |= (long) (in.get(p++) & 0xff) << (8 * b);
                        }
                        int stop = Math.min(end, i + 8);
                        for (int shift = 0; i < stop; shift += width) {
                            out[i++] = (int) ((word >>> shift) & mask);
                        }
                    }
                    in.position(start + groups * width);
                    continue;
                }
                long buffer = 0;
                int bits = 0;
                int p = start;
                while (i < end) {
                    while (bits < width) {
                        buffer |= (long) (in.get(p++) & 0xff) << bits;
                        bits += 8;
                    }
                    out[i++] = (int) (buffer & mask);
                    buffer >>>= width;
                    bits -= width;
                }
                in.position(start + groups * width);
            }
        }
    }

    private static int varint(ByteBuffer in) {
        int result = 0;
        int shift = 0;
        while (true) {
            int b = in.get() & 0xff;
            result |= (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                return result;
            }
            shift += 7;
        }
    }
}
