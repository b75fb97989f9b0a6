package dev.canopy.data;

import dev.canopy.parquet.read.ByteArrayInputFile;
import dev.canopy.parquet.write.ParquetWriterLite;
import dev.canopy.predictions.ParquetPredictionsWriter;
import dev.canopy.sample.TaxiShards;

import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static dev.canopy.data.ParquetJavaOracle.open;
import static dev.canopy.data.ParquetJavaOracle.records;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Canopy's own Parquet files, read back by another implementation: parquet-java's reader (a test-only
 * dependency here) must see the schema, the logical types, the row groups, the values and the nulls.
 */
class ParquetWriterLiteTest {
    @TempDir
    Path dir;



    @Test
    void taxiShardsAreReadByParquetJava() throws Exception {
        int rows = TaxiShards.ROW_GROUP + 1234; // two row groups
        long twoPlus = TaxiShards.write(dir, new int[]{rows}, 5).getFirst()[1];
        Path file = dir.resolve(String.format(TaxiShards.NAME, 0));
        try (ParquetFileReader reader = open(file)) {
            MessageType schema = reader.getFooter().getFileMetaData().getSchema();
            assertEquals(18, schema.getFieldCount());
            assertEquals(LogicalTypeAnnotation.intType(8, true), schema.getType("passenger_count").getLogicalTypeAnnotation());
            assertEquals(LogicalTypeAnnotation.timestampType(false, LogicalTypeAnnotation.TimeUnit.MICROS),
                    schema.getType("pickup_at").getLogicalTypeAnnotation());
            assertEquals(LogicalTypeAnnotation.stringType(), schema.getType("vendor_id").getLogicalTypeAnnotation());
            assertEquals(PrimitiveTypeName.FLOAT, schema.getType("fare_amount").asPrimitiveType().getPrimitiveTypeName());
            assertEquals(2, reader.getRowGroups().size());
            assertEquals(rows, reader.getRecordCount());
        }
        long counted = 0;
        long seen = 0;
        int flags = 0;
        for (Group g : records(file)) {
            seen++;
            counted += g.getInteger("passenger_count", 0) >= 2 ? 1 : 0;
            assertEquals(0, g.getFieldRepetitionCount("rate_code_id"), "rate_code_id is null in every row");
            flags += g.getFieldRepetitionCount("store_and_fwd_flag");
            assertTrue(List.of("VTS", "CMT", "DDS").contains(g.getString("vendor_id", 0)));
            assertTrue(g.getLong("dropoff_at", 0) >= g.getLong("pickup_at", 0));
        }
        assertEquals(rows, seen);
        assertEquals(twoPlus, counted);
        assertTrue(flags > 0 && flags < rows / 10, "store_and_fwd_flag is set in about one row in 50: " + flags);
    }

    @Test
    void predictionsAreReadByParquetJavaInRowOrder() throws Exception {
        double[] p = new double[1000];
        for (int i = 0; i < p.length; i++) {
            p[i] = i * 0.25 - 3;
        }
        Path file = dir.resolve("p.parquet");
        Files.write(file, ParquetPredictionsWriter.write(p, 700));
        List<Group> read = records(file);
        assertEquals(700, read.size());
        for (int i = 0; i < 700; i++) {
            assertEquals(p[i], read.get(i).getDouble("prediction", 0));
        }
        Files.write(file, ParquetPredictionsWriter.write(new double[0], 0));
        try (ParquetFileReader reader = open(file)) {
            assertEquals(0, reader.getRecordCount());
            assertFalse(reader.getFooter().getFileMetaData().getSchema().getColumns().isEmpty());
        }
    }

    /**
     * Integer and string columns with up to 1,024 distinct values are dictionary-encoded (ids 1 to 10 bits wide,
     * row counts that are not a multiple of 8, nulls between them); one more distinct value falls back to PLAIN.
     * Both parquet-java and Canopy's own reader must read back every value.
     */
    @Test
    void dictionaryEncodingRoundTripsAtItsLimits() throws Exception {
        for (int distinct : new int[]{1, 2, 3, 1024, 1025}) {
            int n = 3001;
            int[] ints = new int[n];
            String[] strings = new String[n];
            boolean[] nulls = new boolean[n];
            for (int i = 0; i < n; i++) {
                ints[i] = (i * 7919) % distinct - 5;
                strings[i] = i % 11 == 0 ? null : "s" + (i * 31) % distinct;
                nulls[i] = i % 13 == 0;
            }
            List<ParquetWriterLite.Field> fields = List.of(new ParquetWriterLite.Field("i", ParquetWriterLite.Kind.INT32, true),
                    new ParquetWriterLite.Field("s", ParquetWriterLite.Kind.STRING, true));
            java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
            ParquetWriterLite.write(bytes, fields, List.of(List.of(new ParquetWriterLite.Values(ints, nulls),
                    new ParquetWriterLite.Values(strings, null))), List.of(n));
            Path file = dir.resolve("d" + distinct + ".parquet");
            Files.write(file, bytes.toByteArray());

            try (ParquetFileReader reader = open(file)) {
                var encodings = reader.getRowGroups().getFirst().getColumns().getFirst().getEncodings();
                assertEquals(distinct <= 1024, encodings.contains(org.apache.parquet.column.Encoding.RLE_DICTIONARY),
                        distinct + " distinct: " + encodings);
            }
            List<Group> read = records(file);
            for (int i = 0; i < n; i++) {
                assertEquals(nulls[i] ? 0 : 1, read.get(i).getFieldRepetitionCount("i"), "row " + i);
                if (!nulls[i]) {
                    assertEquals(ints[i], read.get(i).getInteger("i", 0), "row " + i);
                }
                assertEquals(strings[i] == null ? 0 : 1, read.get(i).getFieldRepetitionCount("s"), "row " + i);
                if (strings[i] != null) {
                    assertEquals(strings[i], read.get(i).getString("s", 0), "row " + i);
                }
            }
            double[] mine = new double[n];
            long rows = ParquetColumns.scan("shard", new ByteArrayInputFile(bytes.toByteArray(), "written.parquet"), List.of("i"),
                    (columns, count) -> System.arraycopy(columns[0], 0, mine, 0, count));
            assertEquals(n, rows);
            for (int i = 0; i < n; i++) {
                assertEquals(nulls[i] ? Double.NaN : ints[i], mine[i], "Canopy's reader, row " + i);
            }
        }
    }
}
