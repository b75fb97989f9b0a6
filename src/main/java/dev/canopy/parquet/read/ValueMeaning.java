package dev.canopy.parquet.read;

import dev.canopy.parquet.ParquetException;
import dev.canopy.parquet.format.ParquetFormat;
import dev.canopy.parquet.format.ParquetFormat.Type;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;

/**
 * What a column's stored values mean as doubles (its logical type): integers signed or unsigned, decimals'
 * unscaled values divided by 10^scale, INT96 timestamps as microseconds since the epoch, float16 widened.
 * Computed once per column, so that the decoders' loops test a field, not the schema.
 */
record ValueMeaning(boolean unsigned, int scale, double divisor, boolean float16, int width) {
    private static final double[] POWERS = new double[23]; // 10^0..10^22, each exact in a double
    private static final long JULIAN_EPOCH_DAY = 2_440_588L; // 1970-01-01
    private static final long MICROS_PER_DAY = 86_400_000_000L;

    static {
        double p = 1;
        for (int i = 0; i < POWERS.length; i++) {
            POWERS[i] = p;
            p *= 10;
        }
    }

    static ValueMeaning of(ParquetFile.Column c) {
        ParquetFormat.Logical l = c.logical();
        ParquetFormat.Kind k = l == null ? null : l.kind();
        boolean unsigned = k == ParquetFormat.Kind.INTEGER && !l.signed();
        int scale = k == ParquetFormat.Kind.DECIMAL ? l.scale() : 0;
        double divisor = scale >= 0 && scale < POWERS.length ? POWERS[scale] : Double.NaN;
        return new ValueMeaning(unsigned, scale, divisor, k == ParquetFormat.Kind.FLOAT16, c.type() == Type.INT32 ? 32 : 64);
    }

    /** Whether stored integers are their own values: signed, no scale. */
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
        return BigDecimal.valueOf(v, scale).doubleValue();
    }

    /**
     * A decimal or float16 stored as {@code length} bytes at {@code at}: a big-endian two's complement unscaled
     * value, or a little-endian half float. The caller has checked that the bytes are in {@code b}.
     */
    double bytes(ByteBuffer b, int at, int length) throws ParquetException {
        if (float16) {
            if (length != 2) {
                throw new ParquetException("a float16 of " + length + " bytes");
            }
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
        return new BigDecimal(new BigInteger(big), scale).doubleValue();
    }

    /**
     * INT96 (Impala's and Spark's timestamps) at {@code b}'s position, which it passes: nanoseconds of the day,
     * then the Julian day, both little-endian; as microseconds since the epoch.
     */
    static double int96(ByteBuffer b) {
        long nanos = b.getLong();
        long julianDay = b.getInt() & 0xffffffffL;
        return (julianDay - JULIAN_EPOCH_DAY) * MICROS_PER_DAY + Math.floorDiv(nanos, 1000L);
    }
}
