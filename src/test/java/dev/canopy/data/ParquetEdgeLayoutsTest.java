package dev.canopy.data;

import dev.canopy.parquet.read.ByteArrayInputFile;
import dev.canopy.parquet.format.ParquetFormat;

import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.schema.MessageTypeParser;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Layouts other writers produce at the edges: a 0-row row group whose chunk is a dictionary page only
 * (pyarrow's empty table), a dictionary offset of 0 meaning "none", files with no row groups at all, and
 * pandas' index stored as a column.
 */
class ParquetEdgeLayoutsTest {
    static DuckDb duck;

    @TempDir
    Path dir;

    @BeforeAll
    static void open() throws Exception {
        duck = new DuckDb();
    }

    @AfterAll
    static void close() throws Exception {
        duck.close();
    }

    /** pyarrow's empty table: one row group of 0 rows, its chunk a dictionary page with a data page offset of 0. */
    @Test
    void zeroRowGroupWithOnlyADictionaryPage() {
        byte[] file = new ForgedParquet().dictionaryPage(0, 0, new byte[0]).offsets(0, 4)
                .file(ParquetFormat.Type.DOUBLE, true, 1, 1, 0, 0, null);
        assertEquals(0, ParquetColumns.scan("shard", new ByteArrayInputFile(file, "empty.parquet"), List.of("x"),
                (c, n) -> { throw new AssertionError("no rows to hand out"); }));
        Table t = TableReader.read("data", "empty.parquet", file);
        assertEquals(0, t.rows());
        assertEquals(List.of("x"), t.names());
    }

    /** Older parquet-cpp wrote a dictionary offset of 0 for "no dictionary"; the chunk starts at its data page. */
    @Test
    void dictionaryOffsetZeroMeansNone() {
        ForgedParquet f = new ForgedParquet().dataPage(3, 0, 24, ForgedParquet.doubles(1.5, -2, 7));
        byte[] file = f.offsets(4, 0).file(ParquetFormat.Type.DOUBLE, false, 0, 2, 3, 3, null);
        double[] got = new double[6];
        int[] at = {0};
        assertEquals(6, ParquetColumns.scan("shard", new ByteArrayInputFile(file, "zero.parquet"), List.of("x"), (c, n) -> {
            System.arraycopy(c[0], 0, got, at[0], n);
            at[0] += n;
        }));
        assertArrayEquals(new double[]{1.5, -2, 7, 1.5, -2, 7}, got);
    }

    @Test
    void filesWithNoRowGroups() throws Exception {
        Path duckFile = dir.resolve("duck-empty.parquet");
        duck.write(duckFile, "SELECT 1.5::DOUBLE AS a, 2::INTEGER AS b WHERE false", "");
        Path javaFile = dir.resolve("java-empty.parquet");
        var schema = MessageTypeParser.parseMessageType("message m { optional double a; required int32 b; }");
        try (ParquetWriter<Group> w = ExampleParquetWriter.builder(new LocalOutputFile(javaFile))
                .withConf(new PlainParquetConfiguration()).withType(schema)
                .withWriteMode(ParquetFileWriter.Mode.OVERWRITE).build()) {
            // no rows
        }
        for (Path p : List.of(duckFile, javaFile)) {
            Table t = TableReader.read("data", p.toString(), Files.readAllBytes(p));
            assertEquals(0, t.rows(), p.toString());
            assertEquals(List.of("a", "b"), t.names());
            assertEquals(0, ParquetTypesTest.scan(p, List.of("a", "b"))[0].length);
        }
    }

    /** pandas' index columns, unnamed and named, are kept but are no default feature; asked for by name, they are read. */
    @Test
    void pandasIndexColumnsAreNoDefaultFeatures() throws Exception {
        Path file = dir.resolve("pandas.parquet");
        String pandas = "{\"index_columns\": [\"__index_level_0__\", \"store\", {\"kind\": \"range\", \"start\": 0}],"
                + " \"column_indexes\": [], \"columns\": []}";
        duck.write(file, "SELECT i::DOUBLE AS rooms, (i * 2)::DOUBLE AS MedHouseVal, i AS __index_level_0__,"
                + " (i % 3)::INTEGER AS store FROM range(0, 10) t(i)", "KV_METADATA {pandas: '" + pandas + "'}");
        Table t = TableReader.read("data", file.toString(), Files.readAllBytes(file));
        assertEquals(List.of("rooms"), t.numericColumnsExcept("MedHouseVal"));
        assertEquals(2.0, t.numeric("features", "store")[2]);
        assertEquals(List.of("__index_level_0__", "store"), List.copyOf(ParquetTableReader.pandasIndex(pandas)));
        // no pandas metadata: every numeric column is a feature
        Path plain = dir.resolve("plain.parquet");
        duck.write(plain, "SELECT 1.0::DOUBLE AS rooms, 2.0::DOUBLE AS y, 3 AS __index_level_0__", "");
        assertEquals(List.of("rooms", "__index_level_0__"),
                TableReader.read("data", "plain", Files.readAllBytes(plain)).numericColumnsExcept("y"));
    }
}
