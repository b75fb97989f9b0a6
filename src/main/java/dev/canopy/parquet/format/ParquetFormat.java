package dev.canopy.parquet.format;

import dev.canopy.parquet.ParquetException;

import org.apache.parquet.format.ColumnChunk;
import org.apache.parquet.format.ColumnMetaData;
import org.apache.parquet.format.DataPageHeader;
import org.apache.parquet.format.DataPageHeaderV2;
import org.apache.parquet.format.DictionaryPageHeader;
import org.apache.parquet.format.FileMetaData;
import org.apache.parquet.format.KeyValue;
import org.apache.parquet.format.LogicalType;
import org.apache.parquet.format.SchemaElement;
import shaded.parquet.org.apache.thrift.TConfiguration;
import shaded.parquet.org.apache.thrift.TException;
import shaded.parquet.org.apache.thrift.protocol.TCompactProtocol;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Parquet's footer and page headers as Canopy's reader uses them, read through parquet-format's own generated
 * Thrift classes ({@code org.apache.parquet:parquet-format-structures}) and turned into the few records below.
 * The Thrift protocol is given the bytes present as its limit for every string, list and message, so a forged
 * length is an {@link IOException}, never an allocation sized by the file.
 */
public final class ParquetFormat {
    private ParquetFormat() {
    }

    /** Physical types, numbered as in the format. */
    public enum Type {
        BOOLEAN, INT32, INT64, INT96, FLOAT, DOUBLE, BYTE_ARRAY, FIXED_LEN_BYTE_ARRAY;

        public static Type of(int v) throws IOException {
            if (v < 0 || v >= values().length) {
                throw new ParquetException("unknown physical type " + v);
            }
            return values()[v];
        }
    }

    /** Encodings, numbered as in the format (1 was GROUP_VAR_INT, never used). */
    public enum Encoding {
        PLAIN(0), PLAIN_DICTIONARY(2), RLE(3), BIT_PACKED(4), DELTA_BINARY_PACKED(5), DELTA_LENGTH_BYTE_ARRAY(6),
        DELTA_BYTE_ARRAY(7), RLE_DICTIONARY(8), BYTE_STREAM_SPLIT(9), UNKNOWN(-1);

        public final int value;

        Encoding(int value) {
            this.value = value;
        }

        /** An encoding this reader does not know becomes UNKNOWN, refused only if a page really uses it. */
        public static Encoding of(int v) {
            for (Encoding e : values()) {
                if (e.value == v) {
                    return e;
                }
            }
            return UNKNOWN;
        }
    }

    /** Compression codecs, numbered as in the format; the names match parquet's {@code CompressionCodecName}. */
    public static final List<String> CODECS = List.of("UNCOMPRESSED", "SNAPPY", "GZIP", "LZO", "BROTLI", "LZ4", "ZSTD", "LZ4_RAW");

    /** Repetition of a schema element. */
    public enum Repetition {
        REQUIRED, OPTIONAL, REPEATED
    }

    /** The legacy converted types, numbered as in the format, by name (lower case). */
    private static final List<String> CONVERTED = List.of("utf8", "map", "map_key_value", "list", "enum", "decimal",
            "date", "time_millis", "time_micros", "timestamp_millis", "timestamp_micros", "uint_8", "uint_16", "uint_32",
            "uint_64", "int_8", "int_16", "int_32", "int_64", "json", "bson", "interval");

    public static final int DATA_PAGE = 0;
    public static final int DICTIONARY_PAGE = 2;
    public static final int DATA_PAGE_V2 = 3;

    /** What a column's values mean beyond their physical type: the logical type, else the legacy converted one. */
    public enum Kind {
        STRING, MAP, LIST, ENUM, DECIMAL, DATE, TIME, TIMESTAMP, INTEGER, NULL, JSON, BSON, UUID, FLOAT16, VARIANT,
        GEOMETRY, GEOGRAPHY, INTERVAL, OTHER
    }

    /**
     * A logical type. {@code bitWidth} and {@code signed} are an integer's; {@code scale} and {@code precision}
     * a decimal's; {@code unit} (ms, us or ns) a time's or a timestamp's; {@code id} the union's field for
     * types this reader does not know.
     */
    public record Logical(Kind kind, int bitWidth, boolean signed, int scale, int precision, String unit, int id) {
        public static Logical of(Kind kind) {
            return new Logical(kind, 0, true, 0, 0, null, 0);
        }

        /** The type as pyarrow and DuckDB users name it: {@code uint32}, {@code decimal(10,2)}, {@code timestamp[us]}. */
        public String text() {
            return switch (kind) {
                case INTEGER -> (signed ? "int" : "uint") + bitWidth;
                case DECIMAL -> "decimal(" + precision + "," + scale + ")";
                case TIME, TIMESTAMP -> kind.name().toLowerCase(java.util.Locale.ROOT) + "[" + unit + "]";
                case NULL -> "null";
                case OTHER -> "an unknown logical type (" + id + ")";
                default -> kind.name().toLowerCase(java.util.Locale.ROOT);
            };
        }
    }

    /**
     * One element of the flattened schema. {@code type} is null for a group; {@code logical} is null when absent.
     * {@code source} is the element as the file has it (converted type, scale, field id and all), so a writer can
     * declare a copied column exactly as its source did.
     */
    public record Element(String name, Type type, int typeLength, Repetition repetition, int children, Logical logical,
                          SchemaElement source) {
    }

    /**
     * A column chunk's metadata; {@code codec} is the codec's name; {@code dictionaryOffset} is -1 when absent.
     * {@code source} is the metadata as the file has it (encodings, statistics), for copying the chunk.
     */
    public record ColumnMeta(String filePath, Type type, List<String> path, String codec, long values, long compressedSize,
                      long dataOffset, long dictionaryOffset, ColumnMetaData source) {
    }

    public record RowGroup(long rows, List<ColumnMeta> columns) {
    }

    /** The footer: schema, rows, row groups and the writer's key-value metadata (pandas keeps its schema there). */
    public record FileMeta(List<Element> schema, long rows, List<RowGroup> rowGroups, java.util.Map<String, String> keyValues) {
    }

    /**
     * A page header. {@code values} and {@code encoding} come from whichever page header the type carries;
     * {@code definitionEncoding} is v1's; the level lengths and {@code compressed} are v2's.
     */
    public record PageHeader(int type, int uncompressedSize, int compressedSize, int values, Encoding encoding,
                      Encoding definitionEncoding, int definitionLength, int repetitionLength, boolean compressed) {
    }

    // ---- reading: parquet-format's own Thrift classes, their sizes checked against the bytes present ----

    /**
     * A Thrift compact protocol over {@code bytes[offset, offset + length)} that refuses any string, list or
     * message larger than those bytes, so a forged length is an error before it is an allocation.
     */
    private static TCompactProtocol protocol(byte[] bytes, int offset, int length) throws IOException {
        try {
            TConfiguration config = TConfiguration.custom().setMaxMessageSize(Math.max(length, 1))
                    .setRecursionLimit(MAX_DEPTH).build();
            return new TCompactProtocol(new ArrayTransport(config, bytes, offset, length), length, length);
        } catch (TException e) {
            throw new ParquetException(e.getMessage(), e);
        }
    }

    /** Deeper nesting than any Parquet footer has; a file that claims more is refused, not recursed into. */
    static final int MAX_DEPTH = 32;

    public static FileMeta readFileMeta(byte[] bytes, int offset, int length) throws IOException {
        FileMetaData f = new FileMetaData();
        try {
            f.read(protocol(bytes, offset, length));
        } catch (TException | RuntimeException e) {
            throw new ParquetException("unreadable footer: " + e.getMessage(), e);
        }
        List<Element> schema = new ArrayList<>();
        for (SchemaElement e : f.getSchema()) {
            schema.add(element(e));
        }
        List<RowGroup> groups = new ArrayList<>();
        for (org.apache.parquet.format.RowGroup g : f.getRow_groups()) {
            List<ColumnMeta> columns = new ArrayList<>();
            for (ColumnChunk c : g.getColumns()) {
                if (!c.isSetMeta_data()) {
                    throw new ParquetException("a column chunk has no (plaintext) metadata");
                }
                ColumnMetaData m = c.getMeta_data();
                int codec = m.getCodec().getValue();
                columns.add(new ColumnMeta(c.getFile_path(), type(m.getType()), List.copyOf(m.getPath_in_schema()),
                        codec >= 0 && codec < CODECS.size() ? CODECS.get(codec) : "codec " + codec, m.getNum_values(),
                        m.getTotal_compressed_size(), m.getData_page_offset(),
                        m.isSetDictionary_page_offset() ? m.getDictionary_page_offset() : -1, m));
            }
            groups.add(new RowGroup(g.getNum_rows(), columns));
        }
        java.util.Map<String, String> keyValues = new java.util.LinkedHashMap<>();
        if (f.isSetKey_value_metadata()) {
            for (KeyValue kv : f.getKey_value_metadata()) {
                if (kv.getKey() != null && kv.getValue() != null) {
                    keyValues.put(kv.getKey(), kv.getValue());
                }
            }
        }
        return new FileMeta(schema, f.getNum_rows(), groups, keyValues);
    }

    private static Type type(org.apache.parquet.format.Type t) throws IOException {
        if (t == null) {
            throw new ParquetException("unknown physical type");
        }
        return Type.of(t.getValue());
    }

    private static Encoding encoding(org.apache.parquet.format.Encoding e) {
        return e == null ? Encoding.UNKNOWN : Encoding.of(e.getValue());
    }

    /**
     * Reads the page header at {@code at[0]} in {@code bytes[.., end)} and moves {@code at[0]} past it (not
     * past the page).
     */
    public static PageHeader readPageHeader(byte[] bytes, int[] at, int end) throws IOException {
        int length = end - at[0];
        org.apache.parquet.format.PageHeader h = new org.apache.parquet.format.PageHeader();
        try {
            TCompactProtocol protocol = protocol(bytes, at[0], length);
            h.read(protocol);
            at[0] = ((ArrayTransport) protocol.getTransport()).position();
        } catch (TException | RuntimeException e) {
            throw new ParquetException("unreadable page header: " + e.getMessage(), e);
        }
        if (h.getType() == null) {
            return new PageHeader(-1, h.getUncompressed_page_size(), h.getCompressed_page_size(), 0, Encoding.UNKNOWN,
                    Encoding.RLE, 0, 0, true);
        }
        int type = h.getType().getValue();
        if (h.getUncompressed_page_size() < 0 || h.getCompressed_page_size() < 0) {
            throw new ParquetException("a page header with negative sizes");
        }
        if (type == DATA_PAGE && h.isSetData_page_header()) {
            DataPageHeader d = h.getData_page_header();
            return new PageHeader(type, h.getUncompressed_page_size(), h.getCompressed_page_size(), d.getNum_values(),
                    encoding(d.getEncoding()), encoding(d.getDefinition_level_encoding()), 0, 0, true);
        }
        if (type == DICTIONARY_PAGE && h.isSetDictionary_page_header()) {
            DictionaryPageHeader d = h.getDictionary_page_header();
            return new PageHeader(type, h.getUncompressed_page_size(), h.getCompressed_page_size(), d.getNum_values(),
                    encoding(d.getEncoding()), Encoding.RLE, 0, 0, true);
        }
        if (type == DATA_PAGE_V2 && h.isSetData_page_header_v2()) {
            DataPageHeaderV2 d = h.getData_page_header_v2();
            return new PageHeader(type, h.getUncompressed_page_size(), h.getCompressed_page_size(), d.getNum_values(),
                    encoding(d.getEncoding()), Encoding.RLE, d.getDefinition_levels_byte_length(),
                    d.getRepetition_levels_byte_length(), !d.isSetIs_compressed() || d.isIs_compressed());
        }
        if (type == DATA_PAGE || type == DICTIONARY_PAGE || type == DATA_PAGE_V2) {
            throw new ParquetException("a page header of type " + type + " lacks its type's header");
        }
        return new PageHeader(type, h.getUncompressed_page_size(), h.getCompressed_page_size(), 0, Encoding.UNKNOWN,
                Encoding.RLE, 0, 0, true); // index pages: skipped by the reader
    }

    private static Element element(SchemaElement e) throws IOException {
        if (e.getName() == null) {
            throw new ParquetException("a schema element has no name");
        }
        if (e.getNum_children() < 0) {
            throw new ParquetException("schema element " + e.getName() + " has " + e.getNum_children() + " children");
        }
        Logical meaning = e.isSetLogicalType() ? logical(e.getLogicalType())
                : e.isSetConverted_type() ? converted(e.getConverted_type().getValue(), e.getScale(), e.getPrecision()) : null;
        Repetition repetition = e.isSetRepetition_type() ? Repetition.values()[e.getRepetition_type().getValue()] : null;
        return new Element(e.getName(), e.isSetType() ? type(e.getType()) : null, e.getType_length(), repetition,
                e.getNum_children(), meaning, e);
    }

    /** The legacy converted type (older writers write only this; newer ones both) as a logical type, or null. */
    private static Logical converted(int converted, int scale, int precision) {
        if (converted < 0 || converted >= CONVERTED.size()) {
            return null;
        }
        String name = CONVERTED.get(converted);
        if (name.startsWith("uint_") || name.startsWith("int_")) {
            return new Logical(Kind.INTEGER, Integer.parseInt(name.substring(name.indexOf('_') + 1)), name.startsWith("int"),
                    0, 0, null, 0);
        }
        return switch (name) {
            case "utf8" -> Logical.of(Kind.STRING);
            case "map", "map_key_value" -> Logical.of(Kind.MAP);
            case "decimal" -> new Logical(Kind.DECIMAL, 0, true, scale, precision, null, 0);
            case "time_millis", "time_micros", "timestamp_millis", "timestamp_micros" -> new Logical(
                    name.startsWith("time_") ? Kind.TIME : Kind.TIMESTAMP, 0, true, 0, 0,
                    name.endsWith("millis") ? "ms" : "us", 0);
            default -> Logical.of(Kind.valueOf(name.toUpperCase(java.util.Locale.ROOT)));
        };
    }

    /** The LogicalType union. */
    private static Logical logical(LogicalType l) {
        if (l.isSetDECIMAL()) {
            return new Logical(Kind.DECIMAL, 0, true, l.getDECIMAL().getScale(), l.getDECIMAL().getPrecision(), null, 5);
        }
        if (l.isSetINTEGER()) {
            return new Logical(Kind.INTEGER, l.getINTEGER().getBitWidth(), l.getINTEGER().isIsSigned(), 0, 0, null, 10);
        }
        if (l.isSetTIME() || l.isSetTIMESTAMP()) {
            org.apache.parquet.format.TimeUnit u = l.isSetTIME() ? l.getTIME().getUnit() : l.getTIMESTAMP().getUnit();
            String unit = u == null ? "ms" : u.isSetNANOS() ? "ns" : u.isSetMICROS() ? "us" : "ms";
            return new Logical(l.isSetTIME() ? Kind.TIME : Kind.TIMESTAMP, 0, true, 0, 0, unit, l.isSetTIME() ? 7 : 8);
        }
        Kind kind = l.isSetSTRING() ? Kind.STRING : l.isSetMAP() ? Kind.MAP : l.isSetLIST() ? Kind.LIST
                : l.isSetENUM() ? Kind.ENUM : l.isSetDATE() ? Kind.DATE : l.isSetUNKNOWN() ? Kind.NULL
                : l.isSetJSON() ? Kind.JSON : l.isSetBSON() ? Kind.BSON : l.isSetUUID() ? Kind.UUID
                : l.isSetFLOAT16() ? Kind.FLOAT16 : l.isSetVARIANT() ? Kind.VARIANT : l.isSetGEOMETRY() ? Kind.GEOMETRY
                : l.isSetGEOGRAPHY() ? Kind.GEOGRAPHY : Kind.OTHER;
        return new Logical(kind, 0, true, 0, 0, null, l.getSetField() == null ? 0 : l.getSetField().getThriftFieldId());
    }
}
