package dev.canopy.data;

import dev.canopy.parquet.codec.PureJavaCodecs;

import dev.canopy.error.InvalidInputException;
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
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every codec a Parquet writer may use: read back exactly, or refused with a clear error. */
class PureJavaCodecsTest {
    static final MessageType SCHEMA = MessageTypeParser.parseMessageType(
            "message t { required double x; optional int64 n; }");

    @TempDir
    Path dir;

    /** Writes a file of several pages compressed with {@code codec}, through Canopy's codec factory. */
    private Path write(CompressionCodecName codec, int rows) throws Exception {
        Path file = dir.resolve(codec.name().toLowerCase() + ".parquet");
        SimpleGroupFactory groups = new SimpleGroupFactory(SCHEMA);
        try (ParquetWriter<Group> w = ExampleParquetWriter.builder(new LocalOutputFile(file))
                .withConf(new PlainParquetConfiguration()).withCodecFactory(TestCodecs.INSTANCE)
                .withCompressionCodec(codec).withType(SCHEMA).withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
                .withPageSize(4096).build()) {
            for (int i = 0; i < rows; i++) {
                Group g = groups.newGroup().append("x", i * 0.5);
                if (i % 7 != 0) {
                    g.append("n", (long) i * i);
                }
                w.write(g);
            }
        }
        return file;
    }

    @ParameterizedTest
    @EnumSource(value = CompressionCodecName.class, names = {"UNCOMPRESSED", "SNAPPY", "ZSTD", "GZIP", "LZ4_RAW", "LZ4"})
    void pagesCompressedWithEachSupportedCodecReadBackExactly(CompressionCodecName codec) throws Exception {
        int rows = 20_000;
        Path file = write(codec, rows);
        double[] x = new double[rows];
        double[] n = new double[rows];
        int[] at = {0};
        long read = ParquetColumns.scan("shard", new LocalInputFile(file), List.of("x", "n"), (cols, count) -> {
            System.arraycopy(cols[0], 0, x, at[0], count);
            System.arraycopy(cols[1], 0, n, at[0], count);
            at[0] += count;
        });
        assertEquals(rows, read);
        double[] expectX = new double[rows];
        double[] expectN = new double[rows];
        for (int i = 0; i < rows; i++) {
            expectX[i] = i * 0.5;
            expectN[i] = i % 7 == 0 ? Double.NaN : (double) i * i;
        }
        assertArrayEquals(expectX, x);
        assertArrayEquals(expectN, n);
    }

    @org.junit.jupiter.api.Test
    void lzoIsRefusedByName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PureJavaCodecs.INSTANCE.decompressor("LZO"));
        assertTrue(e.getMessage().contains("Parquet compression LZO is not supported"), e.getMessage());
    }

    /** Parquet's LZ4 in Hadoop's framing (several blocks), and bare LZ4 blocks as parquet-cpp once wrote them. */
    @org.junit.jupiter.api.Test
    void lz4InHadoopFramingAndBare() throws Exception {
        byte[] page = new byte[300_000];
        new java.util.Random(5).nextBytes(page);
        java.util.Arrays.fill(page, 1000, 200_000, (byte) 7);
        // two Hadoop blocks one after the other, as a writer with a small buffer frames a large page
        byte[] first = TestCodecs.hadoopLz4(java.util.Arrays.copyOf(page, 100_000));
        byte[] second = TestCodecs.hadoopLz4(java.util.Arrays.copyOfRange(page, 100_000, page.length));
        byte[] framed = java.nio.ByteBuffer.allocate(first.length + second.length).put(first).put(second).array();
        assertArrayEquals(page, PureJavaCodecs.INSTANCE.decompressor("LZ4").decompress(framed, 0, framed.length, page.length));
        io.airlift.compress.lz4.Lz4Compressor c = new io.airlift.compress.lz4.Lz4Compressor();
        byte[] bare = new byte[c.maxCompressedLength(page.length)];
        int n = c.compress(page, 0, page.length, bare, 0, bare.length);
        assertArrayEquals(page, PureJavaCodecs.INSTANCE.decompressor("LZ4").decompress(bare, 0, n, page.length));
    }

    @org.junit.jupiter.api.Test
    void aCorruptCompressedPageIsAnUnreadableShardNotACrash() throws Exception {
        Path file = write(CompressionCodecName.SNAPPY, 5000);
        byte[] bytes = java.nio.file.Files.readAllBytes(file);
        for (int i = 200; i < 1200; i++) {
            bytes[i] ^= 0x5A; // inside the first data pages, past the magic
        }
        java.nio.file.Files.write(file, bytes);
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> ParquetColumns.scan("shard",
                new LocalInputFile(file), List.of("x"), (cols, count) -> { }));
        assertEquals("shard", e.field());
    }
}
