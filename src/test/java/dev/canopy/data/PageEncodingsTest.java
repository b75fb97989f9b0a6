package dev.canopy.data;

import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Every encoding parquet-java's writer picks for numbers, read by Canopy's own decoder: v1 and v2 pages,
 * with and without dictionaries (DELTA_BINARY_PACKED for integers and RLE for booleans in v2 pages),
 * BYTE_STREAM_SPLIT, nulls, a nested optional field, and extreme values. The values read must equal the
 * values written, exactly.
 */
class PageEncodingsTest {
    static final MessageType SCHEMA = MessageTypeParser.parseMessageType("""
            message t {
              optional int32 i;
              required int64 l;
              optional float f;
              required double d;
              optional boolean b;
              optional group g { optional int64 inner; }
            }""");

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0} dictionary={1} byteStreamSplit={2}")
    @CsvSource({"PARQUET_1_0, true, false", "PARQUET_1_0, false, false", "PARQUET_2_0, true, false",
            "PARQUET_2_0, false, false", "PARQUET_2_0, false, true", "PARQUET_1_0, false, true"})
    void everyNumericEncodingReadsBackExactly(ParquetProperties.WriterVersion version, boolean dictionary,
                                              boolean byteStreamSplit) throws Exception {
        int rows = 30_000;
        double[][] want = new double[6][rows];
        SplittableRandom r = new SplittableRandom(version.ordinal() * 7L + (dictionary ? 1 : 0) + (byteStreamSplit ? 2 : 0));
        Path file = dir.resolve("e.parquet");
        SimpleGroupFactory groups = new SimpleGroupFactory(SCHEMA);
        try (ParquetWriter<Group> w = ExampleParquetWriter.builder(new LocalOutputFile(file))
                .withConf(new PlainParquetConfiguration()).withCodecFactory(TestCodecs.INSTANCE)
                .withCompressionCodec(CompressionCodecName.SNAPPY).withType(SCHEMA)
                .withWriteMode(ParquetFileWriter.Mode.OVERWRITE).withWriterVersion(version)
                .withDictionaryEncoding(dictionary).withByteStreamSplitEncoding(byteStreamSplit)
                .withPageSize(8 * 1024).withRowGroupSize(256L * 1024).build()) {
            for (int k = 0; k < rows; k++) {
                Group g = groups.newGroup();
                // small ranges (dictionaries), wide ranges and the extremes (deltas that overflow)
                int i = switch (r.nextInt(4)) {
                    case 0 -> r.nextInt(5);
                    case 1 -> k % 3 == 0 ? Integer.MIN_VALUE : Integer.MAX_VALUE;
                    default -> r.nextInt();
                };
                long l = r.nextInt(3) == 0 ? r.nextLong() : k * 1_000_003L - 7;
                float f = (float) (r.nextGaussian() * 1e3);
                double d = r.nextInt(5) == 0 ? -0.0 : r.nextDouble() * 1e12 - 5e11;
                boolean b = r.nextInt(3) == 0;
                want[0][k] = r.nextInt(10) == 0 ? Double.NaN : i;
                if (!Double.isNaN(want[0][k])) {
                    g.append("i", i);
                }
                g.append("l", l);
                want[1][k] = l;
                want[2][k] = r.nextInt(7) == 0 ? Double.NaN : f;
                if (!Double.isNaN(want[2][k])) {
                    g.append("f", f);
                }
                g.append("d", d);
                want[3][k] = d;
                want[4][k] = r.nextInt(9) == 0 ? Double.NaN : (b ? 1 : 0);
                if (!Double.isNaN(want[4][k])) {
                    g.append("b", b);
                }
                // g absent, g present with inner null, or g.inner set: two definition levels
                int shape = r.nextInt(3);
                want[5][k] = shape == 2 ? k - 15_000 : Double.NaN;
                if (shape > 0) {
                    Group inner = g.addGroup("g");
                    if (shape == 2) {
                        inner.append("inner", (long) (k - 15_000));
                    }
                }
                w.write(g);
            }
        }
        double[][] got = new double[6][rows];
        int[] at = {0};
        long read = ParquetColumns.scan("shard", new LocalInputFile(file), List.of("i", "l", "f", "d", "b", "g.inner"),
                (cols, n) -> {
                    for (int c = 0; c < 6; c++) {
                        System.arraycopy(cols[c], 0, got[c], at[0], n);
                    }
                    at[0] += n;
                });
        assertEquals(rows, read);
        String[] names = {"i", "l", "f", "d", "b", "g.inner"};
        for (int c = 0; c < 6; c++) {
            assertArrayEquals(want[c], got[c], names[c]);
        }
    }
}
