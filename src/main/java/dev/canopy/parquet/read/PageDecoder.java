package dev.canopy.parquet.read;

import dev.canopy.parquet.format.ParquetFormat;
import dev.canopy.parquet.ParquetException;

import dev.canopy.parquet.format.ParquetFormat.Encoding;
import dev.canopy.parquet.format.ParquetFormat.Type;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.ToDoubleFunction;

/**
 * Decodes a flat numeric column chunk page by page, in bulk, straight from the page bytes: definition
 * levels and dictionary ids with a whole-run RLE/bit-packing decoder, each dictionary entry converted to a
 * double once, and the other encodings writers use for numbers (PLAIN, DELTA_BINARY_PACKED,
 * BYTE_STREAM_SPLIT, RLE or bit-packed booleans). This is the hot loop of batch prediction, and it is all of
 * Canopy's Parquet decoding: no parquet-column reader is involved. A text (BYTE_ARRAY) column's PLAIN or
 * dictionary-encoded values can be read as UTF-8 strings that a caller's function maps to doubles
 * ({@link Cursor#Cursor(ParquetFile.Chunk, long, ToDoubleFunction)}).
 *
 * <p>Not thread-safe: one decoder per scan.
 */
public final class PageDecoder {
    private static final java.lang.invoke.VarHandle LONG_LE =
            java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private int[] levels = new int[0];
    private int[] ids = new int[0];

    /**
     * A column chunk read in batches of the caller's size: pages are decompressed and decoded one at a time,
     * straight into the caller's array when the whole page fits there, else into a page buffer handed out
     * in pieces. Nulls become NaN.
     */
    public final class Cursor {
        private final ParquetFile.Chunk chunk;
        private final ParquetFile.Column column;
        private final long rows;
        private final double[] dictionary;
        private final ToDoubleFunction<String> text;
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
            this.dictionary = dictionary(chunk, column, text);
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
                        decode(p, column, dictionary, text, out, at); // the usual case: no copy
                        at += n;
                        continue;
                    }
                    if (buffer.length < n) {
                        buffer = new double[n];
                    }
                    decode(p, column, dictionary, text, buffer, 0);
                    have = n;
                    used = 0;
                }
                int k = Math.min(count - at, have - used);
                System.arraycopy(buffer, used, out, at, k);
                used += k;
                at += k;
            }
        }
    }

    /** The chunk's dictionary, each entry converted to a double once; null without one. */
    private static double[] dictionary(ParquetFile.Chunk chunk, ParquetFile.Column c, ToDoubleFunction<String> text)
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
        return text != null ? text(le(d.data()), d.size(), text, c) : plain(le(d.data()), c, d.size());
    }

    /** Decodes one page into {@code out[at..at + page.valueCount())}. */
    private void decode(ParquetFile.Page page, ParquetFile.Column c, double[] dictionary, ToDoubleFunction<String> text,
                        double[] out, int at) throws IOException {
        Type type = c.type();
        int maxDef = c.maxDefinition();
        int levelWidth = 32 - Integer.numberOfLeadingZeros(maxDef);
        {
            int n = page.valueCount();
            ByteBuffer values;
            ByteBuffer levelBytes = null;
            if (!page.v2()) {
                ByteBuffer all = le(page.data());
                if (maxDef > 0) {
                    if (page.definitionEncoding() != Encoding.RLE) {
                        throw new ParquetException("definition levels encoded as " + page.definitionEncoding() + " in " + c.path());
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
                    throw new ParquetException("dictionary-encoded page without a dictionary in " + c.path());
                }
                if (defined == null && present > 0) {
                    // no nulls: ids go straight through the dictionary into the output, in one pass
                    int width = values.get() & 0xff;
                    if (width > 32) {
                        throw new ParquetException("dictionary id width " + width + " in " + c.path());
                    }
                    decodeThrough(values, width, n, dictionary, out, at, c);
                    return;
                }
                int[] id = ids(present);
                if (present > 0) {
                    int width = values.get() & 0xff;
                    decodeHybrid(values, width, present, id);
                    for (int i = 0; i < present; i++) {
                        if (id[i] < 0 || id[i] >= dictionary.length) {
                            throw new ParquetException("dictionary id " + id[i] + " of " + dictionary.length + " in " + c.path());
                        }
                    }
                }
                spread(dictionary, id, defined, out, at, n);
            } else if (text != null) {
                if (encoding != Encoding.PLAIN) {
                    throw new ParquetException("text column " + c.path() + " encoded as " + encoding
                            + "; PLAIN and dictionary encodings are supported");
                }
                spread(text(values, present, text, c), null, defined, out, at, n);
            } else if (encoding == Encoding.PLAIN && defined == null && type != Type.BOOLEAN) {
                plain(values, c, n, out, at); // no nulls to place: decode straight into the output
            } else {
                spread(values(values, encoding, present, c), null, defined, out, at, n);
            }
        }
    }

    /** {@code count} PLAIN byte arrays (a 4-byte length, then the bytes), as UTF-8 text through {@code coder}. */
    private static double[] text(ByteBuffer b, int count, ToDoubleFunction<String> coder, ParquetFile.Column c)
            throws IOException {
        double[] v = new double[count];
        for (int i = 0; i < count; i++) {
            int len = checkedLength(b.getInt() & 0xffffffffL, b, c);
            v[i] = coder.applyAsDouble(new String(b.array(), b.arrayOffset() + b.position(), len, StandardCharsets.UTF_8));
            b.position(b.position() + len);
        }
        return v;
    }

    private static ByteBuffer le(byte[] b) {
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** {@code count} present values in a non-dictionary encoding, as doubles. */
    private static double[] values(ByteBuffer b, Encoding encoding, int count, ParquetFile.Column c)
            throws IOException {
        Type type = c.type();
        return switch (encoding) {
            case PLAIN -> plain(b, c, count);
            case DELTA_BINARY_PACKED -> {
                if (type != Type.INT32 && type != Type.INT64) {
                    throw new ParquetException("DELTA_BINARY_PACKED in a " + type + " column " + c.path());
                }
                long[] raw = delta(b, count, c);
                Meaning m = Meaning.of(c);
                double[] v = new double[count];
                for (int i = 0; i < count; i++) {
                    v[i] = m.integer(type == Type.INT32 ? (int) raw[i] : raw[i]);
                }
                yield v;
            }
            case BYTE_STREAM_SPLIT -> byteStreamSplit(b, count, c);
            case DELTA_LENGTH_BYTE_ARRAY, DELTA_BYTE_ARRAY -> binaries(b, encoding, count, c);
            case RLE -> {
                if (type != Type.BOOLEAN) {
                    throw new ParquetException("RLE values in non-boolean column " + c.path());
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
            default -> throw new ParquetException("unsupported encoding " + encoding + " in " + c.path());
        };
    }

    /**
     * How a column's stored values become doubles: integers signed or unsigned, decimals' unscaled values
     * divided by 10^scale, INT96 timestamps as microseconds since the epoch, float16 widened. Computed once
     * per page, so the loops below test a field, not the schema.
     */
    record Meaning(boolean unsigned, int scale, double divisor, boolean float16, int width) {
        private static final double[] POWERS = new double[23]; // 10^0..10^22, each exact in a double

        static {
            double p = 1;
            for (int i = 0; i < POWERS.length; i++) {
                POWERS[i] = p;
                p *= 10;
            }
        }

        static Meaning of(ParquetFile.Column c) {
            ParquetFormat.Logical l = c.logical();
            ParquetFormat.Kind k = l == null ? null : l.kind();
            boolean unsigned = k == ParquetFormat.Kind.INTEGER && !l.signed();
            int scale = k == ParquetFormat.Kind.DECIMAL ? l.scale() : 0;
            double divisor = scale >= 0 && scale < POWERS.length ? POWERS[scale] : Double.NaN;
            return new Meaning(unsigned, scale, divisor, k == ParquetFormat.Kind.FLOAT16, c.type() == Type.INT32 ? 32 : 64);
        }

        boolean plainInteger() {
            return !unsigned && scale == 0;
        }

        /** An INT32 (sign-extended) or INT64 value. */
        double integer(long v) {
            if (unsigned) {
                if (width == 32) {
                    return v & 0xffffffffL;
                }
                // unsigned 64-bit: halve keeping the lowest bit sticky, so the one rounding is correct, then double
                return v >= 0 ? v : (double) ((v >>> 1) | (v & 1)) * 2.0;
            }
            return scale == 0 ? v : decimal(v);
        }

        /**
         * An unscaled decimal: {@code v / 10^scale} is one correctly rounded division while both are exact in a
         * double (|v| < 2^53, scale <= 22), which is the decimal's nearest double; beyond that BigDecimal rounds.
         */
        double decimal(long v) {
            if (Math.abs(v) < (1L << 53) && !Double.isNaN(divisor)) {
                return v / divisor;
            }
            return java.math.BigDecimal.valueOf(v, scale).doubleValue();
        }

        /** A decimal or float16 stored as bytes: a big-endian two's complement unscaled value, or a little-endian half float. */
        double bytes(ByteBuffer b, int at, int length) throws IOException {
            if (float16) {
                return Float.float16ToFloat((short) ((b.get(at) & 0xff) | (b.get(at + 1) << 8)));
            }
            if (length == 0) {
                throw new ParquetException("a decimal of 0 bytes");
            }
            if (length <= 8) {
                long v = b.get(at); // sign-extends the first byte
                for (int i = 1; i < length; i++) {
                    v = (v << 8) | (b.get(at + i) & 0xff);
                }
                return decimal(v);
            }
            byte[] big = new byte[length];
            b.get(at, big);
            return new java.math.BigDecimal(new java.math.BigInteger(big), scale).doubleValue();
        }
    }

    /** INT96 (Impala's and Spark's timestamps): nanoseconds of the day, then the Julian day, both little-endian. */
    private static double int96(ByteBuffer b) {
        long nanos = b.getLong();
        long julianDay = b.getInt() & 0xffffffffL;
        return (julianDay - JULIAN_EPOCH_DAY) * MICROS_PER_DAY + Math.floorDiv(nanos, 1000L);
    }

    private static final long JULIAN_EPOCH_DAY = 2_440_588L; // 1970-01-01
    private static final long MICROS_PER_DAY = 86_400_000_000L;

    /** DELTA_LENGTH_BYTE_ARRAY and DELTA_BYTE_ARRAY: binary decimals from their lengths (and shared prefixes). */
    private static double[] binaries(ByteBuffer b, Encoding encoding, int count, ParquetFile.Column c) throws IOException {
        if (c.type() != Type.BYTE_ARRAY && c.type() != Type.FIXED_LEN_BYTE_ARRAY) {
            throw new ParquetException(encoding + " in a " + c.type() + " column " + c.path());
        }
        Meaning m = Meaning.of(c);
        double[] v = new double[count];
        if (encoding == Encoding.DELTA_LENGTH_BYTE_ARRAY) {
            long[] lengths = delta(b, count, c);
            for (int i = 0; i < count; i++) {
                int len = checkedLength(lengths[i], b, c);
                v[i] = m.bytes(b, b.position(), len);
                b.position(b.position() + len);
            }
            return v;
        }
        long[] prefixes = delta(b, count, c);
        long[] suffixes = delta(b, count, c);
        byte[] previous = new byte[0];
        for (int i = 0; i < count; i++) {
            int suffix = checkedLength(suffixes[i], b, c);
            if (prefixes[i] < 0 || prefixes[i] > previous.length) {
                throw new ParquetException("DELTA_BYTE_ARRAY prefix of " + prefixes[i] + " bytes after a value of "
                        + previous.length + " in " + c.path());
            }
            int prefix = (int) prefixes[i];
            byte[] value = Arrays.copyOf(previous, prefix + suffix);
            b.get(value, prefix, suffix);
            v[i] = m.bytes(ByteBuffer.wrap(value), 0, value.length);
            previous = value;
        }
        return v;
    }

    private static int checkedLength(long length, ByteBuffer b, ParquetFile.Column c) throws IOException {
        if (length < 0 || length > b.remaining()) {
            throw new ParquetException("a value of " + length + " bytes in a page with " + b.remaining() + " left in " + c.path());
        }
        return (int) length;
    }

    /** DELTA_BINARY_PACKED: a header, then blocks of miniblocks of bit-packed deltas above each block's minimum. */
    private static long[] delta(ByteBuffer b, int count, ParquetFile.Column c) throws IOException {
        int blockSize = varint(b);
        int miniblocks = varint(b);
        int total = varint(b);
        long value = zigzag(varlong(b));
        if (miniblocks <= 0 || blockSize <= 0 || blockSize % miniblocks != 0 || (blockSize / miniblocks) % 8 != 0
                || total < count || miniblocks > blockSize) {
            throw new ParquetException("malformed DELTA_BINARY_PACKED header in " + c.path());
        }
        int perMini = blockSize / miniblocks;
        long[] v = new long[count];
        int i = 0;
        if (count > 0) {
            v[i++] = value;
        }
        int[] widths = new int[Math.min(miniblocks, b.remaining())];
        if (i < count && widths.length < miniblocks) {
            throw new ParquetException("DELTA_BINARY_PACKED block of " + miniblocks + " miniblocks in a short page of " + c.path());
        }
        while (i < count) {
            long minDelta = zigzag(varlong(b));
            for (int m = 0; m < miniblocks; m++) {
                widths[m] = b.get() & 0xff;
                if (widths[m] > 64) {
                    throw new ParquetException("bit width " + widths[m] + " in " + c.path());
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
                        v[i++] = value;
                    }
                }
            }
        }
        return v;
    }

    /** BYTE_STREAM_SPLIT: byte k of every value, then byte k + 1 of every value, and so on. */
    private static double[] byteStreamSplit(ByteBuffer b, int count, ParquetFile.Column c) throws IOException {
        Type type = c.type();
        int width = switch (type) {
            case FLOAT, INT32 -> 4;
            case DOUBLE, INT64 -> 8;
            case FIXED_LEN_BYTE_ARRAY -> c.typeLength();
            default -> throw new ParquetException("BYTE_STREAM_SPLIT in a " + type + " column " + c.path());
        };
        if ((long) b.remaining() < (long) width * count) {
            throw new ParquetException("BYTE_STREAM_SPLIT page of " + c.path() + " is short");
        }
        int base = b.position();
        byte[] one = new byte[width];
        ByteBuffer value = ByteBuffer.wrap(one).order(ByteOrder.LITTLE_ENDIAN);
        Meaning m = Meaning.of(c);
        double[] v = new double[count];
        for (int i = 0; i < count; i++) {
            for (int k = 0; k < width; k++) {
                one[k] = b.get(base + k * count + i);
            }
            v[i] = switch (type) {
                case FLOAT -> value.getFloat(0);
                case INT32 -> m.integer(value.getInt(0));
                case DOUBLE -> value.getDouble(0);
                case INT64 -> m.integer(value.getLong(0));
                default -> m.bytes(value, 0, width);
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

    private static double[] plain(ByteBuffer b, ParquetFile.Column c, int count) throws IOException {
        double[] v = new double[count];
        if (c.type() == Type.BOOLEAN) {
            if ((long) b.remaining() * 8 < count) {
                throw new ParquetException("a page of " + count + " booleans in " + b.remaining() + " bytes in " + c.path());
            }
            int start = b.position();
            for (int i = 0; i < count; i++) {
                v[i] = (b.get(start + (i >>> 3)) >>> (i & 7)) & 1; // one bit per value, least significant first
            }
            b.position(start + (count + 7) / 8);
            return v;
        }
        plain(b, c, count, v, 0);
        return v;
    }

    /** PLAIN values (not booleans) into {@code out[at..at+count)}; a short page underflows the buffer. */
    private static void plain(ByteBuffer b, ParquetFile.Column c, int count, double[] out, int at) throws IOException {
        switch (c.type()) {
            case INT32 -> {
                Meaning m = Meaning.of(c);
                if (m.plainInteger()) {
                    for (int i = 0; i < count; i++) {
                        out[at + i] = b.getInt();
                    }
                } else {
                    for (int i = 0; i < count; i++) {
                        out[at + i] = m.integer(b.getInt());
                    }
                }
            }
            case INT64 -> {
                Meaning m = Meaning.of(c);
                if (m.plainInteger()) {
                    for (int i = 0; i < count; i++) {
                        out[at + i] = b.getLong();
                    }
                } else {
                    for (int i = 0; i < count; i++) {
                        out[at + i] = m.integer(b.getLong());
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
                    out[at + i] = int96(b);
                }
            }
            case FIXED_LEN_BYTE_ARRAY -> {
                Meaning m = Meaning.of(c);
                int width = c.typeLength();
                if ((long) width * count > b.remaining()) {
                    throw new ParquetException(count + " values of " + width + " bytes in a page with " + b.remaining()
                            + " in " + c.path());
                }
                for (int i = 0; i < count; i++) {
                    out[at + i] = m.bytes(b, b.position(), width);
                    b.position(b.position() + width);
                }
            }
            case BYTE_ARRAY -> {
                Meaning m = Meaning.of(c);
                for (int i = 0; i < count; i++) {
                    int len = checkedLength(b.getInt() & 0xffffffffL, b, c);
                    out[at + i] = m.bytes(b, b.position(), len);
                    b.position(b.position() + len);
                }
            }
            default -> throw new IllegalStateException("not numeric: " + c.type());
        }
    }

    /**
     * {@link #decodeHybrid} of dictionary ids, writing {@code dictionary[id]} to {@code out[at..at+count)}
     * without materialising the ids. Every id is checked against the dictionary's size.
     */
    public static void decodeThrough(ByteBuffer in, int width, int count, double[] dictionary, double[] out, int at,
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
                    throw new ParquetException("dictionary id " + id + " of " + size + " in " + c.path());
                }
                int end = Math.min(count, i + (header >>> 1));
                Arrays.fill(out, at + i, at + end, dictionary[id]);
                i = end;
            } else {
                int groups = header >>> 1;
                int p = in.position();
                if ((long) groups * width > in.remaining()) {
                    throw new ParquetException("bit-packed run of " + groups + " groups overruns the page in " + c.path());
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
                    throw new ParquetException("dictionary id beyond the " + size + " entries in " + c.path());
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

    public static void decodeHybrid(ByteBuffer in, int width, int count, int[] out) {
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
