package dev.canopy.data;

import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.compression.CompressionCodecFactory.BytesInputDecompressor;
import org.apache.parquet.format.ColumnChunk;
import org.apache.parquet.format.ColumnMetaData;
import org.apache.parquet.format.DataPageHeader;
import org.apache.parquet.format.DataPageHeaderV2;
import org.apache.parquet.format.Encoding;
import org.apache.parquet.format.FieldRepetitionType;
import org.apache.parquet.format.FileMetaData;
import org.apache.parquet.format.PageHeader;
import org.apache.parquet.format.RowGroup;
import org.apache.parquet.format.SchemaElement;
import org.apache.parquet.format.Type;
import org.apache.parquet.format.Util;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.SeekableInputStream;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * A Parquet file read straight from the format: the footer and page headers through parquet-format's Thrift
 * structures, the projected column chunks by one ranged read each, their pages decompressed and handed to
 * {@link PageDecoder}. It needs neither parquet-hadoop (and Hadoop) nor parquet-column. Encrypted files are
 * refused; nested and repeated columns are listed, and refused by the callers that score columns.
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
    private final List<Column> columns;

    /**
     * A leaf column: its dotted path, physical type (with its fixed length), the maximum definition and
     * repetition levels the schema gives it, and its logical type as text (for messages), or null.
     */
    record Column(String path, List<String> pathList, Type type, int typeLength, int maxDefinition, int maxRepetition,
                  String logical) {
        boolean numeric() {
            return switch (type) {
                case INT32, INT64, FLOAT, DOUBLE, BOOLEAN -> true;
                default -> false;
            };
        }

        /** The column's type as people name it: the logical type, else the physical one. */
        String describe() {
            return logical != null ? logical : type == Type.BYTE_ARRAY ? "binary" : type.name().toLowerCase(Locale.ROOT);
        }
    }

    /** One data page, decompressed: v1 pages hold their levels in {@code data}, v2 pages apart. */
    record Page(boolean v2, int valueCount, Encoding valueEncoding, Encoding definitionEncoding,
                byte[] definitionLevels, byte[] data) {
    }

    /** A dictionary page, decompressed. */
    record Dictionary(int size, Encoding encoding, byte[] data) {
    }

    /** One column chunk's pages, in order. */
    record Chunk(Dictionary dictionary, List<Page> pages) {
    }

    private ParquetFile(InputFile file, SeekableInputStream in, FileMetaData meta, List<Column> columns) {
        this.file = file;
        this.in = in;
        this.meta = meta;
        this.columns = columns;
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
            return new ParquetFile(file, in, meta, columns(meta.getSchema()));
        } catch (IOException | RuntimeException e) {
            in.close();
            throw e;
        }
    }

    List<Column> columns() {
        return columns;
    }

    int rowGroups() {
        return meta.getRow_groups() == null ? 0 : meta.getRow_groups().size();
    }

    long rows(int rowGroup) {
        return meta.getRow_groups().get(rowGroup).getNum_rows();
    }

    /** Reads one column's chunk in one row group: one ranged read. */
    Chunk read(int rowGroup, Column column) throws IOException {
        return chunk(chunk(rowGroup, column), column);
    }

    private ColumnChunk chunk(int rowGroup, Column column) {
        RowGroup g = meta.getRow_groups().get(rowGroup);
        List<String> path = column.pathList();
        for (ColumnChunk c : g.getColumns()) {
            if (c.getMeta_data() != null && path.equals(c.getMeta_data().getPath_in_schema())) {
                return c;
            }
        }
        throw new IllegalStateException("row group " + rowGroup + " has no chunk for column " + path);
    }

    private Chunk chunk(ColumnChunk chunk, Column column) throws IOException {
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
        Dictionary dictionary = null;
        List<Page> data = new ArrayList<>();
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
                    dictionary = new Dictionary(d.getNum_values(), d.getEncoding(),
                            codec.decompress(BytesInput.from(payload), h.getUncompressed_page_size()).toByteArray());
                }
                case DATA_PAGE -> {
                    DataPageHeader d = h.getData_page_header();
                    data.add(new Page(false, d.getNum_values(), d.getEncoding(), d.getDefinition_level_encoding(), null,
                            codec.decompress(BytesInput.from(payload), h.getUncompressed_page_size()).toByteArray()));
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
                    if (rl > 0) {
                        throw new IOException("column " + column.path() + " has repetition levels; only flat columns are read");
                    }
                    data.add(new Page(true, d.getNum_values(), d.getEncoding(), Encoding.RLE,
                            Arrays.copyOfRange(payload, rl, rl + dl), body.toByteArray()));
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
        return new Chunk(dictionary, data);
    }

    @Override
    public void close() throws IOException {
        in.close();
    }

    // ---- schema ---------------------------------------------------------------------------------

    /**
     * The leaf columns of parquet-format's flattened schema (depth first, with child counts), with the
     * definition and repetition levels their path gives them: +1 for every optional or repeated level.
     */
    static List<Column> columns(List<SchemaElement> elements) throws IOException {
        if (elements == null || elements.isEmpty()) {
            throw new IOException("the footer has no schema");
        }
        List<Column> out = new ArrayList<>();
        int[] next = {1};
        for (int i = 0; i < elements.getFirst().getNum_children(); i++) {
            walk(elements, next, new ArrayList<>(), 0, 0, out);
        }
        return List.copyOf(out);
    }

    private static void walk(List<SchemaElement> elements, int[] next, List<String> path, int def, int rep,
                             List<Column> out) throws IOException {
        if (next[0] >= elements.size()) {
            throw new IOException("the footer's schema lists fewer elements than its child counts promise");
        }
        SchemaElement e = elements.get(next[0]++);
        List<String> here = new ArrayList<>(path);
        here.add(e.getName());
        FieldRepetitionType r = e.isSetRepetition_type() ? e.getRepetition_type() : FieldRepetitionType.REQUIRED;
        int d = def + (r == FieldRepetitionType.REQUIRED ? 0 : 1);
        int p = rep + (r == FieldRepetitionType.REPEATED ? 1 : 0);
        if (!e.isSetType()) {
            for (int i = 0; i < e.getNum_children(); i++) {
                walk(elements, next, here, d, p, out);
            }
            return;
        }
        out.add(new Column(String.join(".", here), List.copyOf(here), e.getType(), e.getType_length(), d, p, logical(e)));
    }

    /** The logical type as text, from the logicalType union or else the legacy converted type. */
    private static String logical(SchemaElement e) {
        if (e.isSetLogicalType()) {
            var t = e.getLogicalType();
            if (t.isSetSTRING()) {
                return "string";
            }
            if (t.isSetINTEGER()) {
                return "integer(" + t.getINTEGER().getBitWidth() + "," + t.getINTEGER().isIsSigned() + ")";
            }
            if (t.isSetTIMESTAMP()) {
                var u = t.getTIMESTAMP().getUnit();
                return "timestamp(" + (u.isSetNANOS() ? "nanos" : u.isSetMICROS() ? "micros" : "millis") + ","
                        + t.getTIMESTAMP().isIsAdjustedToUTC() + ")";
            }
            if (t.isSetDATE()) {
                return "date";
            }
            if (t.isSetDECIMAL()) {
                return "decimal(" + t.getDECIMAL().getPrecision() + "," + t.getDECIMAL().getScale() + ")";
            }
            if (t.isSetENUM()) {
                return "enum";
            }
            if (t.isSetJSON()) {
                return "json";
            }
        }
        return e.isSetConverted_type() ? e.getConverted_type().name().toLowerCase(Locale.ROOT)
                .replace("utf8", "string") : null;
    }
}
