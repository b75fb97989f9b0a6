package dev.canopy.parquet.read;

import dev.canopy.parquet.ParquetException;
import dev.canopy.parquet.format.Varints;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Parquet's RLE/bit-packing hybrid encoding of integers of a given bit width (definition levels, dictionary
 * ids, RLE booleans). A run starts with a ULEB128 header: low bit 0 means {@code header >>> 1} repeats of one
 * value stored in ceil(width/8) little-endian bytes; low bit 1 means {@code header >>> 1} groups of 8 values,
 * bit-packed least significant bit first. One bit-unpacking loop ({@link #unpack}) serves every caller: plain
 * integers ({@link #decode}) and dictionary ids looked up as they are decoded ({@link #decodeThrough}).
 *
 * <p>Every run is checked against the bytes left before it is read, and every dictionary id against the
 * dictionary's size: a damaged page is a {@link ParquetException}.
 */
public final class RleBitPackedHybridDecoder {
    private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    /** Dictionary ids unpacked at a time before they are looked up: small enough to stay in L1. */
    private static final int BLOCK = 512;

    private RleBitPackedHybridDecoder() {
    }

    /** Decodes {@code count} values of bit width {@code width} (at most 32) from {@code in} into {@code out[0..count)}. */
    public static void decode(ByteBuffer in, int width, int count, int[] out) throws ParquetException {
        int i = 0;
        int byteWidth = (width + 7) / 8;
        while (i < count) {
            int header = Varints.readInt(in);
            if ((header & 1) == 0) {
                int value = runValue(in, byteWidth);
                int end = Math.min(count, i + (header >>> 1));
                Arrays.fill(out, i, end, value);
                i = end;
            } else {
                int groups = header >>> 1;
                int start = packedRun(in, groups, width);
                int end = Math.min(count, i + groups * 8);
                unpack(in, start, width, out, i, end);
                i = end;
            }
        }
    }

    /**
     * {@link #decode} of dictionary ids, writing {@code dictionary[id]} to {@code out[at..at+count)}: an RLE run
     * is looked up once, a bit-packed run is unpacked a block at a time into {@code scratch} and looked up from
     * there. Every id is checked against the dictionary's size.
     *
     * @param scratch at least {@link #scratchSize()} ints
     * @param path    the column, for messages
     */
    public static void decodeThrough(ByteBuffer in, int width, int count, double[] dictionary, double[] out, int at,
                                     int[] scratch, String path) throws ParquetException {
        int i = 0;
        int byteWidth = (width + 7) / 8;
        int size = dictionary.length;
        while (i < count) {
            int header = Varints.readInt(in);
            if ((header & 1) == 0) {
                int id = runValue(in, byteWidth);
                if (id < 0 || id >= size) {
                    throw new ParquetException("dictionary id " + id + " of " + size + " in " + path);
                }
                int end = Math.min(count, i + (header >>> 1));
                Arrays.fill(out, at + i, at + end, dictionary[id]);
                i = end;
            } else {
                int groups = header >>> 1;
                int start = packedRun(in, groups, width);
                int end = Math.min(count, i + groups * 8);
                // A bad id is remembered rather than thrown at once, so the lookup loop has no exit to predict.
                int bad = 0;
                int p = start;
                while (i < end) {
                    int n = Math.min(BLOCK, end - i); // a multiple of 8 but for the run's last block
                    unpack(in, p, width, scratch, 0, n);
                    p += n / 8 * width;
                    for (int k = 0; k < n; k++) {
                        int id = scratch[k];
                        bad |= (size - 1 - id) | id; // negative exactly when id >= size or id < 0
                        out[at + i + k] = dictionary[Math.min(id, size - 1)];
                    }
                    i += n;
                }
                if (bad < 0) {
                    throw new ParquetException("dictionary id beyond the " + size + " entries in " + path);
                }
            }
        }
    }

    /** The size {@link #decodeThrough}'s scratch array needs. */
    public static int scratchSize() {
        return BLOCK;
    }

    /**
     * Whether the values start with one RLE run of {@code value} covering all {@code n} of them (a page
     * without nulls, as writers store its definition levels). Only looks; {@code in}'s position is unchanged.
     */
    static boolean oneRun(ByteBuffer in, int width, int n, int value) {
        ByteBuffer b = in.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        int header;
        try {
            header = Varints.readInt(b);
        } catch (ParquetException e) {
            return false; // not one run; decoding the levels says what is wrong
        }
        int byteWidth = (width + 7) / 8;
        if ((header & 1) != 0 || (header >>> 1) < n || b.remaining() < byteWidth) {
            return false;
        }
        int v = 0;
        for (int i = 0; i < byteWidth; i++) {
            v |= (b.get() & 0xff) << (8 * i);
        }
        return v == value;
    }

    /** An RLE run's repeated value: {@code byteWidth} bytes, little-endian. */
    private static int runValue(ByteBuffer in, int byteWidth) throws ParquetException {
        if (in.remaining() < byteWidth) {
            throw new ParquetException("an RLE run's value runs past the end of its page");
        }
        int value = 0;
        for (int b = 0; b < byteWidth; b++) {
            value |= (in.get() & 0xff) << (8 * b);
        }
        return value;
    }

    /** Checks that a bit-packed run of {@code groups} groups fits in {@code in}, and moves past it; returns where it starts. */
    private static int packedRun(ByteBuffer in, int groups, int width) throws ParquetException {
        int start = in.position();
        if ((long) groups * width > in.remaining()) {
            throw new ParquetException("a bit-packed run of " + groups + " groups of width " + width
                    + " overruns its page (" + in.remaining() + " bytes left)");
        }
        in.position(start + groups * width);
        return start;
    }

    /**
     * The bit-unpacking loop: values {@code [from, to)} of a bit-packed run that starts at byte {@code p} of
     * {@code in} (at value {@code from}, a multiple of 8 from the run's start being at {@code p}), into
     * {@code out[from..to)}. The caller has checked that the run's bytes are in {@code in}.
     */
    private static void unpack(ByteBuffer in, int p, int width, int[] out, int from, int to) {
        long mask = (1L << width) - 1;
        int i = from;
        if (width <= 8 && in.hasArray()) {
            // A group of 8 values is exactly `width` bytes: one 8-byte little-endian load, then shifts.
            byte[] a = in.array();
            int q = in.arrayOffset() + p;
            long keep = width == 8 ? -1L : (1L << (8 * width)) - 1;
            for (; i + 8 <= to && q + 8 <= a.length; q += width) {
                long word = (long) LONG_LE.get(a, q) & keep;
                for (int k = 0; k < 8; k++) {
                    out[i + k] = (int) ((word >>> (k * width)) & mask);
                }
                i += 8;
            }
            p = q - in.arrayOffset(); // the rest (a short last group, or the array's last bytes) below
        }
        long buffer = 0;
        int bits = 0;
        while (i < to) {
            while (bits < width) {
                buffer |= (long) (in.get(p++) & 0xff) << bits;
                bits += 8;
            }
            out[i++] = (int) (buffer & mask);
            buffer >>>= width;
            bits -= width;
        }
    }
}
