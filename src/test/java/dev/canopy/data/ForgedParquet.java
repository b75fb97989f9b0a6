package dev.canopy.data;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Parquet files built field by field, so that tests can make them claim what they like: one column
 * {@code x} of a physical type in one row group, pages given as header fields and bytes. Field numbers as
 * in {@code parquet.thrift}.
 */
final class ForgedParquet {
    private final ByteArrayOutputStream body = new ByteArrayOutputStream();
    private long dictionaryOffset = -1;
    private long dataOffset = -1;

    ForgedParquet() {
        body.writeBytes(new byte[]{'P', 'A', 'R', '1'});
    }

    /** A dictionary page of {@code entries} PLAIN values. */
    ForgedParquet dictionaryPage(int entries, int uncompressed, byte[] data) {
        dictionaryOffset = body.size();
        body.writeBytes(new ParquetFormat.Writer().open().i32(1, ParquetFormat.DICTIONARY_PAGE).i32(2, uncompressed)
                .i32(3, data.length).begin(7).i32(1, entries).i32(2, 0).end().end().toByteArray());
        body.writeBytes(data);
        return this;
    }

    /** A v1 data page of {@code values} values in {@code encoding}, RLE levels. */
    ForgedParquet dataPage(int values, int encoding, int uncompressed, byte[] data) {
        if (dataOffset < 0) {
            dataOffset = body.size();
        }
        body.writeBytes(new ParquetFormat.Writer().open().i32(1, ParquetFormat.DATA_PAGE).i32(2, uncompressed)
                .i32(3, data.length).begin(5).i32(1, values).i32(2, encoding).i32(3, 3).i32(4, 3).end().end()
                .toByteArray());
        body.writeBytes(data);
        return this;
    }

    /** Overrides the offsets the footer gives (a negative dictionary offset leaves it out). */
    ForgedParquet offsets(long data, long dictionary) {
        dataOffset = data;
        dictionaryOffset = dictionary;
        return this;
    }

    /**
     * The file: {@code rowGroups} row groups (each over all the pages) of {@code rows} rows, the chunk claiming
     * {@code values} values; {@code type} physical, {@code optional} or required; codec numbered as in the format.
     */
    byte[] file(ParquetFormat.Type type, boolean optional, int codec, int rowGroups, long rows, long values,
                String pandasMetadata) {
        long chunkStart = dictionaryOffset >= 4 ? Math.min(dictionaryOffset, Math.max(dataOffset, 4)) : Math.max(dataOffset, 4);
        long size = body.size() - chunkStart;
        ParquetFormat.Writer w = new ParquetFormat.Writer().open().i32(1, 1);
        w.list(2, ParquetFormat.Reader.STRUCT, 2);
        w.open().string(4, "schema").i32(5, 1).end();
        w.open().i32(1, type.ordinal()).i32(3, optional ? 1 : 0).string(4, "x").end();
        w.i64(3, rows * rowGroups);
        w.list(4, ParquetFormat.Reader.STRUCT, rowGroups);
        for (int g = 0; g < rowGroups; g++) {
            w.open().list(1, ParquetFormat.Reader.STRUCT, 1);
            w.open().i64(2, chunkStart).begin(3).i32(1, type.ordinal()).list(2, ParquetFormat.Reader.I32, 1).element(0)
                    .list(3, ParquetFormat.Reader.BINARY, 1).element("x").i32(4, codec).i64(5, values).i64(6, size)
                    .i64(7, size).i64(9, Math.max(dataOffset, 0));
            if (dictionaryOffset >= 0) {
                w.i64(11, dictionaryOffset);
            }
            w.end().end();
            w.i64(2, size).i64(3, rows).end();
        }
        if (pandasMetadata != null) {
            w.list(5, ParquetFormat.Reader.STRUCT, 1);
            w.open().string(1, "pandas").string(2, pandasMetadata).end();
        }
        byte[] footer = w.end().toByteArray();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(body.toByteArray());
        out.writeBytes(footer);
        out.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(footer.length).array());
        out.writeBytes(new byte[]{'P', 'A', 'R', '1'});
        return out.toByteArray();
    }

    static byte[] doubles(double... values) {
        ByteBuffer b = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (double v : values) {
            b.putDouble(v);
        }
        return b.array();
    }
}
