package dev.canopy.data;

import dev.canopy.parquet.format.ParquetFormat;
import dev.canopy.parquet.read.ParquetFile;
import dev.canopy.parquet.codec.PureJavaCodecs.UnsupportedCodecException;
import dev.canopy.parquet.read.PageDecoder;

import dev.canopy.error.InvalidInputException;
import org.apache.parquet.io.InputFile;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Streams chosen numeric columns of a Parquet file as doubles, one row group at a time, reading only
 * those columns' chunks. Handles what other writers produce: pyarrow's int8/int16 (INT32 with an integer
 * annotation), timestamps (INT64, as their raw unit), FLOAT/DOUBLE, BOOLEAN, nulls (NaN), all-null
 * columns, dictionary-encoded pages and several row groups.
 */
public final class ParquetColumns {

    /**
     * Receives one batch of rows (at most {@link #BATCH}, never across row groups): {@code columns[j][0..rows)}
     * in the order the columns were asked for. The arrays are reused for the next batch.
     */
    @FunctionalInterface
    public interface BatchConsumer {
        void accept(double[][] columns, int rows);
    }

    /** Rows handed to the consumer at a time, at most. */
    static final int BATCH = 1 << 16;

    private ParquetColumns() {
    }

    /** The names of the file's flat columns, from the footer. */
    public static java.util.Set<String> columnNames(String field, InputFile file) {
        try (ParquetFile reader = ParquetFile.open(file)) {
            java.util.Set<String> names = new java.util.LinkedHashSet<>();
            for (ParquetFile.Column c : reader.columns()) {
                names.add(c.path());
            }
            return names;
        } catch (IOException | UnsupportedCodecException e) {
            throw unreadable(field, file, e);
        }
    }

    public static long scan(String field, InputFile file, List<String> names, BatchConsumer consumer) {
        return scan(field, file, names, Map.of(), consumer);
    }

    /**
     * As {@link #scan(String, InputFile, List, BatchConsumer)}, and a text column named in {@code text} is
     * read as UTF-8 strings, each turned into a double by its function (nulls are NaN): how a model's
     * categorical features get their codes.
     */
    public static long scan(String field, InputFile file, List<String> names,
                            Map<String, java.util.function.ToDoubleFunction<String>> text, BatchConsumer consumer) {
        return scan(field, file, names, text, KeptColumns.none(), consumer);
    }

    /**
     * As {@link #scan(String, InputFile, List, Map, BatchConsumer)}, and the chunks of the {@code kept} columns are
     * gathered into it, row group by row group, fetched in the same ranged reads as the scanned columns.
     */
    public static long scan(String field, InputFile file, List<String> names,
                            Map<String, java.util.function.ToDoubleFunction<String>> text, KeptColumns kept,
                            BatchConsumer consumer) {
        try (ParquetFile reader = ParquetFile.open(file)) {
            List<ParquetFile.Column> cols = new ArrayList<>();
            Map<String, ParquetFile.Column> byName = new HashMap<>();
            for (ParquetFile.Column c : reader.columns()) {
                byName.put(c.path(), c);
            }
            for (String n : names) {
                ParquetFile.Column c = byName.get(n);
                if (c == null) {
                    throw new InvalidInputException(field, file.toString(), "has no column \"" + n + "\"; it has "
                            + byName.keySet().stream().sorted().toList());
                }
                if (c.maxRepetition() > 0) {
                    throw new InvalidInputException(field, file.toString(), "column \"" + n + "\" is repeated; only flat columns can be scored");
                }
                boolean asText = text.containsKey(n);
                if (asText ? c.type() != ParquetFormat.Type.BYTE_ARRAY : !c.numeric()) {
                    throw new InvalidInputException(field, file.toString(), "column \"" + n + "\" is "
                            + c.describe() + ", not " + (asText ? "text (the model takes it as categories)" : "numeric"));
                }
                cols.add(c);
            }
            List<ParquetFile.Column> wanted = new ArrayList<>(cols);
            wanted.addAll(kept.bind(file.toString(), reader, byName));
            long total = 0;
            double[][] out = new double[cols.size()][];
            PageDecoder decoder = new PageDecoder();
            PageDecoder.Cursor[] cursors = new PageDecoder.Cursor[cols.size()];
            for (int g = 0; g < reader.rowGroups(); g++) {
                long rows = reader.rows(g);
                if (rows < 0) {
                    throw new InvalidInputException(field, file.toString(), "row group " + g + " claims " + rows + " rows");
                }
                if (rows == 0) {
                    continue; // nothing to decode; such a row group's chunks may hold a dictionary page only
                }
                // Project: only the wanted column chunks are read (ranged reads on object storage).
                List<ParquetFile.Chunk> chunks = reader.read(g, wanted);
                if (!kept.isEmpty()) {
                    if (rows > Integer.MAX_VALUE) {
                        throw new InvalidInputException(field, file.toString(), "row group " + g + " claims " + rows + " rows");
                    }
                    kept.add((int) rows, chunks.subList(cols.size(), wanted.size()));
                }
                for (int j = 0; j < cols.size(); j++) {
                    cursors[j] = decoder.new Cursor(chunks.get(j), rows, text.get(names.get(j)));
                }
                // Batches of at most BATCH rows, whatever a row group claims: memory follows the batch size and
                // the pages, not the footer's row count.
                for (long done = 0; done < rows; ) {
                    int n = (int) Math.min(BATCH, rows - done);
                    for (int j = 0; j < cols.size(); j++) {
                        if (out[j] == null || out[j].length < n) {
                            out[j] = new double[n];
                        }
                        cursors[j].fill(out[j], n);
                    }
                    consumer.accept(out, n);
                    done += n;
                    total += n;
                }
            }
            return total;
        } catch (IOException | UnsupportedCodecException e) {
            throw unreadable(field, file, e);
        }
    }

    /**
     * A file the Parquet library refused: its explicit checks (lengths, counts, offsets, encodings) raise
     * {@link dev.canopy.parquet.ParquetException}, an I/O error of the file is an IOException too. Nothing else is
     * mapped: a storage fault keeps its own type (and retryability), and any other exception is a bug to be seen.
     */
    private static InvalidInputException unreadable(String field, InputFile file, Exception e) {
        return new InvalidInputException(field, file.toString(), "not a readable Parquet file: " + e.getMessage());
    }
}
