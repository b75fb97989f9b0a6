package dev.canopy.parquet.write;

import dev.canopy.parquet.format.Varints;
import dev.canopy.parquet.write.ParquetWriterLite.Field;
import dev.canopy.parquet.write.ParquetWriterLite.Kind;
import dev.canopy.parquet.write.ParquetWriterLite.Values;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The uncompressed bodies of the pages {@link ParquetWriterLite} writes: v1 data pages of PLAIN values or of
 * dictionary ids (one bit-packed run of the RLE/bit-packing hybrid), their RLE definition levels, and the
 * PLAIN dictionary page, with the choice of whether a column is dictionary-encoded at all. The writer
 * compresses them, frames them with page headers and records them in the footer.
 */
final class PageEncoding {
    private PageEncoding() {
    }

    /**
     * The distinct values of an integer or string column in first-seen order, when there are few enough for
     * dictionary encoding to pay (as pyarrow and parquet-java do by default); otherwise null.
     */
    static List<Object> dictionary(Field field, Values v, int n) {
        if (field.kind() != Kind.INT8 && field.kind() != Kind.INT32 && field.kind() != Kind.STRING) {
            return null;
        }
        java.util.LinkedHashSet<Object> distinct = new java.util.LinkedHashSet<>();
        for (int i = 0; i < n; i++) {
            if (!v.isNull(i)) {
                distinct.add(field.kind() == Kind.STRING ? ((String[]) v.array())[i] : (Object) ((int[]) v.array())[i]);
                if (distinct.size() > MAX_DICTIONARY) {
                    return null;
                }
            }
        }
        return distinct.isEmpty() ? null : new ArrayList<>(distinct);
    }

    /** Dictionary encoding pays only for columns with few distinct values. */
    private static final int MAX_DICTIONARY = 1024;

    /** The dictionary page: its entries, PLAIN. */
    static byte[] plainDictionary(Field field, List<Object> dictionary) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer four = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
        for (Object o : dictionary) {
            if (o instanceof String str) {
                byte[] bytes = str.getBytes(StandardCharsets.UTF_8);
                out.writeBytes(four.putInt(0, bytes.length).array());
                out.writeBytes(bytes);
            } else {
                out.writeBytes(four.putInt(0, (Integer) o).array());
            }
        }
        return out.toByteArray();
    }

    /**
     * A v1 data page of dictionary ids: definition levels (optional fields), the ids' bit width in one byte,
     * then the ids of the non-null values as one bit-packed run of the RLE/bit-packing hybrid (groups of 8,
     * least significant bit first, the last group padded with zeros).
     */
    static byte[] dictionaryPage(Field field, Values v, int from, int to, List<Object> dictionary) {
        java.util.Map<Object, Integer> id = new java.util.HashMap<>();
        for (Object o : dictionary) {
            id.put(o, id.size());
        }
        ByteArrayOutputStream page = new ByteArrayOutputStream(to - from + 64);
        writeLevels(page, field, v, from, to);
        int width = Math.max(1, 32 - Integer.numberOfLeadingZeros(dictionary.size() - 1));
        int[] ids = new int[to - from];
        int present = 0;
        for (int i = from; i < to; i++) {
            if (v.isNull(i)) {
                if (!field.optional()) {
                    throw new IllegalArgumentException("null in required column " + field.name() + ", row " + i);
                }
                continue;
            }
            ids[present++] = id.get(field.kind() == Kind.STRING ? ((String[]) v.array())[i] : (Object) ((int[]) v.array())[i]);
        }
        page.write(width);
        int groups = (present + 7) / 8;
        Varints.write(page, ((long) groups << 1) | 1);
        long buffer = 0;
        int bits = 0;
        for (int i = 0; i < groups * 8; i++) {
            buffer |= (long) (i < present ? ids[i] : 0) << bits;
            bits += width;
            while (bits >= 8) {
                page.write((int) (buffer & 0xff));
                buffer >>>= 8;
                bits -= 8;
            }
        }
        return page.toByteArray();
    }

    /** An uncompressed v1 data page: definition levels (optional fields), then the non-null values, PLAIN. */
    static byte[] page(Field field, Values v, int from, int to) {
        ByteArrayOutputStream page = new ByteArrayOutputStream((to - from) * 8 + 64);
        writeLevels(page, field, v, from, to);
        ByteBuffer buf = ByteBuffer.allocate(field.kind() == Kind.STRING ? 0 : (to - from) * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = from; i < to; i++) {
            if (v.isNull(i)) {
                if (!field.optional()) {
                    throw new IllegalArgumentException("null in required column " + field.name() + ", row " + i);
                }
                continue;
            }
            switch (field.kind()) {
                case DOUBLE -> buf.putDouble(((double[]) v.array())[i]);
                case FLOAT -> buf.putFloat(((float[]) v.array())[i]);
                case INT32, INT8 -> buf.putInt(((int[]) v.array())[i]);
                case INT64, TIMESTAMP_MICROS -> buf.putLong(((long[]) v.array())[i]);
                case STRING -> {
                    byte[] s = ((String[]) v.array())[i].getBytes(StandardCharsets.UTF_8);
                    page.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(s.length).array());
                    page.writeBytes(s);
                }
            }
        }
        page.write(buf.array(), 0, buf.position());
        return page.toByteArray();
    }

    /** A v1 page's definition levels, for optional fields: their length (4 bytes, little-endian), then the levels. */
    private static void writeLevels(ByteArrayOutputStream page, Field field, Values v, int from, int to) {
        if (field.optional()) {
            byte[] levels = definitionLevels(v, from, to);
            page.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(levels.length).array());
            page.writeBytes(levels);
        }
    }

    /**
     * Definition levels (bit width 1) in the RLE/bit-packing hybrid, as RLE runs only: a ULEB128 header
     * {@code run << 1}, then the level in one byte.
     */
    private static byte[] definitionLevels(Values v, int from, int to) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int i = from;
        while (i < to) {
            int level = v.isNull(i) ? 0 : 1;
            int j = i + 1;
            while (j < to && (v.isNull(j) ? 0 : 1) == level) {
                j++;
            }
            Varints.write(out, (long) (j - i) << 1);
            out.write(level);
            i = j;
        }
        return out.toByteArray();
    }
}
