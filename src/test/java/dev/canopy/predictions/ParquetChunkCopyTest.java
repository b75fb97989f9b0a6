package dev.canopy.predictions;

import dev.canopy.data.DuckDb;
import dev.canopy.data.KeptColumns;
import dev.canopy.data.ParquetColumns;
import dev.canopy.data.ParquetJavaOracle;
import dev.canopy.parquet.write.ParquetWriterLite;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.io.LocalInputFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the predictions writer adds to {@link ParquetWriterLite}: column chunks copied from another file as they
 * are (any codec and encoding, pages untouched), key-value metadata, and row groups larger than one page.
 */
class ParquetChunkCopyTest {
    @TempDir
    Path dir;

    @Test
    void chunksOfAnyCodecAndEncodingAreCopiedAsTheyAre() throws Exception {
        Path shard = dir.resolve("v2.parquet");
        Path out = dir.resolve("copy.parquet");
        try (DuckDb duck = new DuckDb()) {
            // format v2: DELTA_BINARY_PACKED integers, DELTA_LENGTH_BYTE_ARRAY text, ZSTD pages
            duck.write(shard, "SELECT i::BIGINT AS id, CASE WHEN i % 3 = 0 THEN NULL ELSE 'text ' || (i * 7919) END AS t,"
                    + " (i % 10 / 10.0)::DOUBLE AS x FROM range(5000) r(i)", "COMPRESSION zstd, PARQUET_VERSION v2, ROW_GROUP_SIZE 2048");
            double[] predictions = new double[5000];
            int[] n = {0};
            KeptColumns kept = KeptColumns.of(List.of("t", "id"), false);
            long rows = ParquetColumns.scan("shard", new LocalInputFile(shard), List.of("x"), Map.of(), kept, (cols, count) -> {
                System.arraycopy(cols[0], 0, predictions, n[0], count);
                n[0] += count;
            });
            assertEquals(5000, rows);
            Files.write(out, ParquetPredictionsWriter.write(predictions, n[0], kept, Map.of("k", "v")));
            assertEquals("0", duck.query("SELECT count(*) FROM read_parquet('" + shard + "') a POSITIONAL JOIN read_parquet('"
                    + out + "') b WHERE a.id IS DISTINCT FROM b.id OR a.t IS DISTINCT FROM b.t OR a.x <> b.prediction"));
            assertEquals("5000", duck.query("SELECT count(*) FROM read_parquet('" + out + "')"));
            String encodings = "SELECT string_agg(encodings || '/' || compression, ';' ORDER BY row_group_id) FROM parquet_metadata('%s')"
                    + " WHERE path_in_schema = '%s'";
            for (String c : List.of("id", "t")) {
                String source = duck.query(encodings.formatted(shard, c));
                assertTrue(source.contains("DELTA") && source.contains("ZSTD"), source);
                assertEquals(source, duck.query(encodings.formatted(out, c)), c + ": the pages as they were");
            }
        }
        try (ParquetFileReader reader = ParquetJavaOracle.open(out)) {
            assertEquals("v", reader.getFooter().getFileMetaData().getKeyValueMetaData().get("k"));
            assertEquals(5000, reader.getRecordCount());
        }
    }

    @Test
    void aRowGroupLargerThanAPageIsWrittenInSeveralPages() throws Exception {
        int rows = 2 * ParquetWriterLite.PAGE_ROWS + 5;
        double[] d = new double[rows];
        boolean[] nulls = new boolean[rows];
        String[] s = new String[rows];
        for (int i = 0; i < rows; i++) {
            d[i] = i * 0.5;
            nulls[i] = i % 1000 == 7;
            s[i] = i % 11 == 0 ? null : "k" + (i % 50);
        }
        Path file = dir.resolve("pages.parquet");
        try (OutputStream out = Files.newOutputStream(file)) {
            ParquetWriterLite.write(out, List.of(new ParquetWriterLite.Field("d", ParquetWriterLite.Kind.DOUBLE, true),
                            new ParquetWriterLite.Field("s", ParquetWriterLite.Kind.STRING, true)),
                    List.of(List.of(new ParquetWriterLite.Values(d, nulls), new ParquetWriterLite.Values(s, null))), List.of(rows));
        }
        try (DuckDb duck = new DuckDb()) {
            double[] back = duck.read(file, "d");
            assertEquals(rows, back.length);
            for (int i = 0; i < rows; i++) {
                assertEquals(nulls[i] ? Double.NaN : d[i], back[i], "row " + i);
            }
            assertEquals(String.valueOf(rows / 11 + 1), duck.query("SELECT count(*) FROM read_parquet('" + file + "') WHERE s IS NULL"));
            for (int r : new int[]{0, 1, ParquetWriterLite.PAGE_ROWS, rows - 1}) {
                assertEquals(s[r], duck.query("SELECT s FROM read_parquet('" + file + "') OFFSET " + r + " LIMIT 1"), "row " + r);
            }
        }
        double[] canopy = new double[rows];
        int[] at = {0};
        ParquetColumns.scan("f", new LocalInputFile(file), List.of("d"), (cols, n) -> {
            System.arraycopy(cols[0], 0, canopy, at[0], n);
            at[0] += n;
        });
        for (int i = 0; i < rows; i++) {
            assertEquals(nulls[i] ? Double.NaN : d[i], canopy[i], "row " + i);
        }
        try (ParquetFileReader reader = ParquetJavaOracle.open(file)) {
            ColumnChunkMetaData c = reader.getRowGroups().getFirst().getColumns().getFirst();
            var pages = reader.readNextRowGroup().getPageReader(reader.getFooter().getFileMetaData().getSchema().getColumns().getFirst());
            int count = 0;
            long values = 0;
            org.apache.parquet.column.page.DataPage p;
            while ((p = pages.readPage()) != null) {
                count++;
                values += p.getValueCount();
            }
            assertEquals(3, count, "pages of at most " + ParquetWriterLite.PAGE_ROWS + " rows");
            assertEquals(rows, values);
            assertEquals(rows, c.getValueCount());
        }
    }
}
