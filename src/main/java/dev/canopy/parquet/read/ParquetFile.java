package dev.canopy.parquet.read;

import dev.canopy.parquet.format.ParquetFormat;
import dev.canopy.parquet.codec.PureJavaCodecs;
import dev.canopy.parquet.ParquetException;

import dev.canopy.parquet.format.ParquetFormat.ColumnMeta;
import dev.canopy.parquet.format.ParquetFormat.Element;
import dev.canopy.parquet.format.ParquetFormat.Encoding;
import dev.canopy.parquet.format.ParquetFormat.FileMeta;
import dev.canopy.parquet.format.ParquetFormat.Kind;
import dev.canopy.parquet.format.ParquetFormat.Logical;
import dev.canopy.parquet.format.ParquetFormat.PageHeader;
import dev.canopy.parquet.format.ParquetFormat.Repetition;
import dev.canopy.parquet.format.ParquetFormat.Type;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.SeekableInputStream;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * A Parquet file read straight from the format: the footer and page headers by {@link ParquetFormat}, the
 * projected column chunks of many row groups fetched together (neighbours joined, the reads issued at once when
 * the file supports vectored reads; see {@link ReadTuning}), their pages decompressed and handed to
 * {@link PageDecoder}. It needs neither parquet-hadoop (and Hadoop) nor parquet-column. Encrypted files are
 * refused; nested and repeated columns are listed, and refused by the callers that score columns.
 */
public final class ParquetFile implements AutoCloseable {
    private static final byte[] MAGIC = {'P', 'A', 'R', '1'};
    private static final byte[] ENCRYPTED_MAGIC = {'P', 'A', 'R', 'E'};
    /** A footer larger than this is not a file Canopy should read (real ones are kilobytes). */
    private static final int MAX_FOOTER = 64 << 20;
    /** The largest decompressed page read (writers' defaults are 1 MiB). */
    public static final int MAX_PAGE = 64 << 20;
    /**
     * The most values one page may hold. Pages are decoded whole, with up to 16 bytes of work space per value,
     * so this bounds a column's decoding memory (64 MiB) whatever a file claims.
     */
    public static final int MAX_PAGE_VALUES = 1 << 22;

    private final InputFile file;
    private final SeekableInputStream in;
    private final FileMeta meta;
    private final List<Column> columns;
    /** The column chunks fetched together and not yet handed out. */
    private final ChunkWindow window;

    /**
     * A leaf column: its dotted path, physical type (with its fixed length), the maximum definition and
     * repetition levels the schema gives it, and its logical type as text (for messages), or null.
     */
    public record Column(String path, List<String> pathList, Type type, int typeLength, int maxDefinition, int maxRepetition,
                  Logical logical) {
        /**
         * Whether {@link PageDecoder} reads the column as numbers: integers (signed or not), decimals in each
         * of their four physical forms, dates, times and timestamps (INT96 included), floats of 16, 32 and 64
         * bits, booleans, and columns of nulls.
         */
        public boolean numeric() {
            Kind k = logical == null ? null : logical.kind();
            return switch (type) {
                case BOOLEAN, FLOAT, DOUBLE, INT96 -> true;
                case INT32, INT64 -> k == null || k == Kind.INTEGER || k == Kind.DECIMAL || k == Kind.DATE
                        || k == Kind.TIME || k == Kind.TIMESTAMP || k == Kind.NULL;
                case FIXED_LEN_BYTE_ARRAY -> (k == Kind.DECIMAL && typeLength > 0) || (k == Kind.FLOAT16 && typeLength == 2);
                case BYTE_ARRAY -> k == Kind.DECIMAL;
            };
        }

        /** The column's type as people name it: the logical type, else the physical one. */
        public String describe() {
            if (logical != null) {
                return logical.text();
            }
            return switch (type) {
                case BYTE_ARRAY -> "binary";
                case FIXED_LEN_BYTE_ARRAY -> "fixed_size_binary[" + typeLength + "]";
                case INT96 -> "int96 timestamp";
                default -> type.name().toLowerCase(Locale.ROOT);
            };
        }
    }

    /** One data page, decompressed: v1 pages hold their levels in {@code data}, v2 pages apart. */
    public record Page(boolean v2, int valueCount, Encoding valueEncoding, Encoding definitionEncoding,
                byte[] definitionLevels, byte[] data) {
    }

    /** A dictionary page, decompressed. */
    public record Dictionary(int size, Encoding encoding, byte[] data) {
    }

    /**
     * One column chunk: its compressed bytes and the places of its data pages, which {@link #page} decompresses
     * one at a time, so a chunk never holds more than one decompressed data page. The chunk is
     * {@code bytes[start, end)} (a read may share its bytes with neighbouring chunks), {@code fileStart} where
     * it starts in its file, and {@code meta} its footer entry: with {@link #raw()}, what a writer needs to copy
     * the chunk into another file as it is.
     */
    public record Chunk(Dictionary dictionary, List<PageHeader> headers, int[] offsets, byte[] bytes,
                 PureJavaCodecs.ArrayDecompressor codec, Column column, ColumnMeta meta, int start, int end,
                 long fileStart) {
        public int pages() {
            return headers.size();
        }

        /** The chunk's own bytes, as in its file: its pages (the dictionary page first), with their headers. */
        public byte[] raw() {
            return start == 0 && end == bytes.length ? bytes : Arrays.copyOfRange(bytes, start, end);
        }

        /**
         * This chunk holding only its own bytes: what to keep of a chunk beyond its row group, so that the bytes of
         * the chunks read with it (the features of a scan) can be freed.
         */
        public Chunk compact() {
            if (start == 0 && end == bytes.length) {
                return this;
            }
            int[] shifted = offsets.clone();
            for (int i = 0; i < shifted.length; i++) {
                shifted[i] -= start;
            }
            return new Chunk(dictionary, headers, shifted, raw(), codec, column, meta, 0, end - start, fileStart);
        }

        public Page page(int i) throws IOException {
            PageHeader h = headers.get(i);
            int at = offsets[i];
            int compressed = h.compressedSize();
            if (h.type() == ParquetFormat.DATA_PAGE) {
                return new Page(false, h.values(), h.encoding(), h.definitionEncoding(), null,
                        codec.decompress(bytes, at, compressed, h.uncompressedSize()));
            }
            int rl = h.repetitionLength();
            int dl = h.definitionLength();
            if (rl > 0) {
                throw new ParquetException("column " + column.path() + " has repetition levels; only flat columns are read");
            }
            int bodyAt = at + rl + dl;
            int bodyLength = compressed - rl - dl;
            // levels are never compressed in v2 pages; the values are unless is_compressed is false
            byte[] body = h.compressed()
                    ? codec.decompress(bytes, bodyAt, bodyLength, h.uncompressedSize() - rl - dl)
                    : Arrays.copyOfRange(bytes, bodyAt, bodyAt + bodyLength);
            return new Page(true, h.values(), h.encoding(), Encoding.RLE, Arrays.copyOfRange(bytes, at + rl, at + rl + dl), body);
        }
    }

    private ParquetFile(InputFile file, ReadTuning tuning, SeekableInputStream in, FileMeta meta, List<Column> columns,
                        byte[] tail, long tailStart) {
        this.file = file;
        this.in = in;
        this.meta = meta;
        this.columns = columns;
        this.window = new ChunkWindow(tuning, in, tail, tailStart);
    }

    /**
     * Opens a file: one read of its last {@link ReadTuning#tailGuess()} bytes (the file's {@link ReadTuning}, or
     * the default), and one more only when the footer is longer than that.
     */
    public static ParquetFile open(InputFile file) throws IOException {
        ReadTuning tuning = ReadTuning.of(file);
        long length = file.getLength();
        if (length < 12) {
            throw new ParquetException(length + " bytes is too small for a Parquet file");
        }
        SeekableInputStream in = file.newStream();
        try {
            // One read for the tail, which holds the whole footer of a typical file: on object storage each
            // read is a request, and reading the length first, then the footer, would cost two.
            int tailLength = (int) Math.min(length, tuning.tailGuess());
            byte[] tail = new byte[tailLength];
            in.seek(length - tailLength);
            in.readFully(tail);
            if (Arrays.equals(Arrays.copyOfRange(tail, tailLength - 4, tailLength), ENCRYPTED_MAGIC)) {
                throw new ParquetException("encrypted Parquet files are not supported");
            }
            if (!Arrays.equals(Arrays.copyOfRange(tail, tailLength - 4, tailLength), MAGIC)) {
                throw new ParquetException("no Parquet magic number at the end of the file");
            }
            int footerLength = ByteBuffer.wrap(tail, tailLength - 8, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
            if (footerLength <= 0 || footerLength > MAX_FOOTER || footerLength > length - 12) {
                throw new ParquetException("footer length " + footerLength + " does not fit a " + length + "-byte file");
            }
            FileMeta meta;
            long tailStart = length - tailLength;
            if (footerLength + 8 > tailLength) {
                // a footer longer than the tail: fetch only what the tail lacks, then read from the joined bytes
                byte[] bytes = new byte[footerLength + 8];
                in.seek(length - 8 - footerLength);
                in.readFully(bytes, 0, bytes.length - tailLength);
                System.arraycopy(tail, 0, bytes, bytes.length - tailLength, tailLength);
                tail = bytes;
                tailLength = bytes.length;
                tailStart = length - tailLength;
            }
            meta = ParquetFormat.readFileMeta(tail, tailLength - 8 - footerLength, footerLength);
            return new ParquetFile(file, tuning, in, meta, columns(meta.schema()), tail, tailStart);
        } catch (IOException | RuntimeException e) {
            in.close();
            throw e;
        }
    }

    public List<Column> columns() {
        return columns;
    }

    /**
     * The schema element of a top-level column as the file declares it (physical, logical and converted type,
     * repetition), a copy the caller may change: how a copied column keeps its source's types.
     */
    public org.apache.parquet.format.SchemaElement schemaElement(Column column) {
        List<Element> elements = meta.schema();
        if (column.pathList().size() == 1) {
            int at = 1;
            for (int i = 0; i < elements.getFirst().children(); i++) {
                Element e = elements.get(at);
                if (e.type() != null && e.name().equals(column.path())) {
                    return e.source().deepCopy();
                }
                at = skip(elements, at);
            }
        }
        throw new IllegalArgumentException("not a top-level column: " + column.path());
    }

    /** The index after the subtree at {@code at} (the schema's child counts were checked when it was read). */
    private static int skip(List<Element> elements, int at) {
        Element e = elements.get(at++);
        for (int i = 0; i < e.children(); i++) {
            at = skip(elements, at);
        }
        return at;
    }

    public int rowGroups() {
        return meta.rowGroups().size();
    }

    public long rows(int rowGroup) {
        return meta.rowGroups().get(rowGroup).rows();
    }

    /** The writer's key-value metadata (pandas' schema under "pandas", Arrow's under "ARROW:schema"). */
    public java.util.Map<String, String> keyValues() {
        return meta.keyValues();
    }

    /**
     * Reads the chunks of {@code wanted} in one row group, in the order given. They come from the window: on the
     * first call, and whenever the row group is not in it, the chunks of {@code wanted} in this row group and the
     * following ones (as many as fit {@link ReadTuning#readAheadBytes()}, at least this one) are fetched together
     * ({@link ChunkWindow#take}). A file read row group after row group with the same columns therefore costs one
     * round trip per window, not one per row group. Pages are decompressed as they are decoded.
     */
    public List<Chunk> read(int rowGroup, List<Column> wanted) throws IOException {
        ChunkWindow.Taken taken = window.take(this, rowGroup, wanted);
        byte[][] bytes = taken.bytes();
        int[] base = taken.base();
        List<Chunk> out = new ArrayList<>(wanted.size());
        for (int j = 0; j < wanted.size(); j++) {
            out.add(chunk(chunk(rowGroup, wanted.get(j)), wanted.get(j), bytes[j], base[j]));
        }
        return out;
    }

    /**
     * Where a chunk starts: at its dictionary page when it has one. Writers mark "no dictionary" by leaving the
     * offset out, or by 0 (parquet-cpp before 2.0), and a chunk of a 0-row row group may hold a dictionary page
     * and no data page, with a data page offset of 0 (pyarrow's empty table). Checked against the file.
     */
    long start(ColumnMeta cm) throws IOException {
        if (cm.filePath() != null) {
            throw new ParquetException("column chunks in other files are not supported");
        }
        long start = cm.dataOffset();
        long dictionaryAt = cm.dictionaryOffset();
        if (dictionaryAt >= 4 && (dictionaryAt < start || start < 4)) {
            start = dictionaryAt;
        }
        long size = cm.compressedSize();
        if (start < 4 || size <= 0 || size > Integer.MAX_VALUE - 16 || start + size > file.getLength()) {
            throw new ParquetException("column chunk at " + start + " of " + size + " bytes lies outside the file");
        }
        return start;
    }

    ColumnMeta chunk(int rowGroup, Column column) throws ParquetException {
        List<String> path = column.pathList();
        for (ColumnMeta c : meta.rowGroups().get(rowGroup).columns()) {
            if (path.equals(c.path())) {
                return c;
            }
        }
        throw new ParquetException("row group " + rowGroup + " has no chunk for column " + path);
    }

    /** Parses a chunk's page headers; its bytes are {@code bytes[base, base + compressed size)}. */
    private Chunk chunk(ColumnMeta cm, Column column, byte[] bytes, int base) throws IOException {
        int end = base + (int) cm.compressedSize();
        PureJavaCodecs.ArrayDecompressor codec = PureJavaCodecs.INSTANCE.decompressor(cm.codec());
        int[] position = {base};
        Dictionary dictionary = null;
        List<PageHeader> headers = new ArrayList<>();
        List<Integer> offsets = new ArrayList<>();
        long values = 0;
        while (values < cm.values() && position[0] < end) {
            PageHeader h = ParquetFormat.readPageHeader(bytes, position, end);
            int at = position[0];
            int compressed = h.compressedSize();
            if (compressed > end - at) {
                throw new ParquetException("a page of " + compressed + " bytes runs past its column chunk");
            }
            position[0] += compressed;
            switch (h.type()) {
                case ParquetFormat.DICTIONARY_PAGE -> {
                    checkSizes(h, cm.codec(), column);
                    dictionary = new Dictionary(h.values(), h.encoding(), codec.decompress(bytes, at, compressed,
                            h.uncompressedSize()));
                }
                case ParquetFormat.DATA_PAGE, ParquetFormat.DATA_PAGE_V2 -> {
                    checkSizes(h, cm.codec(), column);
                    if (h.type() == ParquetFormat.DATA_PAGE_V2) {
                        int rl = h.repetitionLength();
                        int dl = h.definitionLength();
                        if (rl < 0 || dl < 0 || (long) rl + dl > compressed || (long) rl + dl > h.uncompressedSize()) {
                            throw new ParquetException("a v2 page's level lengths exceed the page");
                        }
                    }
                    headers.add(h);
                    offsets.add(at);
                    values += h.values();
                }
                default -> {
                    // index pages carry nothing a reader needs
                }
            }
        }
        if (values < cm.values()) {
            throw new ParquetException("column chunk " + cm.path() + " holds " + values + " of its " + cm.values() + " values");
        }
        return new Chunk(dictionary, List.copyOf(headers), offsets.stream().mapToInt(Integer::intValue).toArray(), bytes,
                codec, column, cm, base, end, start(cm));
    }

    /**
     * The sizes a page header declares, checked before anything is allocated by them: the decompressed size
     * against {@link #MAX_PAGE} and against the most its codec can expand the page's compressed bytes, the
     * value count against {@link #MAX_PAGE_VALUES}.
     */
    private static void checkSizes(PageHeader h, String codec, Column column) throws IOException {
        long compressed = h.compressedSize();
        long most = switch (codec) {
            case "UNCOMPRESSED" -> compressed;
            case "SNAPPY" -> 32 * compressed + 64; // a 3-byte copy emits at most 64 bytes
            case "LZ4", "LZ4_RAW" -> 256 * compressed + 64; // each further length byte adds at most 255
            case "GZIP" -> 1040 * compressed + 64; // DEFLATE's greatest expansion is 1032:1
            default -> MAX_PAGE; // ZSTD and BROTLI: only the absolute bound
        };
        if (h.uncompressedSize() > Math.min(most, MAX_PAGE) || h.uncompressedSize() < 0) {
            throw new ParquetException("column " + column.path() + ": a " + codec + " page of " + compressed
                    + " bytes claims " + h.uncompressedSize() + " bytes decompressed; at most "
                    + Math.min(most, MAX_PAGE) + " are possible or accepted");
        }
        if (h.values() < 0 || h.values() > MAX_PAGE_VALUES) {
            throw new ParquetException("column " + column.path() + ": a page claims " + h.values() + " values; pages of up to "
                    + MAX_PAGE_VALUES + " values are read (writers' defaults are 20,000)");
        }
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
    static List<Column> columns(List<Element> elements) throws IOException {
        if (elements == null || elements.isEmpty()) {
            throw new ParquetException("the footer has no schema");
        }
        List<Column> out = new ArrayList<>();
        int[] next = {1};
        for (int i = 0; i < elements.getFirst().children(); i++) {
            walk(elements, next, new ArrayList<>(), 0, 0, out);
        }
        return List.copyOf(out);
    }

    private static void walk(List<Element> elements, int[] next, List<String> path, int def, int rep,
                             List<Column> out) throws IOException {
        if (next[0] >= elements.size()) {
            throw new ParquetException("the footer's schema lists fewer elements than its child counts promise");
        }
        if (path.size() > 64) {
            throw new ParquetException("the footer's schema nests deeper than 64 levels");
        }
        Element e = elements.get(next[0]++);
        List<String> here = new ArrayList<>(path);
        here.add(e.name());
        Repetition r = e.repetition() != null ? e.repetition() : Repetition.REQUIRED;
        int d = def + (r == Repetition.REQUIRED ? 0 : 1);
        int p = rep + (r == Repetition.REPEATED ? 1 : 0);
        if (e.type() == null) {
            for (int i = 0; i < e.children(); i++) {
                walk(elements, next, here, d, p, out);
            }
            return;
        }
        out.add(new Column(String.join(".", here), List.copyOf(here), e.type(), e.typeLength(), d, p, e.logical()));
    }
}
