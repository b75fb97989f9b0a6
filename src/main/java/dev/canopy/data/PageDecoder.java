package dev.canopy.data;

import dev.canopy.data.ParquetFormat.Encoding;
import dev.canopy.data.ParquetFormat.Type;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Decodes a flat numeric column chunk page by page, in bulk, straight from the page bytes: definition
 * levels and dictionary ids with a whole-run RLE/bit-packing decoder, each dictionary entry converted to a
 * double once, and the other encodings writers use for numbers (PLAIN, DELTA_BINARY_PACKED,
 * BYTE_STREAM_SPLIT, RLE or bit-packed booleans). This is the hot loop of batch prediction, and it is all of
 * Canopy's Parquet decoding: no parquet-column reader is involved.
 *
 * <p>Not thread-safe: one decoder per scan.
 */
final class PageDecoder {
    private static final java.lang.invoke.VarHandle LONG_LE =
            java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private int[] levels = new int[0];
    private int[] ids = new int[0];

    /** Fills {@code out[0..rows)} from the chunk's pages; nulls become NaN. */
    void read(ParquetFile.Chunk chunk, ParquetFile.Column c, double[] out, int rows) throws IOException {
        read(chunk, c, out, rows, null);
    }

    /**
     * As {@link #read(ParquetFile.Chunk, ParquetFile.Column, double[], int)}; a text (BYTE_ARRAY) column is
     * read as UTF-8 strings, each turned into a double by {@code text} (a dictionary entry once).
     */
    void read(ParquetFile.Chunk chunk, ParquetFile.Column c, double[] out, int rows,
              java.util.function.ToDoubleFunction<String> text) throws IOException {
        Type type = c.type();
        if (type == Type.BYTE_ARRAY && text == null) {
            throw new IOException("column " + c.path() + " is text; only numeric columns are read here");
        }
        int maxDef = c.maxDefinition();
        int levelWidth = 32 - Integer.numberOfLeadingZeros(maxDef);
        double[] dictionary = null;
        if (chunk.dictionary() != null) {
            ParquetFile.Dictionary d = chunk.dictionary();
            if (d.encoding() != Encoding.PLAIN && d.encoding() != Encoding.PLAIN_DICTIONARY) {
                throw new IOException("dictionary of " + c.path() + " encoded as " + d.encoding());
            }
            dictionary = type == Type.BYTE_ARRAY ? text(le(d.data()), d.size(), text, c) : plain(le(d.data()), type, d.size());
        }
        int at = 0;
        for (ParquetFile.Page page : chunk.pages()) {
            if (at >= rows) {
                break;
            }
            int n = page.valueCount();
            if (at + n > rows) {
                throw new IOException("column " + c.path() + " holds more values than the row group's " + rows + " rows");
            }
            ByteBuffer values;
            ByteBuffer levelBytes = null;
            if (!page.v2()) {
                ByteBuffer all = le(page.data());
                if (maxDef > 0) {
                    if (page.definitionEncoding() != Encoding.RLE) {
                        throw new IOException("definition levels encoded as " + page.definitionEncoding() + " in " + c.path());
                    }
                    int len = all.getInt();
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
            // Most pages have no nulls, and writers then store the levels as one RLE run of the maximum:
            // recognising that run skips decoding, and later scattering, a level per row.
            int[] defined = levelBytes == null || oneRun(levelBytes, levelWidth, n, maxDef) ? null : levels(n);
            if (defined != null) {
                decodeHybrid(levelBytes, levelWidth, n, defined);
            }
            int present = n;
            if (defined != null) {
                present = 0;
                for (int i = 0; i < n; i++) {
                    defined[i] = defined[i] == maxDef ? 1 : 0;
                    present += defined[i];
                }
                if (present == n) {
                    defined = null; // no nulls in this page: take the direct path
                }
            }
            Encoding encoding = page.valueEncoding();
            if (encoding == Encoding.PLAIN_DICTIONARY || encoding == Encoding.RLE_DICTIONARY) {
                if (dictionary == null) {
                    throw new IOException("dictionary-encoded page without a dictionary in " + c.path());
                }
                if (defined == null && present > 0) {
                    // no nulls: ids go straight through the dictionary into the output, in one pass
                    int width = values.get() & 0xff;
                    if (width > 32) {
                        throw new IOException("dictionary id width " + width + " in " + c.path());
                    }
                    decodeThrough(values, width, n, dictionary, out, at, c);
                    at += n;
                    continue;
                }
                int[] id = ids(present);
                if (present > 0) {
                    int width = values.get() & 0xff;
                    decodeHybrid(values, width, present, id);
                    for (int i = 0; i < present; i++) {
                        if (id[i] < 0 || id[i] >= dictionary.length) {
                            throw new IOException("dictionary id " + id[i] + " of " + dictionary.length + " in " + c.path());
                        }
                    }
                }
                spread(dictionary, id, defined, out, at, n);
            } else if (type == Type.BYTE_ARRAY) {
                if (encoding != Encoding.PLAIN) {
                    throw new IOException("text column " + c.path() + " encoded as " + encoding
                            + "; PLAIN and dictionary encodings are supported");
                }
                spread(text(values, present, text, c), null, defined, out, at, n);
            } else if (encoding == Encoding.PLAIN && defined == null && type != Type.BOOLEAN) {
                plain(values, type, n, out, at); // no nulls to place: decode straight into the output
            } else {
                spread(values(values, encoding, type, present, c), null, defined, out, at, n);
            }
            at += n;
        }
        if (at < rows) {
            throw new IOException("column " + c.path() + " ends after " + at + " of " + rows + " rows");
        }
    }

    /** {@code count} PLAIN byte arrays (a 4-byte length, then the bytes), as UTF-8 text through {@code coder}. */
    private static double[] text(ByteBuffer b, int count, java.util.function.ToDoubleFunction<String> coder,
                                 ParquetFile.Column c) throws IOException {
        double[] v = new double[count];
        for (int i = 0; i < count; i++) {
            int len = b.getInt();
            if (len < 0 || len > b.remaining()) {
                throw new IOException("text value of " + len + " bytes with " + b.remaining() + " left in " + c.path());
            }
            v[i] = coder.applyAsDouble(new String(b.array(), b.arrayOffset() + b.position(), len, java.nio.charset.StandardCharsets.UTF_8));
            b.position(b.position() + len);
        }
        return v;
    }

    private static ByteBuffer le(byte[] b) {
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** {@code count} present values in a non-dictionary encoding, as doubles. */
    private static double[] values(ByteBuffer b, Encoding encoding, Type type, int count, ParquetFile.Column c)
            throws IOException {
        return switch (encoding) {
            case PLAIN -> plain(b, type, count);
            case DELTA_BINARY_PACKED -> delta(b, type, count, c);
            case BYTE_STREAM_SPLIT -> byteStreamSplit(b, type, count, c);
            case RLE -> {
                if (type != Type.BOOLEAN) {
                    throw new IOException("RLE values in non-boolean column " + c.path());
                }
                int len = b.getInt(); // booleans in RLE carry a length prefix
                int[] bits = new int[count];
                decodeHybrid(b.slice(b.position(), len).order(ByteOrder.LITTLE_ENDIAN), 1, count, bits);
                double[] v = new double[count];
                for (int i = 0; i < count; i++) {
                    v[i] = bits[i];
                }
                yield v;
            }
            default -> throw new IOException("unsupported encoding " + encoding + " in " + c.path());
        };
    }

    /** DELTA_BINARY_PACKED: a header, then blocks of miniblocks of bit-packed deltas above each block's minimum. */
    private static double[] delta(ByteBuffer b, Type type, int count, ParquetFile.Column c) throws IOException {
        if (type != Type.INT32 && type != Type.INT64) {
            throw new IOException("DELTA_BINARY_PACKED in a " + type + " column " + c.path());
        }
        int blockSize = varint(b);
        int miniblocks = varint(b);
        int total = varint(b);
        long value = zigzag(varlong(b));
        if (miniblocks <= 0 || blockSize <= 0 || blockSize % miniblocks != 0 || (blockSize / miniblocks) % 8 != 0
                || total < count) {
            throw new IOException("malformed DELTA_BINARY_PACKED header in " + c.path());
        }
        int perMini = blockSize / miniblocks;
        double[] v = new double[count];
        int i = 0;
        if (count > 0) {
            v[i++] = type == Type.INT32 ? (int) value : value;
        }
        int[] widths = new int[miniblocks];
        while (i < count) {
            long minDelta = zigzag(varlong(b));
            for (int m = 0; m < miniblocks; m++) {
                widths[m] = b.get() & 0xff;
                if (widths[m] > 64) {
                    throw new IOException("bit width " + widths[m] + " in " + c.path());
                }
            }
            for (int m = 0; m < miniblocks && i < count; m++) {
                int w = widths[m];
                long buffer = 0;
                int bits = 0;
                for (int k = 0; k < perMini; k++) {
                    long d = 0;
                    if (w > 0) {
                        // up to 64 bits per value: gather them in two steps when the buffer would overflow
                        int got = 0;
                        while (got < w) {
                            if (bits == 0) {
                                buffer = b.get() & 0xffL;
                                bits = 8;
                            }
                            int take = Math.min(bits, w - got);
                            d |= (buffer & ((1L << take) - 1)) << got;
                            buffer >>>= take;
                            bits -= take;
                            got += take;
                        }
                    }
                    if (i < count) {
                        value += minDelta + d;
                        v[i++] = type == Type.INT32 ? (int) value : value;
                    }
                }
            }
        }
        return v;
    }

    /** BYTE_STREAM_SPLIT: byte k of every value, then byte k + 1 of every value, and so on. */
    private static double[] byteStreamSplit(ByteBuffer b, Type type, int count, ParquetFile.Column c) throws IOException {
        int width = switch (type) {
            case FLOAT, INT32 -> 4;
            case DOUBLE, INT64 -> 8;
            default -> throw new IOException("BYTE_STREAM_SPLIT in a " + type + " column " + c.path());
        };
        if (b.remaining() < width * count) {
            throw new IOException("BYTE_STREAM_SPLIT page of " + c.path() + " is short");
        }
        int base = b.position();
        byte[] one = new byte[width];
        ByteBuffer value = ByteBuffer.wrap(one).order(ByteOrder.LITTLE_ENDIAN);
        double[] v = new double[count];
        for (int i = 0; i < count; i++) {
            for (int k = 0; k < width; k++) {
                one[k] = b.get(base + k * count + i);
            }
            v[i] = switch (type) {
                case FLOAT -> value.getFloat(0);
                case INT32 -> value.getInt(0);
                case DOUBLE -> value.getDouble(0);
                default -> value.getLong(0);
            };
        }
        return v;
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

    /**
     * Whether the levels start with one RLE run of {@code level} covering all {@code n} values. Only looks;
     * {@code in}'s position is unchanged.
     */
    private static boolean oneRun(ByteBuffer in, int width, int n, int level) {
        ByteBuffer b = in.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        if (!b.hasRemaining()) {
            return false;
        }
        int header = varint(b);
        if ((header & 1) != 0 || (header >>> 1) < n || b.remaining() < (width + 7) / 8) {
            return false;
        }
        int value = 0;
        for (int i = 0; i < (width + 7) / 8; i++) {
            value |= (b.get() & 0xff) << (8 * i);
        }
        return value == level;
    }

    private static double[] plain(ByteBuffer b, Type type, int count) {
        double[] v = new double[count];
        if (type == Type.BOOLEAN) {
            int start = b.position();
            for (int i = 0; i < count; i++) {
                v[i] = (b.get(start + (i >>> 3)) >>> (i & 7)) & 1; // one bit per value, least significant first
            }
            b.position(start + (count + 7) / 8);
            return v;
        }
        plain(b, type, count, v, 0);
        return v;
    }

    /** PLAIN numbers (not booleans) into {@code out[at..at+count)}; a short page underflows the buffer. */
    private static void plain(ByteBuffer b, Type type, int count, double[] out, int at) {
        switch (type) {
            case INT32 -> {
                for (int i = 0; i < count; i++) {
                    out[at + i] = b.getInt();
                }
            }
            case INT64 -> {
                for (int i = 0; i < count; i++) {
                    out[at + i] = b.getLong();
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
            default -> throw new IllegalStateException("not numeric: " + type);
        }
    }

    /**
     * {@link #decodeHybrid} of dictionary ids, writing {@code dictionary[id]} to {@code out[at..at+count)}
     * without materialising the ids. Every id is checked against the dictionary's size.
     */
    static void decodeThrough(ByteBuffer in, int width, int count, double[] dictionary, double[] out, int at,
                                      ParquetFile.Column c) throws IOException {
        int i = 0;
        long mask = (1L << width) - 1;
        int byteWidth = (width + 7) / 8;
        int size = dictionary.length;
        while (i < count) {
            int header = varint(in);
            if ((header & 1) == 0) {
                int id = runValue(in, byteWidth);
                if (id < 0 || id >= size) {
                    throw new IOException("dictionary id " + id + " of " + size + " in " + c.path());
                }
                int end = Math.min(count, i + (header >>> 1));
                Arrays.fill(out, at + i, at + end, dictionary[id]);
                i = end;
            } else {
                int groups = header >>> 1;
                int p = in.position();
                if ((long) groups * width > in.remaining()) {
                    throw new IOException("bit-packed run of " + groups + " groups overruns the page in " + c.path());
                }
                int end = Math.min(count, i + groups * 8);
                // A bad id is remembered rather than thrown at once, so the loop has no exit to predict.
                int bad = 0;
                if (width <= 8 && in.hasArray()) {
                    // A group of 8 ids is exactly `width` bytes: one 8-byte little-endian load, then shifts.
                    byte[] a = in.array();
                    int q = in.arrayOffset() + p;
                    long keep = width == 8 ? -1L : (1L << (8 * width)) - 1;
                    for (; i + 8 <= end && q + 8 <= a.length; q += width) {
                        long word = (long) LONG_LE.get(a, q) & keep;
                        for (int k = 0; k < 8; k++) {
                            int id = (int) ((word >>> (k * width)) & mask);
                            bad |= (size - 1 - id) | id;
                            out[at + i + k] = dictionary[Math.min(id, size - 1)];
                        }
                        i += 8;
                    }
                    p = q - in.arrayOffset(); // the rest (a short last group, or the file's last bytes) below
                }
                long buffer = 0;
                int bits = 0;
                while (i < end) {
                    while (bits < width) {
                        buffer |= (long) (in.get(p++) & 0xff) << bits;
                        bits += 8;
                    }
                    int id = (int) (buffer & mask);
                    buffer >>>= width;
                    bits -= width;
                    bad |= (size - 1 - id) | id; // negative exactly when id >= size or id < 0
                    out[at + i++] = dictionary[Math.min(id, size - 1)];
                }
                if (bad < 0) {
                    throw new IOException("dictionary id beyond the " + size + " entries in " + c.path());
                }
                in.position(in.position() + groups * width);
            }
        }
    }

    /**
     * Decodes {@code count} values of Parquet's RLE/bit-packing hybrid encoding of the given bit width. A
     * run starts with a ULEB128 header: low bit 0 means {@code header >>> 1} repeats of one value stored in
     * ceil(width/8) little-endian bytes; low bit 1 means {@code header >>> 1} groups of 8 values,
     * bit-packed least significant bit first.
     */
    /** An RLE run's repeated value: {@code byteWidth} bytes, little-endian (the hybrid encoding's layout). */
    private static int runValue(ByteBuffer in, int byteWidth) {
        int value = 0;
        for (int b = 0; b < byteWidth; b++) {
            value |= (in.get() & 0xff) << (8 * b);
        }
        return value;
    }

    static void decodeHybrid(ByteBuffer in, int width, int count, int[] out) {
        int i = 0;
        long mask = (1L << width) - 1;
        int byteWidth = (width + 7) / 8;
        while (i < count) {
            int header = varint(in);
            if ((header & 1) == 0) {
                int value = runValue(in, byteWidth);
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

    private static long varlong(ByteBuffer in) {
        long result = 0;
        int shift = 0;
        while (true) {
            int b = in.get() & 0xff;
            result |= (long) (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                return result;
            }
            shift += 7;
            if (shift > 63) {
                throw new java.nio.BufferUnderflowException();
            }
        }
    }

    private static long zigzag(long n) {
        return (n >>> 1) ^ -(n & 1);
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
