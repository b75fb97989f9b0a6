package dev.canopy.data;

import dev.canopy.error.InvalidInputException;
import dev.canopy.parquet.format.ParquetFormat;
import dev.canopy.parquet.read.ParquetFile;
import org.apache.parquet.format.SchemaElement;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Input columns carried into a shard's predictions file ({@code keepColumns}), gathered while the shard is
 * scanned: per row group, each kept column's chunk as the shard stores it (compressed pages), with the
 * column's schema element. The predictions file copies those chunks as they are, so a kept column keeps its
 * physical and logical type, its encoding and its nulls exactly, whatever its type (text, booleans, integers,
 * floats, decimals, dates, timestamps), and its values cost their compressed size in memory, not an object
 * per row. Only flat top-level columns can be kept.
 */
public final class KeptColumns {
    private final List<String> names;
    private final boolean csv;
    private final List<ParquetFile.Column> columns = new ArrayList<>();
    private final List<SchemaElement> schema = new ArrayList<>();
    private final List<Integer> groupRows = new ArrayList<>();
    private final List<List<ParquetFile.Chunk>> chunks = new ArrayList<>();
    private long bytes;

    private KeptColumns(List<String> names, boolean csv) {
        this.names = List.copyOf(names);
        this.csv = csv;
    }

    /** Columns to keep ({@code names}, checked by the caller), and whether they must also be written as CSV text. */
    public static KeptColumns of(List<String> names, boolean csv) {
        return new KeptColumns(names, csv);
    }

    public static KeptColumns none() {
        return new KeptColumns(List.of(), false);
    }

    public List<String> names() {
        return names;
    }

    public boolean isEmpty() {
        return names.isEmpty();
    }

    /** Compressed bytes held. */
    public long bytes() {
        return bytes;
    }

    public List<ParquetFile.Column> columns() {
        return columns;
    }

    public List<SchemaElement> schema() {
        return schema;
    }

    /** Rows of each row group gathered, in order. */
    public List<Integer> groupRows() {
        return groupRows;
    }

    /** Row group {@code g}'s chunks, in the order of {@link #names()}. */
    public List<ParquetFile.Chunk> chunks(int g) {
        return chunks.get(g);
    }

    /**
     * Checks, from its footer alone, that {@code shard} has the kept columns as {@link #bind} requires them; an
     * error names the column. A file that is not readable Parquet passes: that is the shard's own failure.
     */
    public void check(String shard, org.apache.parquet.io.InputFile file) {
        if (names.isEmpty()) {
            return;
        }
        ParquetFile reader;
        try {
            reader = ParquetFile.open(file);
        } catch (java.io.IOException | RuntimeException unreadable) {
            return; // the shard fails when it runs, and says why there
        }
        try (reader) {
            Map<String, ParquetFile.Column> byName = new java.util.HashMap<>();
            for (ParquetFile.Column c : reader.columns()) {
                byName.put(c.path(), c);
            }
            bind(shard, reader, byName);
        } catch (java.io.IOException closing) {
            // only the footer was read
        }
    }

    /**
     * Finds the kept columns in a shard, before anything is read. A missing column is an error naming the column,
     * the shard and the shard's columns; a nested one (list, map, struct), or for CSV one that has no text form,
     * names its type.
     */
    List<ParquetFile.Column> bind(String shard, ParquetFile reader, Map<String, ParquetFile.Column> byName) {
        for (String n : names) {
            ParquetFile.Column c = byName.get(n);
            if (c == null) {
                List<String> nested = reader.columns().stream().filter(x -> x.pathList().getFirst().equals(n))
                        .map(ParquetFile.Column::path).toList();
                if (!nested.isEmpty()) {
                    throw new InvalidInputException("keepColumns", n, "column \"" + n + "\" of shard " + shard
                            + " is nested (a list, map or struct, with leaves " + nested
                            + "); only flat columns can be kept");
                }
                throw new InvalidInputException("keepColumns", n, "shard " + shard + " has no column \"" + n
                        + "\"; it has " + reader.columns().stream().map(ParquetFile.Column::path).toList());
            }
            if (c.maxRepetition() > 0 || c.pathList().size() > 1) {
                throw new InvalidInputException("keepColumns", n, "column \"" + n + "\" of shard " + shard + " is "
                        + c.describe() + ", repeated or nested; only flat columns can be kept");
            }
            if (csv && !csvWritable(c)) {
                throw new InvalidInputException("keepColumns", n, "column \"" + n + "\" of shard " + shard + " is "
                        + c.describe() + ", which has no CSV text form in Canopy; keep it out of keepColumns or write "
                        + "Parquet only (outputFormat parquet)");
            }
            columns.add(c);
            schema.add(reader.schemaElement(c));
        }
        return columns;
    }

    /** One row group's chunks of the kept columns, each holding only its own bytes from now on. */
    void add(int rows, List<ParquetFile.Chunk> groupChunks) {
        List<ParquetFile.Chunk> own = new ArrayList<>(groupChunks.size());
        for (ParquetFile.Chunk c : groupChunks) {
            ParquetFile.Chunk compact = c.compact();
            bytes += compact.bytes().length;
            own.add(compact);
        }
        groupRows.add(rows);
        chunks.add(own);
    }

    /**
     * Whether Canopy has a text form for the column: numbers of any kind, and text. Checked here, as the columns
     * are bound, so that a column the CSV copy cannot write fails before anything is read; the text forms
     * themselves are {@code PredictionsCsv}'s, and must cover every column this admits.
     */
    static boolean csvWritable(ParquetFile.Column c) {
        if (c.numeric()) {
            return true;
        }
        ParquetFormat.Kind k = c.logical() == null ? null : c.logical().kind();
        return c.type() == ParquetFormat.Type.BYTE_ARRAY
                && (k == null || k == ParquetFormat.Kind.STRING || k == ParquetFormat.Kind.ENUM || k == ParquetFormat.Kind.JSON);
    }

    /** Whether the column holds text (a BYTE_ARRAY that is not a decimal). */
    public static boolean text(ParquetFile.Column c) {
        return c.type() == ParquetFormat.Type.BYTE_ARRAY && !c.numeric();
    }
}
