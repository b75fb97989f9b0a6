package dev.canopy.parquet.write;

import dev.canopy.parquet.format.ParquetFormat;
import dev.canopy.parquet.codec.PureJavaCodecs;
import dev.canopy.parquet.read.ParquetFile;

import dev.canopy.parquet.format.ParquetFormat.Encoding;
import dev.canopy.parquet.format.ParquetFormat.Type;

import org.apache.parquet.format.ColumnChunk;
import org.apache.parquet.format.ColumnMetaData;
import org.apache.parquet.format.CompressionCodec;
import org.apache.parquet.format.ConvertedType;
import org.apache.parquet.format.DataPageHeader;
import org.apache.parquet.format.DictionaryPageHeader;
import org.apache.parquet.format.FieldRepetitionType;
import org.apache.parquet.format.FileMetaData;
import org.apache.parquet.format.IntType;
import org.apache.parquet.format.KeyValue;
import org.apache.parquet.format.LogicalType;
import org.apache.parquet.format.MicroSeconds;
import org.apache.parquet.format.PageHeader;
import org.apache.parquet.format.PageType;
import org.apache.parquet.format.RowGroup;
import org.apache.parquet.format.SchemaElement;
import org.apache.parquet.format.StringType;
import org.apache.parquet.format.TimeUnit;
import org.apache.parquet.format.TimestampType;
import org.apache.parquet.format.Util;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes flat Parquet files straight in the format: data pages (v1, RLE definition levels) of at most
 * {@link #PAGE_ROWS} rows, their values PLAIN or, for integer and string columns with at most 1,024 distinct values, ids into a
 * dictionary page (RLE_DICTIONARY, as pyarrow writes such columns), SNAPPY-compressed by
 * {@link PureJavaCodecs}, with the footer and page headers in Thrift's compact protocol
 * (parquet-format's generated classes), and the writer's key-value metadata. A column may also be copied
 * from another file chunk by chunk, its pages as they are ({@link Field#copyOf}, {@link Values#copyOf}): its
 * types, encodings and nulls stay exactly the source's, nothing is decoded. It covers what Canopy writes (predictions, generated taxi shards) without
 * parquet-hadoop's writer and the Hadoop classes it needs; pyarrow and parquet-java read its files
 * ({@code ParquetWriterLiteTest} checks the latter).
 */
public final class ParquetWriterLite {
    /**
     * One column: its name and physical type, an optional logical type, and whether it may hold nulls; or, with
     * {@code source} set (and {@code kind} null), a column copied from another file, declared as its schema
     * element there.
     */
    public record Field(String name, Kind kind, boolean optional, SchemaElement source) {
        public Field(String name, Kind kind, boolean optional) {
            this(name, kind, optional, null);
        }

        /** A column whose chunks are copied from another file ({@link Values#copyOf}), declared as there. */
        public static Field copyOf(SchemaElement source) {
            if (source.getNum_children() > 0 || !source.isSetType()) {
                throw new IllegalArgumentException("only a leaf column can be copied: " + source.getName());
            }
            return new Field(source.getName(), null, source.getRepetition_type() != FieldRepetitionType.REQUIRED,
                    source.deepCopy());
        }
    }

    /** The most rows one data page holds: pages of a few MB, which every reader takes. */
    public static final int PAGE_ROWS = 1 << 17;

    /** The physical and logical types Canopy writes. */
    public enum Kind {
        DOUBLE(Type.DOUBLE), FLOAT(Type.FLOAT), INT32(Type.INT32), INT8(Type.INT32), INT64(Type.INT64),
        TIMESTAMP_MICROS(Type.INT64), STRING(Type.BYTE_ARRAY);

        final Type physical;

        Kind(Type physical) {
            this.physical = physical;
        }
    }

    /**
     * One column's values in a row group: an array of the field's Java type ({@code double[]},
     * {@code float[]}, {@code int[]}, {@code long[]} or {@code String[]}), with nulls marked in
     * {@code nulls} (or null for none; strings may also be null themselves).
     */
    public record Values(Object array, boolean[] nulls) {
        /** A row group's chunk of a copied column ({@link Field#copyOf}), as read from its file. */
        public static Values copyOf(ParquetFile.Chunk chunk) {
            return new Values(chunk, null);
        }

        boolean isNull(int i) {
            return (nulls != null && nulls[i]) || (array instanceof String[] s && s[i] == null);
        }
    }

    private ParquetWriterLite() {
    }

    /**
     * @param rowGroups per row group, one {@link Values} per field, each holding that row group's rows
     * @param rows      rows of each row group
     */
    public static void write(OutputStream out, List<Field> fields, List<List<Values>> rowGroups, List<Integer> rows)
            throws IOException {
        write(out, fields, rowGroups, rows, java.util.Map.of());
    }

    /**
     * As {@link #write(OutputStream, List, List, List)}, with the file's key-value metadata (in the map's order).
     * A copied column's chunk must hold exactly its row group's rows.
     */
    public static void write(OutputStream out, List<Field> fields, List<List<Values>> rowGroups, List<Integer> rows,
                             java.util.Map<String, String> keyValues) throws IOException {
        Counting file = new Counting(out);
        file.write(new byte[]{'P', 'A', 'R', '1'});
        List<GroupMeta> groups = new ArrayList<>();
        long totalRows = 0;
        for (int g = 0; g < rowGroups.size(); g++) {
            int n = rows.get(g);
            long groupStart = file.count;
            long uncompressedTotal = 0;
            List<ChunkMeta> chunks = new ArrayList<>();
            for (int f = 0; f < fields.size(); f++) {
                Field field = fields.get(f);
                Values values = rowGroups.get(g).get(f);
                if (field.source() != null) {
                    ParquetFile.Chunk copied = (ParquetFile.Chunk) values.array();
                    if (copied.meta().values() != n) {
                        throw new IllegalArgumentException("column " + field.name() + "'s chunk holds " + copied.meta().values()
                                + " values for a row group of " + n + " rows");
                    }
                    long chunkStart = file.count;
                    byte[] raw = copied.raw();
                    file.write(raw);
                    uncompressedTotal += copied.meta().source().getTotal_uncompressed_size();
                    chunks.add(new ChunkMeta(field, null, n, 0, raw.length, chunkStart, 0, -1, copied));
                    continue;
                }
                List<Object> dictionary = PageEncoding.dictionary(field, values, n);
                long chunkStart = file.count;
                long uncompressed = 0;
                long dictionaryOffset = -1;
                if (dictionary != null) {
                    byte[] plain = PageEncoding.plainDictionary(field, dictionary);
                    byte[] compressed = snappy(plain);
                    dictionaryOffset = file.count;
                    uncompressed += writePage(file, pageHeader(ParquetFormat.DICTIONARY_PAGE, plain.length,
                            compressed.length, 7, dictionary.size(), Encoding.PLAIN), compressed) + plain.length;
                }
                long pageOffset = file.count;
                // several pages for a large row group: a page is decoded whole, and readers bound its size
                for (int from = 0; from < n || from == 0; from += PAGE_ROWS) {
                    int to = Math.min(n, from + PAGE_ROWS);
                    byte[] page = dictionary != null ? PageEncoding.dictionaryPage(field, values, from, to, dictionary)
                            : PageEncoding.page(field, values, from, to);
                    byte[] compressed = snappy(page);
                    uncompressed += writePage(file, pageHeader(ParquetFormat.DATA_PAGE, page.length, compressed.length, 5,
                            to - from, dictionary != null ? Encoding.RLE_DICTIONARY : Encoding.PLAIN), compressed) + page.length;
                    if (n == 0) {
                        break;
                    }
                }
                uncompressedTotal += uncompressed;
                List<Encoding> encodings = new ArrayList<>(List.of(Encoding.PLAIN));
                if (field.optional() || dictionary != null) {
                    encodings.add(Encoding.RLE);
                }
                if (dictionary != null) {
                    encodings.add(Encoding.RLE_DICTIONARY);
                }
                chunks.add(new ChunkMeta(field, encodings, n, uncompressed, file.count - chunkStart, chunkStart, pageOffset,
                        dictionaryOffset, null));
            }
            groups.add(new GroupMeta(chunks, uncompressedTotal, n, groupStart, file.count - groupStart));
            totalRows += n;
        }
        long footerStart = file.count;
        file.write(footer(fields, groups, totalRows, keyValues));
        int footerLength = (int) (file.count - footerStart);
        file.write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(footerLength).array());
        file.write(new byte[]{'P', 'A', 'R', '1'});
        file.flush();
    }

    /** Writes a page header and its (compressed) body; returns the header's size. */
    private static long writePage(Counting file, byte[] header, byte[] body) throws IOException {
        file.write(header);
        file.write(body);
        return header.length;
    }

    /** A written chunk's place and sizes; for a copied one, {@code copied} is its source (whose metadata it keeps). */
    private record ChunkMeta(Field field, List<Encoding> encodings, long values, long uncompressed, long compressed,
                             long start, long dataOffset, long dictionaryOffset, ParquetFile.Chunk copied) {
    }

    private record GroupMeta(List<ChunkMeta> chunks, long uncompressed, long rows, long start, long compressed) {
    }

    /**
     * A PageHeader: type, sizes, then at {@code headerField} (5 for a data page, 7 for a dictionary page) its
     * own header: the value count and encoding, and for a data page RLE definition and repetition levels.
     */
    private static byte[] pageHeader(int type, int uncompressed, int compressed, int headerField, int values,
                                     Encoding encoding) throws IOException {
        PageHeader h = new PageHeader(PageType.findByValue(type), uncompressed, compressed);
        org.apache.parquet.format.Encoding e = org.apache.parquet.format.Encoding.findByValue(encoding.value);
        if (headerField == 5) {
            h.setData_page_header(new DataPageHeader(values, e, org.apache.parquet.format.Encoding.RLE,
                    org.apache.parquet.format.Encoding.RLE));
        } else {
            h.setDictionary_page_header(new DictionaryPageHeader(values, e));
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Util.writePageHeader(h, out);
        return out.toByteArray();
    }

    /** FileMetaData: version 1, the schema, the row count, the row groups and who wrote the file. */
    private static byte[] footer(List<Field> fields, List<GroupMeta> groups, long rows, java.util.Map<String, String> keyValues)
            throws IOException {
        List<SchemaElement> schema = new ArrayList<>();
        schema.add(new SchemaElement("schema").setNum_children(fields.size()));
        for (Field f : fields) {
            if (f.source() != null) {
                schema.add(f.source().deepCopy());
                continue;
            }
            SchemaElement e = new SchemaElement(f.name())
                    .setType(org.apache.parquet.format.Type.findByValue(f.kind().physical.ordinal()))
                    .setRepetition_type(f.optional() ? FieldRepetitionType.OPTIONAL : FieldRepetitionType.REQUIRED);
            switch (f.kind()) {
                case STRING -> e.setConverted_type(ConvertedType.UTF8).setLogicalType(LogicalType.STRING(new StringType()));
                case INT8 -> e.setConverted_type(ConvertedType.INT_8)
                        .setLogicalType(LogicalType.INTEGER(new IntType((byte) 8, true)));
                // not adjusted to UTC, as pandas writes naive timestamps; no legacy converted type exists for it
                case TIMESTAMP_MICROS -> e.setLogicalType(LogicalType.TIMESTAMP(
                        new TimestampType(false, TimeUnit.MICROS(new MicroSeconds()))));
                default -> {
                }
            }
            schema.add(e);
        }
        List<RowGroup> rowGroups = new ArrayList<>();
        for (GroupMeta g : groups) {
            List<ColumnChunk> chunks = new ArrayList<>();
            for (ChunkMeta c : g.chunks()) {
                if (c.copied() != null) {
                    chunks.add(copiedChunk(c));
                    continue;
                }
                List<org.apache.parquet.format.Encoding> encodings = new ArrayList<>();
                for (Encoding e : c.encodings()) {
                    encodings.add(org.apache.parquet.format.Encoding.findByValue(e.value));
                }
                ColumnMetaData m = new ColumnMetaData(org.apache.parquet.format.Type.findByValue(
                        c.field().kind().physical.ordinal()), encodings, List.of(c.field().name()), CompressionCodec.SNAPPY,
                        c.values(), c.uncompressed(), c.compressed(), c.dataOffset());
                if (c.dictionaryOffset() >= 0) {
                    m.setDictionary_page_offset(c.dictionaryOffset());
                }
                chunks.add(new ColumnChunk(c.start()).setMeta_data(m));
            }
            rowGroups.add(new RowGroup(chunks, g.uncompressed(), g.rows()).setFile_offset(g.start())
                    .setTotal_compressed_size(g.compressed()));
        }
        FileMetaData meta = new FileMetaData(1, schema, rows, rowGroups).setCreated_by("canopy (ParquetWriterLite)");
        for (java.util.Map.Entry<String, String> kv : keyValues.entrySet()) {
            meta.addToKey_value_metadata(new KeyValue(kv.getKey()).setValue(kv.getValue()));
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Util.writeFileMetaData(meta, out);
        return out.toByteArray();
    }

    /**
     * A copied chunk's footer entry: its source's metadata (codec, encodings, statistics) with the page offsets
     * moved to where the chunk now lies. Page headers hold no file offsets, so the pages need no change; the
     * source's page indexes and bloom filter are not copied, and their offsets are dropped.
     */
    private static ColumnChunk copiedChunk(ChunkMeta c) {
        ParquetFile.Chunk source = c.copied();
        ColumnMetaData m = source.meta().source().deepCopy();
        long shift = c.start() - source.fileStart();
        m.setData_page_offset(m.getData_page_offset() + shift);
        if (source.meta().dictionaryOffset() >= source.fileStart()) {
            m.setDictionary_page_offset(m.getDictionary_page_offset() + shift);
        } else {
            m.unsetDictionary_page_offset(); // absent, or 0 as old parquet-cpp wrote for none
        }
        m.unsetIndex_page_offset();
        m.unsetBloom_filter_offset();
        m.unsetBloom_filter_length();
        m.setTotal_compressed_size(c.compressed());
        return new ColumnChunk(c.start()).setMeta_data(m);
    }

    private static byte[] snappy(byte[] page) throws IOException {
        return PureJavaCodecs.INSTANCE.snappy(page);
    }

    /** Counts the bytes written, for the offsets the footer records. */
    private static final class Counting extends OutputStream {
        private final OutputStream out;
        long count;

        Counting(OutputStream out) {
            this.out = out;
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count += len;
        }

        @Override
        public void flush() throws IOException {
            out.flush();
        }
    }
}
