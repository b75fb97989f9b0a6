package dev.canopy.data;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The part of Parquet's footer and page-header format that Canopy reads and writes, in Thrift's compact
 * protocol, field numbers as in {@code parquet.thrift}. Canopy reads a file's metadata itself rather than through
 * parquet-format's generated classes: they and their shaded Thrift library were nearly a megabyte of the
 * function's package, for the dozen fields used here. Every other field is skipped, whatever its type, so files
 * from newer writers (statistics, page indexes, bloom filters, geospatial types) still read.
 *
 * <p>Reading is defensive: a length, count or nesting depth the remaining bytes cannot hold is an
 * {@link IOException}, never an allocation sized by the file.
 */
final class ParquetFormat {
    private ParquetFormat() {
    }

    /** Physical types, numbered as in the format. */
    enum Type {
        BOOLEAN, INT32, INT64, INT96, FLOAT, DOUBLE, BYTE_ARRAY, FIXED_LEN_BYTE_ARRAY;

        static Type of(int v) throws IOException {
            if (v < 0 || v >= values().length) {
                throw new IOException("unknown physical type " + v);
            }
            return values()[v];
        }
    }

    /** Encodings, numbered as in the format (1 was GROUP_VAR_INT, never used). */
    enum Encoding {
        PLAIN(0), PLAIN_DICTIONARY(2), RLE(3), BIT_PACKED(4), DELTA_BINARY_PACKED(5), DELTA_LENGTH_BYTE_ARRAY(6),
        DELTA_BYTE_ARRAY(7), RLE_DICTIONARY(8), BYTE_STREAM_SPLIT(9), UNKNOWN(-1);

        final int value;

        Encoding(int value) {
            this.value = value;
        }

        /** An encoding this reader does not know becomes UNKNOWN, refused only if a page really uses it. */
        static Encoding of(int v) {
            for (Encoding e : values()) {
                if (e.value == v) {
                    return e;
                }
            }
            return UNKNOWN;
        }
    }

    /** Compression codecs, numbered as in the format; the names match parquet's {@code CompressionCodecName}. */
    static final List<String> CODECS = List.of("UNCOMPRESSED", "SNAPPY", "GZIP", "LZO", "BROTLI", "LZ4", "ZSTD", "LZ4_RAW");

    /** Repetition of a schema element. */
    enum Repetition {
        REQUIRED, OPTIONAL, REPEATED
    }

    /** The legacy converted types, numbered as in the format, by name (lower case). */
    private static final List<String> CONVERTED = List.of("utf8", "map", "map_key_value", "list", "enum", "decimal",
            "date", "time_millis", "time_micros", "timestamp_millis", "timestamp_micros", "uint_8", "uint_16", "uint_32",
            "uint_64", "int_8", "int_16", "int_32", "int_64", "json", "bson", "interval");

    static final int DATA_PAGE = 0;
    static final int DICTIONARY_PAGE = 2;
    static final int DATA_PAGE_V2 = 3;

    /** What a column's values mean beyond their physical type: the logical type, else the legacy converted one. */
    enum Kind {
        STRING, MAP, LIST, ENUM, DECIMAL, DATE, TIME, TIMESTAMP, INTEGER, NULL, JSON, BSON, UUID, FLOAT16, VARIANT,
        GEOMETRY, GEOGRAPHY, INTERVAL, OTHER
    }

    /**
     * A logical type. {@code bitWidth} and {@code signed} are an integer's; {@code scale} and {@code precision}
     * a decimal's; {@code unit} (ms, us or ns) a time's or a timestamp's; {@code id} the union's field for
     * types this reader does not know.
     */
    record Logical(Kind kind, int bitWidth, boolean signed, int scale, int precision, String unit, int id) {
        static Logical of(Kind kind) {
            return new Logical(kind, 0, true, 0, 0, null, 0);
        }

        /** The type as pyarrow and DuckDB users name it: {@code uint32}, {@code decimal(10,2)}, {@code timestamp[us]}. */
        String text() {
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

    /** One element of the flattened schema. {@code type} is null for a group; {@code logical} is null when absent. */
    record Element(String name, Type type, int typeLength, Repetition repetition, int children, Logical logical) {
    }

    /** A column chunk's metadata; {@code codec} is the codec's name; {@code dictionaryOffset} is -1 when absent. */
    record ColumnMeta(String filePath, Type type, List<String> path, String codec, long values, long compressedSize,
                      long dataOffset, long dictionaryOffset) {
    }

    record RowGroup(long rows, List<ColumnMeta> columns) {
    }

    /** The footer: schema, rows, row groups and the writer's key-value metadata (pandas keeps its schema there). */
    record FileMeta(List<Element> schema, long rows, List<RowGroup> rowGroups, java.util.Map<String, String> keyValues) {
    }

    /**
     * A page header. {@code values} and {@code encoding} come from whichever page header the type carries;
     * {@code definitionEncoding} is v1's; the level lengths and {@code compressed} are v2's.
     */
    record PageHeader(int type, int uncompressedSize, int compressedSize, int values, Encoding encoding,
                      Encoding definitionEncoding, int definitionLength, int repetitionLength, boolean compressed) {
    }

    // ---- reading ------------------------------------------------------------------------------------

    static FileMeta readFileMeta(byte[] bytes, int offset, int length) throws IOException {
        Reader in = new Reader(bytes, offset, length);
        List<Element> schema = new ArrayList<>();
        List<RowGroup> groups = new ArrayList<>();
        java.util.Map<String, String> keyValues = new java.util.LinkedHashMap<>();
        long[] rows = {-1};
        in.struct((id, type) -> {
            switch (id) {
                case 2 -> in.list(type, t -> schema.add(element(in, t)));
                case 3 -> rows[0] = in.i64(type);
                case 4 -> in.list(type, t -> groups.add(rowGroup(in, t)));
                case 5 -> in.list(type, t -> { // KeyValue: key, value
                    String[] kv = {null, null};
                    in.struct(t, (i, u) -> {
                        switch (i) {
                            case 1 -> kv[0] = in.string(u);
                            case 2 -> kv[1] = in.string(u);
                            default -> in.skip(u);
                        }
                    });
                    if (kv[0] != null && kv[1] != null) {
                        keyValues.put(kv[0], kv[1]);
                    }
                });
                default -> in.skip(type);
            }
        });
        if (rows[0] < 0) {
            throw new IOException("the footer has no row count");
        }
        return new FileMeta(schema, rows[0], groups, keyValues);
    }

    /** Reads one page header from {@code in} at its position, and moves past it. */
    static PageHeader readPageHeader(Reader in) throws IOException {
        int[] f = {-1, -1, -1, 0, Encoding.UNKNOWN.ordinal(), Encoding.RLE.ordinal(), 0, 0, 1};
        in.struct((id, type) -> {
            switch (id) {
                case 1 -> f[0] = in.i32(type);
                case 2 -> f[1] = in.i32(type);
                case 3 -> f[2] = in.i32(type);
                case 5 -> in.struct(type, (i, t) -> { // DataPageHeader
                    switch (i) {
                        case 1 -> f[3] = in.i32(t);
                        case 2 -> f[4] = Encoding.of(in.i32(t)).ordinal();
                        case 3 -> f[5] = Encoding.of(in.i32(t)).ordinal();
                        default -> in.skip(t);
                    }
                });
                case 7 -> in.struct(type, (i, t) -> { // DictionaryPageHeader
                    switch (i) {
                        case 1 -> f[3] = in.i32(t);
                        case 2 -> f[4] = Encoding.of(in.i32(t)).ordinal();
                        default -> in.skip(t);
                    }
                });
                case 8 -> in.struct(type, (i, t) -> { // DataPageHeaderV2
                    switch (i) {
                        case 1 -> f[3] = in.i32(t);
                        case 4 -> f[4] = Encoding.of(in.i32(t)).ordinal();
                        case 5 -> f[6] = in.i32(t);
                        case 6 -> f[7] = in.i32(t);
                        case 7 -> f[8] = in.bool(t) ? 1 : 0;
                        default -> in.skip(t);
                    }
                });
                default -> in.skip(type);
            }
        });
        if (f[0] < 0 || f[1] < 0 || f[2] < 0) {
            throw new IOException("a page header lacks its type or sizes");
        }
        Encoding[] e = Encoding.values();
        return new PageHeader(f[0], f[1], f[2], f[3], e[f[4]], e[f[5]], f[6], f[7], f[8] != 0);
    }

    private static Element element(Reader in, int listType) throws IOException {
        String[] name = {null};
        Type[] type = {null};
        int[] ints = {0, -1, 0, -1, 0, 0}; // type length, repetition, children, converted type, scale, precision
        Logical[] logical = {null};
        in.expect(listType, Reader.STRUCT);
        in.struct((id, t) -> {
            switch (id) {
                case 1 -> type[0] = Type.of(in.i32(t));
                case 2 -> ints[0] = in.i32(t);
                case 3 -> ints[1] = in.i32(t);
                case 4 -> name[0] = in.string(t);
                case 5 -> ints[2] = in.i32(t);
                case 6 -> ints[3] = in.i32(t);
                case 7 -> ints[4] = in.i32(t);
                case 8 -> ints[5] = in.i32(t);
                case 10 -> logical[0] = logical(in, t);
                default -> in.skip(t);
            }
        });
        if (name[0] == null) {
            throw new IOException("a schema element has no name");
        }
        if (ints[1] > 2 || ints[2] < 0) {
            throw new IOException("schema element " + name[0] + " has repetition " + ints[1] + ", " + ints[2] + " children");
        }
        Logical meaning = logical[0] != null ? logical[0] : converted(ints[3], ints[4], ints[5]);
        return new Element(name[0], type[0], ints[0], ints[1] < 0 ? null : Repetition.values()[ints[1]], ints[2], meaning);
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

    /** The LogicalType union, numbered as in {@code parquet.thrift}. */
    private static Logical logical(Reader in, int type) throws IOException {
        Logical[] out = {null};
        in.struct(type, (id, t) -> {
            switch (id) {
                case 5 -> { // DecimalType: scale, precision
                    int[] sp = {0, 0};
                    in.struct(t, (i, u) -> {
                        switch (i) {
                            case 1 -> sp[0] = in.i32(u);
                            case 2 -> sp[1] = in.i32(u);
                            default -> in.skip(u);
                        }
                    });
                    out[0] = new Logical(Kind.DECIMAL, 0, true, sp[0], sp[1], null, id);
                }
                case 7, 8 -> { // TimeType, TimestampType: isAdjustedToUTC, unit (a union: 1 millis, 2 micros, 3 nanos)
                    String[] unit = {"ms"};
                    in.struct(t, (i, u) -> {
                        if (i == 2) {
                            in.struct(u, (k, v) -> {
                                unit[0] = k == 3 ? "ns" : k == 2 ? "us" : "ms";
                                in.skip(v);
                            });
                        } else {
                            in.skip(u);
                        }
                    });
                    out[0] = new Logical(id == 7 ? Kind.TIME : Kind.TIMESTAMP, 0, true, 0, 0, unit[0], id);
                }
                case 10 -> { // IntType: bitWidth (i8), isSigned
                    int[] width = {0};
                    boolean[] signed = {false};
                    in.struct(t, (i, u) -> {
                        switch (i) {
                            case 1 -> width[0] = in.i32(u);
                            case 2 -> signed[0] = in.bool(u);
                            default -> in.skip(u);
                        }
                    });
                    out[0] = new Logical(Kind.INTEGER, width[0], signed[0], 0, 0, null, id);
                }
                default -> {
                    in.skip(t);
                    Kind kind = switch (id) {
                        case 1 -> Kind.STRING;
                        case 2 -> Kind.MAP;
                        case 3 -> Kind.LIST;
                        case 4 -> Kind.ENUM;
                        case 6 -> Kind.DATE;
                        case 11 -> Kind.NULL;
                        case 12 -> Kind.JSON;
                        case 13 -> Kind.BSON;
                        case 14 -> Kind.UUID;
                        case 15 -> Kind.FLOAT16;
                        case 16 -> Kind.VARIANT;
                        case 17 -> Kind.GEOMETRY;
                        case 18 -> Kind.GEOGRAPHY;
                        default -> Kind.OTHER;
                    };
                    out[0] = new Logical(kind, 0, true, 0, 0, null, id);
                }
            }
        });
        return out[0];
    }

    private static RowGroup rowGroup(Reader in, int listType) throws IOException {
        in.expect(listType, Reader.STRUCT);
        List<ColumnMeta> columns = new ArrayList<>();
        long[] rows = {-1};
        in.struct((id, t) -> {
            switch (id) {
                case 1 -> in.list(t, u -> columns.add(columnChunk(in, u)));
                case 3 -> rows[0] = in.i64(t);
                default -> in.skip(t);
            }
        });
        if (rows[0] < 0) {
            throw new IOException("a row group has no row count");
        }
        return new RowGroup(rows[0], columns);
    }

    private static ColumnMeta columnChunk(Reader in, int listType) throws IOException {
        in.expect(listType, Reader.STRUCT);
        String[] filePath = {null};
        ColumnMeta[] meta = {null};
        in.struct((id, t) -> {
            switch (id) {
                case 1 -> filePath[0] = in.string(t);
                case 3 -> meta[0] = columnMeta(in, t);
                default -> in.skip(t); // encrypted column metadata among them: refused below for lack of meta
            }
        });
        if (meta[0] == null) {
            throw new IOException("a column chunk has no (plaintext) metadata");
        }
        ColumnMeta m = meta[0];
        return new ColumnMeta(filePath[0], m.type(), m.path(), m.codec(), m.values(), m.compressedSize(), m.dataOffset(),
                m.dictionaryOffset());
    }

    private static ColumnMeta columnMeta(Reader in, int type) throws IOException {
        Type[] physical = {null};
        List<String> path = new ArrayList<>();
        String[] codec = {null};
        long[] longs = {-1, -1, -1, -1}; // values, compressed size, data page offset, dictionary page offset
        in.struct(type, (id, t) -> {
            switch (id) {
                case 1 -> physical[0] = Type.of(in.i32(t));
                case 3 -> in.list(t, u -> path.add(in.string(u)));
                case 4 -> {
                    int c = in.i32(t);
                    codec[0] = c >= 0 && c < CODECS.size() ? CODECS.get(c) : "codec " + c;
                }
                case 5 -> longs[0] = in.i64(t);
                case 7 -> longs[1] = in.i64(t);
                case 9 -> longs[2] = in.i64(t);
                case 11 -> longs[3] = in.i64(t);
                default -> in.skip(t);
            }
        });
        if (physical[0] == null || path.isEmpty() || codec[0] == null || longs[0] < 0 || longs[1] < 0 || longs[2] < 0) {
            throw new IOException("column metadata lacks its type, path, codec, value count, size or offset");
        }
        return new ColumnMeta(null, physical[0], List.copyOf(path), codec[0], longs[0], longs[1], longs[2], longs[3]);
    }

    /**
     * Thrift's compact protocol, reading: a field header byte holds the field id's delta (or 0, and the id
     * follows as a zigzag varint) and the type; integers are zigzag varints; binaries carry a varint length;
     * a list's header holds its size (or 15, and the size follows) and its element type.
     */
    static final class Reader {
        static final int TRUE = 1;
        static final int FALSE = 2;
        static final int BYTE = 3;
        static final int I16 = 4;
        static final int I32 = 5;
        static final int I64 = 6;
        static final int DOUBLE = 7;
        static final int BINARY = 8;
        static final int LIST = 9;
        static final int SET = 10;
        static final int MAP = 11;
        static final int STRUCT = 12;
        /** Deeper nesting than any Parquet footer has; a file that claims more is refused, not recursed into. */
        private static final int MAX_DEPTH = 32;

        private final byte[] b;
        private int p;
        private final int end;
        private int depth;
        /** A boolean field's value lives in its header's type; this remembers it for {@link #bool}. */
        private int pendingBool = -1;

        Reader(byte[] bytes, int offset, int length) {
            this.b = bytes;
            this.p = offset;
            this.end = offset + length;
        }

        int position() {
            return p;
        }

        void skipBytes(int n) throws IOException {
            if (n < 0) {
                throw new IOException("negative length " + n);
            }
            need(n);
        }

        interface Field {
            void read(int id, int type) throws IOException;
        }

        interface Item {
            void read(int type) throws IOException;
        }

        /** Reads a struct at the top level (no header of its own). */
        void struct(Field field) throws IOException {
            if (++depth > MAX_DEPTH) {
                throw new IOException("metadata nested deeper than " + MAX_DEPTH + " levels");
            }
            int last = 0;
            while (true) {
                int header = u8();
                if (header == 0) {
                    break; // STOP
                }
                int type = header & 0x0f;
                int delta = header >>> 4;
                int id = delta != 0 ? last + delta : zigzag32(varint());
                last = id;
                if (type == TRUE || type == FALSE) {
                    pendingBool = type;
                }
                field.read(id, type);
                pendingBool = -1;
            }
            depth--;
        }

        /** Reads a struct-typed field. */
        void struct(int type, Field field) throws IOException {
            expect(type, STRUCT);
            struct(field);
        }

        void list(int type, Item element) throws IOException {
            if (type != LIST && type != SET) {
                throw new IOException("expected a list in the metadata, found type " + type);
            }
            int header = u8();
            int size = header >>> 4;
            int elementType = header & 0x0f;
            if (size == 15) {
                size = varint();
            }
            // every element takes at least a byte: a size beyond the bytes left is a lie
            if (size < 0 || size > end - p) {
                throw new IOException("a metadata list of " + size + " elements in " + (end - p) + " bytes");
            }
            for (int i = 0; i < size; i++) {
                element.read(elementType);
            }
        }

        void expect(int type, int wanted) throws IOException {
            if (type != wanted) {
                throw new IOException("expected metadata type " + wanted + ", found " + type);
            }
        }

        int i32(int type) throws IOException {
            if (type != I32 && type != I16 && type != BYTE) {
                throw new IOException("expected an integer in the metadata, found type " + type);
            }
            return type == BYTE ? (byte) u8() : zigzag32(varint());
        }

        long i64(int type) throws IOException {
            if (type == I64) {
                long raw = varlong();
                return (raw >>> 1) ^ -(raw & 1);
            }
            return i32(type);
        }

        boolean bool(int type) throws IOException {
            if (pendingBool != -1 && (type == TRUE || type == FALSE)) {
                pendingBool = -1;
                return type == TRUE;
            }
            if (type == TRUE || type == FALSE) { // an element of a list of booleans: one byte
                return u8() == TRUE;
            }
            throw new IOException("expected a boolean in the metadata, found type " + type);
        }

        String string(int type) throws IOException {
            expect(type, BINARY);
            int n = varint();
            if (n < 0 || n > end - p) {
                throw new IOException("a metadata string of " + n + " bytes in " + (end - p));
            }
            String s = new String(b, p, n, StandardCharsets.UTF_8);
            p += n;
            return s;
        }

        void skip(int type) throws IOException {
            switch (type) {
                case TRUE, FALSE -> {
                    if (pendingBool == -1) {
                        u8(); // in a list, a boolean is a byte; as a field, its value was the header
                    }
                    pendingBool = -1;
                }
                case BYTE -> u8();
                case I16, I32 -> varint();
                case I64 -> varlong();
                case DOUBLE -> need(8);
                case BINARY -> {
                    int n = varint();
                    if (n < 0) {
                        throw new IOException("negative metadata length " + n);
                    }
                    need(n);
                }
                case LIST, SET -> list(type, this::skipElement);
                case MAP -> {
                    int size = varint();
                    if (size < 0 || size > end - p) {
                        throw new IOException("a metadata map of " + size + " entries in " + (end - p) + " bytes");
                    }
                    if (size > 0) {
                        int kv = u8();
                        for (int i = 0; i < size; i++) {
                            skipElement(kv >>> 4);
                            skipElement(kv & 0x0f);
                        }
                    }
                }
                case STRUCT -> struct((id, t) -> skip(t));
                default -> throw new IOException("unknown metadata type " + type);
            }
        }

        private void skipElement(int type) throws IOException {
            pendingBool = -1;
            skip(type);
        }

        private void need(int n) throws IOException {
            if (n > end - p) {
                throw new IOException("the metadata ends " + (n - (end - p)) + " bytes early");
            }
            p += n;
        }

        private int u8() throws IOException {
            if (p >= end) {
                throw new IOException("the metadata ends early");
            }
            return b[p++] & 0xff;
        }

        private int varint() throws IOException {
            int result = 0;
            for (int shift = 0; shift < 35; shift += 7) {
                int x = u8();
                result |= (x & 0x7f) << shift;
                if ((x & 0x80) == 0) {
                    return result;
                }
            }
            throw new IOException("a metadata varint longer than 5 bytes");
        }

        private long varlong() throws IOException {
            long result = 0;
            for (int shift = 0; shift < 70; shift += 7) {
                int x = u8();
                result |= (long) (x & 0x7f) << shift;
                if ((x & 0x80) == 0) {
                    return result;
                }
            }
            throw new IOException("a metadata varint longer than 10 bytes");
        }

        private static int zigzag32(int n) {
            return (n >>> 1) ^ -(n & 1);
        }
    }

    // ---- writing --------------------------------------------------------------------------------------

    /** Thrift's compact protocol, writing: just the field kinds Canopy's footers and page headers use. */
    static final class Writer {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private final int[] lastId = new int[Reader.MAX_DEPTH];
        private int depth;

        byte[] toByteArray() {
            return out.toByteArray();
        }

        Writer begin(int id) {
            header(id, Reader.STRUCT);
            return open();
        }

        /** Opens a struct that has no field header: the top level, or a list element. */
        Writer open() {
            lastId[++depth] = 0;
            return this;
        }

        Writer end() {
            out.write(0);
            depth--;
            return this;
        }

        Writer i32(int id, int v) {
            header(id, Reader.I32);
            varint(((long) v << 1) ^ (v >> 31));
            return this;
        }

        Writer i64(int id, long v) {
            header(id, Reader.I64);
            varint((v << 1) ^ (v >> 63));
            return this;
        }

        /** An i8 field: compact Thrift writes bytes raw. */
        Writer i8(int id, int v) {
            header(id, Reader.BYTE);
            out.write(v);
            return this;
        }

        Writer bool(int id, boolean v) {
            header(id, v ? Reader.TRUE : Reader.FALSE);
            return this;
        }

        Writer string(int id, String s) {
            header(id, Reader.BINARY);
            binary(s);
            return this;
        }

        /** A list header; the caller writes {@code size} elements of {@code elementType} after it. */
        Writer list(int id, int elementType, int size) {
            header(id, Reader.LIST);
            if (size < 15) {
                out.write(size << 4 | elementType);
            } else {
                out.write(0xf0 | elementType);
                varint(size);
            }
            return this;
        }

        Writer element(int v) {
            varint(((long) v << 1) ^ (v >> 31));
            return this;
        }

        Writer element(String s) {
            binary(s);
            return this;
        }

        private void binary(String s) {
            byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
            varint(bytes.length);
            out.writeBytes(bytes);
        }

        private void header(int id, int type) {
            int delta = id - lastId[depth];
            if (delta > 0 && delta <= 15) {
                out.write(delta << 4 | type);
            } else {
                out.write(type);
                varint(((long) id << 1) ^ (id >> 31));
            }
            lastId[depth] = id;
        }

        private void varint(long v) {
            while ((v & ~0x7FL) != 0) {
                out.write((int) ((v & 0x7F) | 0x80));
                v >>>= 7;
            }
            out.write((int) v);
        }
    }
}
