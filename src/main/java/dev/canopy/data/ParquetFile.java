package dev.canopy.data;

import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.page.DataPage;
import org.apache.parquet.column.page.DataPageV1;
import org.apache.parquet.column.page.DataPageV2;
import org.apache.parquet.column.page.DictionaryPage;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.column.page.PageReader;
import org.apache.parquet.column.statistics.Statistics;
import org.apache.parquet.compression.CompressionCodecFactory.BytesInputDecompressor;
import org.apache.parquet.format.ColumnChunk;
import org.apache.parquet.format.ColumnMetaData;
import org.apache.parquet.format.DataPageHeader;
import org.apache.parquet.format.DataPageHeaderV2;
import org.apache.parquet.format.FileMetaData;
import org.apache.parquet.format.PageHeader;
import org.apache.parquet.format.RowGroup;
import org.apache.parquet.format.SchemaElement;
import org.apache.parquet.format.Util;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.SeekableInputStream;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;
import org.apache.parquet.schema.Types;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PrimitiveIterator;

/**
 * A Parquet file read straight from the format: the footer through parquet-format's Thrift structures, the
 * projected column chunks by one ranged read each, and their pages handed to parquet-column's decoders as
 * {@link PageReadStore}s. It replaces parquet-hadoop's {@code ParquetFileReader}, which needs Hadoop's
 * classes (6 MB of the function package) to load and reads through Hadoop's configuration and codec pool.
 * Encrypted files and nested columns are refused by the callers; everything a flat file holds is read.
 */
final class ParquetFile implements AutoCloseable {
    private static final byte[] MAGIC = {'P', 'A', 'R', '1'};
    private static final byte[] ENCRYPTED_MAGIC = {'P', 'A', 'R', 'E'};
    /** A footer larger than this is not a file Canopy should read (real ones are kilobytes). */
    private static final int MAX_FOOTER = 64 << 20;
    /** Bytes read from the end of a file at first: the footers of typical shards are a few kilobytes. */
    private static final int TAIL = 16 << 10;

    private final InputFile file;
    private final SeekableInputStream in;
    private final FileMetaData meta;
    private final MessageType schema;

    private ParquetFile(InputFile file, SeekableInputStream in, FileMetaData meta, MessageType schema) {
        this.file = file;
        this.in = in;
        this.meta = meta;
        this.schema = schema;
    }

    static ParquetFile open(InputFile file) throws IOException {
        long length = file.getLength();
        if (length < 12) {
            throw new IOException(length + " bytes is too small for a Parquet file");
        }
        SeekableInputStream in = file.newStream();
        try {
            // One read for the tail, which holds the whole footer of a typical file: on object storage each
            // read is a request, and reading the length first, then the footer, would cost two.
            int tailLength = (int) Math.min(length, TAIL);
            byte[] tail = new byte[tailLength];
            in.seek(length - tailLength);
            in.readFully(tail);
            if (Arrays.equals(Arrays.copyOfRange(tail, tailLength - 4, tailLength), ENCRYPTED_MAGIC)) {
                throw new IOException("encrypted Parquet files are not supported");
            }
            if (!Arrays.equals(Arrays.copyOfRange(tail, tailLength - 4, tailLength), MAGIC)) {
                throw new IOException("no Parquet magic number at the end of the file");
            }
            int footerLength = ByteBuffer.wrap(tail, tailLength - 8, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
            if (footerLength <= 0 || footerLength > MAX_FOOTER || footerLength > length - 12) {
                throw new IOException("footer length " + footerLength + " does not fit a " + length + "-byte file");
            }
            ByteArrayInputStream footer;
            if (footerLength + 8 <= tailLength) {
                footer = new ByteArrayInputStream(tail, tailLength - 8 - footerLength, footerLength);
            } else {
                byte[] bytes = new byte[footerLength];
                in.seek(length - 8 - footerLength);
                in.readFully(bytes);
                footer = new ByteArrayInputStream(bytes);
            }
            FileMetaData meta = Util.readFileMetaData(footer);
            return new ParquetFile(file, in, meta, schema(meta.getSchema()));
        } catch (IOException | RuntimeException e) {
            in.close();
            throw e;
        }
    }

    MessageType schema() {
        return schema;
    }

    String createdBy() {
        return meta.getCreated_by();
    }

    int rowGroups() {
        return meta.getRow_groups() == null ? 0 : meta.getRow_groups().size();
    }

    long rows(int rowGroup) {
        return meta.getRow_groups().get(rowGroup).getNum_rows();
    }

    /** The encodings a column chunk declares, for choosing a decoder. */
    java.util.Set<Encoding> encodings(int rowGroup, ColumnDescriptor column) {
        java.util.Set<Encoding> out = java.util.EnumSet.noneOf(Encoding.class);
        for (org.apache.parquet.format.Encoding e : chunk(rowGroup, column).getMeta_data().getEncodings()) {
            out.add(encoding(e));
        }
        return out;
    }

    /** Reads the chunks of {@code columns} in one row group: one ranged read per chunk. */
    PageReadStore read(int rowGroup, List<ColumnDescriptor> columns) throws IOException {
        long rows = rows(rowGroup);
        Map<ColumnDescriptor, Pages> pages = new HashMap<>();
        for (ColumnDescriptor c : columns) {
            pages.put(c, pages(chunk(rowGroup, c), c));
        }
        return new PageReadStore() {
            @Override
            public PageReader getPageReader(ColumnDescriptor descriptor) {
                Pages p = pages.get(descriptor);
                if (p == null) {
                    throw new IllegalArgumentException("column " + Arrays.toString(descriptor.getPath()) + " was not read");
                }
                return p;
            }

            @Override
            public long getRowCount() {
                return rows;
            }

            @Override
            public Optional<PrimitiveIterator.OfLong> getRowIndexes() {
                return Optional.empty();
            }
        };
    }

    private ColumnChunk chunk(int rowGroup, ColumnDescriptor column) {
        RowGroup g = meta.getRow_groups().get(rowGroup);
        List<String> path = List.of(column.getPath());
        for (ColumnChunk c : g.getColumns()) {
            if (c.getMeta_data() != null && path.equals(c.getMeta_data().getPath_in_schema())) {
                return c;
            }
        }
        throw new IllegalStateException("row group " + rowGroup + " has no chunk for column " + path);
    }

    private Pages pages(ColumnChunk chunk, ColumnDescriptor column) throws IOException {
        ColumnMetaData cm = chunk.getMeta_data();
        if (chunk.isSetFile_path()) {
            throw new IOException("column chunks in other files are not supported");
        }
        long start = cm.getData_page_offset();
        if (cm.isSetDictionary_page_offset() && cm.getDictionary_page_offset() > 0 && cm.getDictionary_page_offset() < start) {
            start = cm.getDictionary_page_offset();
        }
        long size = cm.getTotal_compressed_size();
        if (start < 4 || size <= 0 || size > Integer.MAX_VALUE - 16 || start + size > file.getLength()) {
            throw new IOException("column chunk at " + start + " of " + size + " bytes lies outside the file");
        }
        byte[] bytes = new byte[(int) size];
        in.seek(start);
        in.readFully(bytes);
        BytesInputDecompressor codec = PureJavaCodecs.INSTANCE.getDecompressor(
                CompressionCodecName.valueOf(cm.getCodec().name()));
        ByteArrayInputStream stream = new ByteArrayInputStream(bytes);
        DictionaryPage dictionary = null;
        Deque<DataPage> data = new ArrayDeque<>();
        long values = 0;
        while (values < cm.getNum_values() && stream.available() > 0) {
            PageHeader h = Util.readPageHeader(stream);
            int compressed = h.getCompressed_page_size();
            if (compressed < 0 || compressed > stream.available()) {
                throw new IOException("a page of " + compressed + " bytes runs past its column chunk");
            }
            byte[] payload = stream.readNBytes(compressed);
            switch (h.getType()) {
                case DICTIONARY_PAGE -> {
                    var d = h.getDictionary_page_header();
                    dictionary = new DictionaryPage(codec.decompress(BytesInput.from(payload), h.getUncompressed_page_size()),
                            d.getNum_values(), encoding(d.getEncoding()));
                }
                case DATA_PAGE -> {
                    DataPageHeader d = h.getData_page_header();
                    data.add(new DataPageV1(codec.decompress(BytesInput.from(payload), h.getUncompressed_page_size()),
                            d.getNum_values(), h.getUncompressed_page_size(), noStatistics(column),
                            encoding(d.getRepetition_level_encoding()), encoding(d.getDefinition_level_encoding()),
                            encoding(d.getEncoding())));
                    values += d.getNum_values();
                }
                case DATA_PAGE_V2 -> {
                    DataPageHeaderV2 d = h.getData_page_header_v2();
                    int rl = d.getRepetition_levels_byte_length();
                    int dl = d.getDefinition_levels_byte_length();
                    if (rl < 0 || dl < 0 || rl + dl > payload.length) {
                        throw new IOException("a v2 page's level lengths exceed the page");
                    }
                    BytesInput body = BytesInput.from(payload, rl + dl, payload.length - rl - dl);
                    int bodySize = h.getUncompressed_page_size() - rl - dl;
                    // levels are never compressed in v2 pages; the values are unless is_compressed is false
                    if (!d.isSetIs_compressed() || d.isIs_compressed()) {
                        body = codec.decompress(body, bodySize);
                    }
                    data.add(DataPageV2.uncompressed(d.getNum_rows(), d.getNum_nulls(), d.getNum_values(),
                            BytesInput.from(payload, 0, rl), BytesInput.from(payload, rl, dl), encoding(d.getEncoding()),
                            body, noStatistics(column)));
                    values += d.getNum_values();
                }
                default -> {
                    // index pages carry nothing a reader needs
                }
            }
        }
        if (values < cm.getNum_values()) {
            throw new IOException("column chunk " + cm.getPath_in_schema() + " holds " + values + " of its "
                    + cm.getNum_values() + " values");
        }
        return new Pages(dictionary, data, values);
    }

    private static Statistics<?> noStatistics(ColumnDescriptor column) {
        return Statistics.createStats(column.getPrimitiveType());
    }

    private static Encoding encoding(org.apache.parquet.format.Encoding e) {
        return Encoding.valueOf(e.name());
    }

    /** One column chunk's pages, handed out once each, in order. */
    private static final class Pages implements PageReader {
        private final DictionaryPage dictionary;
        private final Deque<DataPage> data;
        private final long values;

        Pages(DictionaryPage dictionary, Deque<DataPage> data, long values) {
            this.dictionary = dictionary;
            this.data = data;
            this.values = values;
        }

        @Override
        public DictionaryPage readDictionaryPage() {
            return dictionary;
        }

        @Override
        public long getTotalValueCount() {
            return values;
        }

        @Override
        public DataPage readPage() {
            return data.poll();
        }
    }

    @Override
    public void close() throws IOException {
        in.close();
    }

    // ---- schema ---------------------------------------------------------------------------------

    /** parquet-format's flattened schema (depth first, with child counts) as parquet-column's types. */
    static MessageType schema(List<SchemaElement> elements) throws IOException {
        if (elements == null || elements.isEmpty()) {
            throw new IOException("the footer has no schema");
        }
        int[] next = {1};
        SchemaElement root = elements.getFirst();
        List<Type> fields = new ArrayList<>();
        for (int i = 0; i < root.getNum_children(); i++) {
            fields.add(type(elements, next));
        }
        return new MessageType(root.getName() == null ? "schema" : root.getName(), fields);
    }

    private static Type type(List<SchemaElement> elements, int[] next) throws IOException {
        if (next[0] >= elements.size()) {
            throw new IOException("the footer's schema lists fewer elements than its child counts promise");
        }
        SchemaElement e = elements.get(next[0]++);
        Type.Repetition repetition = e.isSetRepetition_type()
                ? Type.Repetition.valueOf(e.getRepetition_type().name()) : Type.Repetition.REQUIRED;
        LogicalTypeAnnotation annotation = annotation(e);
        if (!e.isSetType()) {
            List<Type> children = new ArrayList<>();
            for (int i = 0; i < e.getNum_children(); i++) {
                children.add(type(elements, next));
            }
            Type[] fields = children.toArray(Type[]::new);
            try {
                return Types.buildGroup(repetition).as(annotation).addFields(fields).named(e.getName());
            } catch (RuntimeException invalidAnnotation) {
                return Types.buildGroup(repetition).addFields(fields).named(e.getName());
            }
        }
        PrimitiveType.PrimitiveTypeName primitive = e.getType() == org.apache.parquet.format.Type.BYTE_ARRAY
                ? PrimitiveType.PrimitiveTypeName.BINARY : PrimitiveType.PrimitiveTypeName.valueOf(e.getType().name());
        Types.PrimitiveBuilder<PrimitiveType> b = Types.primitive(primitive, repetition);
        if (primitive == PrimitiveType.PrimitiveTypeName.FIXED_LEN_BYTE_ARRAY) {
            b = b.length(e.getType_length());
        }
        try {
            return b.as(annotation).named(e.getName());
        } catch (RuntimeException invalidAnnotation) {
            // an annotation this type cannot carry describes the column, it does not change its values
            Types.PrimitiveBuilder<PrimitiveType> plain = Types.primitive(primitive, repetition);
            if (primitive == PrimitiveType.PrimitiveTypeName.FIXED_LEN_BYTE_ARRAY) {
                plain = plain.length(e.getType_length());
            }
            return plain.named(e.getName());
        }
    }

    /** The column's logical type, from the logicalType union or else the legacy converted type. */
    private static LogicalTypeAnnotation annotation(SchemaElement e) {
        if (e.isSetLogicalType()) {
            var t = e.getLogicalType();
            if (t.isSetSTRING()) {
                return LogicalTypeAnnotation.stringType();
            }
            if (t.isSetINTEGER()) {
                return LogicalTypeAnnotation.intType(t.getINTEGER().getBitWidth(), t.getINTEGER().isIsSigned());
            }
            if (t.isSetTIMESTAMP()) {
                var ts = t.getTIMESTAMP();
                return LogicalTypeAnnotation.timestampType(ts.isIsAdjustedToUTC(), ts.getUnit().isSetNANOS()
                        ? LogicalTypeAnnotation.TimeUnit.NANOS : ts.getUnit().isSetMICROS()
                        ? LogicalTypeAnnotation.TimeUnit.MICROS : LogicalTypeAnnotation.TimeUnit.MILLIS);
            }
            if (t.isSetDATE()) {
                return LogicalTypeAnnotation.dateType();
            }
            if (t.isSetDECIMAL()) {
                return LogicalTypeAnnotation.decimalType(t.getDECIMAL().getScale(), t.getDECIMAL().getPrecision());
            }
            if (t.isSetENUM()) {
                return LogicalTypeAnnotation.enumType();
            }
            if (t.isSetJSON()) {
                return LogicalTypeAnnotation.jsonType();
            }
            if (t.isSetLIST()) {
                return LogicalTypeAnnotation.listType();
            }
            if (t.isSetMAP()) {
                return LogicalTypeAnnotation.mapType();
            }
        }
        if (!e.isSetConverted_type()) {
            return null;
        }
        return switch (e.getConverted_type()) {
            case UTF8 -> LogicalTypeAnnotation.stringType();
            case INT_8 -> LogicalTypeAnnotation.intType(8, true);
            case INT_16 -> LogicalTypeAnnotation.intType(16, true);
            case INT_32 -> LogicalTypeAnnotation.intType(32, true);
            case INT_64 -> LogicalTypeAnnotation.intType(64, true);
            case UINT_8 -> LogicalTypeAnnotation.intType(8, false);
            case UINT_16 -> LogicalTypeAnnotation.intType(16, false);
            case UINT_32 -> LogicalTypeAnnotation.intType(32, false);
            case UINT_64 -> LogicalTypeAnnotation.intType(64, false);
            case DATE -> LogicalTypeAnnotation.dateType();
            case TIMESTAMP_MILLIS -> LogicalTypeAnnotation.timestampType(true, LogicalTypeAnnotation.TimeUnit.MILLIS);
            case TIMESTAMP_MICROS -> LogicalTypeAnnotation.timestampType(true, LogicalTypeAnnotation.TimeUnit.MICROS);
            case DECIMAL -> LogicalTypeAnnotation.decimalType(e.getScale(), e.getPrecision());
            case ENUM -> LogicalTypeAnnotation.enumType();
            case JSON -> LogicalTypeAnnotation.jsonType();
            case LIST -> LogicalTypeAnnotation.listType();
            case MAP -> LogicalTypeAnnotation.mapType();
            default -> null;
        };
    }
}
