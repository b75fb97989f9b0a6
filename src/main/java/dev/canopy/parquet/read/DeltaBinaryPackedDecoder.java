package dev.canopy.parquet.read;

import dev.canopy.parquet.ParquetException;
import dev.canopy.parquet.format.ParquetFormat.Type;
import dev.canopy.parquet.format.Varints;

import java.nio.ByteBuffer;

/**
 * DELTA_BINARY_PACKED integers: a header (block size, miniblocks per block, value count, first value), then
 * blocks, each a zigzag minimum delta, one bit width per miniblock and the miniblocks' deltas above the
 * minimum, bit-packed. Also the lengths inside the delta byte-array encodings ({@link DeltaByteArrayDecoder}).
 */
final class DeltaBinaryPackedDecoder implements ValueDecoder {
    private final ParquetFile.Column column;
    private final ValueMeaning meaning;

    DeltaBinaryPackedDecoder(ParquetFile.Column column, ValueMeaning meaning) throws ParquetException {
        if (column.type() != Type.INT32 && column.type() != Type.INT64) {
            throw new ParquetException("DELTA_BINARY_PACKED in a " + column.type() + " column " + column.path());
        }
        this.column = column;
        this.meaning = meaning;
    }

    @Override
    public void read(ByteBuffer b, int count, double[] out, int at) throws ParquetException {
        long[] raw = decode(b, count, column.path());
        boolean int32 = column.type() == Type.INT32;
        for (int i = 0; i < count; i++) {
            out[at + i] = meaning.integer(int32 ? (int) raw[i] : raw[i]);
        }
    }

    /** {@code count} integers (INT64, or INT32 in their low 32 bits) from {@code b}, which it passes. */
    static long[] decode(ByteBuffer b, int count, String path) throws ParquetException {
        int blockSize = Varints.readInt(b);
        int miniblocks = Varints.readInt(b);
        int total = Varints.readInt(b);
        long value = Varints.unzigzag(Varints.readLong(b));
        if (miniblocks <= 0 || blockSize <= 0 || blockSize % miniblocks != 0 || (blockSize / miniblocks) % 8 != 0
                || total < count || miniblocks > blockSize) {
            throw new ParquetException("malformed DELTA_BINARY_PACKED header in " + path);
        }
        int perMini = blockSize / miniblocks;
        long[] v = new long[count];
        int i = 0;
        if (count > 0) {
            v[i++] = value;
        }
        int[] widths = new int[Math.min(miniblocks, b.remaining())];
        if (i < count && widths.length < miniblocks) {
            throw new ParquetException("DELTA_BINARY_PACKED block of " + miniblocks + " miniblocks in a short page of " + path);
        }
        while (i < count) {
            long minDelta = Varints.unzigzag(Varints.readLong(b));
            if (b.remaining() < miniblocks) {
                throw new ParquetException("DELTA_BINARY_PACKED block of " + miniblocks + " miniblocks in a short page of " + path);
            }
            for (int m = 0; m < miniblocks; m++) {
                widths[m] = b.get() & 0xff;
                if (widths[m] > 64) {
                    throw new ParquetException("bit width " + widths[m] + " in " + path);
                }
            }
            for (int m = 0; m < miniblocks && i < count; m++) {
                int w = widths[m];
                // a miniblock holds perMini values (a multiple of 8) of w bits: perMini / 8 * w whole bytes
                if ((long) perMini / 8 * w > b.remaining()) {
                    throw new ParquetException("a DELTA_BINARY_PACKED miniblock of " + perMini + " values of " + w
                            + " bits overruns its page in " + path);
                }
                long buffer = 0;
                int bits = 0;
                for (int k = 0; k < perMini; k++) {
                    long d = 0;
                    if (w > 0) {
                        // up to 64 bits per value: gather them in steps when the buffer would overflow
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
}
