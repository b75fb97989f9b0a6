package dev.canopy.data;

import dev.canopy.parquet.format.ParquetFormat;

import org.apache.parquet.format.ColumnChunk;
import org.apache.parquet.format.ColumnMetaData;
import org.apache.parquet.format.CompressionCodec;
import org.apache.parquet.format.DataPageHeader;
import org.apache.parquet.format.DictionaryPageHeader;
import org.apache.parquet.format.Encoding;
import org.apache.parquet.format.FieldRepetitionType;
import org.apache.parquet.format.FileMetaData;
import org.apache.parquet.format.KeyValue;
import org.apache.parquet.format.PageHeader;
import org.apache.parquet.format.PageType;
import org.apache.parquet.format.RowGroup;
import org.apache.parquet.format.SchemaElement;
import org.apache.parquet.format.Util;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
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
        body.writeBytes(header(new PageHeader(PageType.DICTIONARY_PAGE, uncompressed, data.length)
                .setDictionary_page_header(new DictionaryPageHeader(entries, Encoding.PLAIN))));
        body.writeBytes(data);
        return this;
    }

    /** A v1 data page of {@code values} values in {@code encoding}, RLE levels. */
    ForgedParquet dataPage(int values, int encoding, int uncompressed, byte[] data) {
        if (dataOffset < 0) {
            dataOffset = body.size();
        }
        body.writeBytes(header(new PageHeader(PageType.DATA_PAGE, uncompressed, data.length).setData_page_header(
                new DataPageHeader(values, Encoding.findByValue(encoding), Encoding.RLE, Encoding.RLE))));
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
        org.apache.parquet.format.Type physical = org.apache.parquet.format.Type.findByValue(type.ordinal());
        List<SchemaElement> schema = List.of(new SchemaElement("schema").setNum_children(1), new SchemaElement("x")
                .setType(physical).setRepetition_type(optional ? FieldRepetitionType.OPTIONAL : FieldRepetitionType.REQUIRED));
        List<RowGroup> groups = new ArrayList<>();
        for (int g = 0; g < rowGroups; g++) {
            ColumnMetaData m = new ColumnMetaData(physical, List.of(Encoding.PLAIN), List.of("x"),
                    CompressionCodec.findByValue(codec), values, size, size, Math.max(dataOffset, 0));
            if (dictionaryOffset >= 0) {
                m.setDictionary_page_offset(dictionaryOffset);
            }
            groups.add(new RowGroup(List.of(new ColumnChunk(chunkStart).setMeta_data(m)), size, rows));
        }
        FileMetaData meta = new FileMetaData(1, schema, rows * rowGroups, groups);
        if (pandasMetadata != null) {
            meta.setKey_value_metadata(List.of(new KeyValue("pandas").setValue(pandasMetadata)));
        }
        ByteArrayOutputStream f = new ByteArrayOutputStream();
        try {
            Util.writeFileMetaData(meta, f);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        byte[] footer = f.toByteArray();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(body.toByteArray());
        out.writeBytes(footer);
        out.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(footer.length).array());
        out.writeBytes(new byte[]{'P', 'A', 'R', '1'});
        return out.toByteArray();
    }

    private static byte[] header(PageHeader h) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            Util.writePageHeader(h, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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
