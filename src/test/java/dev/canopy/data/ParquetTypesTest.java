package dev.canopy.data;

import dev.canopy.error.InvalidInputException;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.NanoTime;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every type read as its value, with DuckDB as an independent writer and its SQL reading of the same file as
 * the oracle: unsigned integers, decimals stored as INT32, INT64 and FIXED_LEN_BYTE_ARRAY, timestamps, dates,
 * booleans, floats, with nulls and dictionaries, v1 and v2 pages, each codec. parquet-java writes what DuckDB
 * does not (INT96 timestamps, float16, BYTE_ARRAY decimals, DELTA_BYTE_ARRAY pages); DuckDB still reads them as
 * the oracle, except float16, where parquet-java's own conversion is.
 */
class ParquetTypesTest {
    static final int ROWS = 3000;
    /** Column name, DuckDB expression writing it, DuckDB expression reading it as Canopy should. */
    static final Map<String, String[]> COLUMNS = new LinkedHashMap<>();

    static {
        col("u8", "(i % 256)::UTINYINT");
        col("u16", "(65535 - i)::USMALLINT");
        col("u32", "CASE WHEN i % 17 = 0 THEN NULL ELSE (4294967295 - i * 1000)::UINTEGER END");
        col("u32_dict", "(4000000000 + i % 3)::UINTEGER");
        col("u64", "(18446744073709551615 - i::UBIGINT * 999999937)::UBIGINT");
        col("i8", "(i % 100 - 50)::TINYINT");
        col("d4_1", "((i % 2000) / 10.0 - 100)::DECIMAL(4,1)");
        col("d10_2", "CASE WHEN i % 11 = 0 THEN NULL ELSE (((i * 7919) % 2000000 - 1000000) / 100.0)::DECIMAL(10,2) END");
        col("d10_2_dict", "((i % 4) * 1.25 + 1.5)::DECIMAL(10,2)");
        col("d18_6", "(i * 123.456789 - 99999.5)::DECIMAL(18,6)");
        col("d38_4", "CAST(CAST(CAST(i - 1500 AS HUGEINT) * 123456789012345678901 AS VARCHAR) || '.5678' AS DECIMAL(38,4))");
        col("d38_4_dict", "((i % 7) * 2.5)::DECIMAL(38,4)");
        colRead("ts", "TIMESTAMP '2024-01-01 00:00:00' + to_microseconds(i * 1234567)", "epoch_us(ts)");
        colRead("ts_ms", "(TIMESTAMP '2024-01-01 00:00:00' + to_milliseconds(i * 1234567))::TIMESTAMP_MS", "epoch_ms(ts_ms)");
        colRead("dt", "DATE '2020-01-01' + (i % 1000)::INTEGER", "dt - DATE '1970-01-01'");
        col("b", "CASE WHEN i % 5 = 0 THEN NULL ELSE i % 3 = 0 END");
        colRead("f", "(i / 7.0)::FLOAT", "f::DOUBLE");
        col("dbl", "i / 3.0 - 100");
    }

    private static void col(String name, String write) {
        colRead(name, write, name);
    }

    private static void colRead(String name, String write, String read) {
        COLUMNS.put(name, new String[]{write, read});
    }

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

    @ParameterizedTest(name = "{0} pages {1}, row groups of {2}")
    @CsvSource({"uncompressed, V1, 100000", "snappy, V2, 1000", "zstd, V1, 2048", "gzip, V2, 100000", "lz4_raw, V1, 100000",
            "brotli, V1, 1000", "brotli, V2, 100000", "lz4, V2, 100000"})
    void everyTypeReadsAsDuckDbReadsIt(String codec, String version, int rowGroupSize) throws Exception {
        Path file = dir.resolve(codec + "-" + version + ".parquet");
        StringBuilder select = new StringBuilder("SELECT ");
        COLUMNS.forEach((name, sql) -> select.append(sql[0]).append(" AS ").append(name).append(", "));
        select.setLength(select.length() - 2);
        duck.write(file, select + " FROM range(0, " + ROWS + ") t(i)",
                "COMPRESSION " + codec + ", PARQUET_VERSION " + version + ", ROW_GROUP_SIZE " + rowGroupSize);
        double[][] ours = scan(file, List.copyOf(COLUMNS.keySet()));
        int j = 0;
        for (Map.Entry<String, String[]> c : COLUMNS.entrySet()) {
            assertArrayEquals(duck.read(file, c.getValue()[1]), ours[j++], c.getKey());
        }
    }

    /** The two cases: a uint32 rule that counted nothing, and decimals read unscaled in training. */
    @Test
    void unsignedRulesCountAndDecimalsTrainScaled() throws Exception {
        Path file = dir.resolve("u.parquet");
        duck.write(file, "SELECT (2999999999 + i)::UINTEGER AS u, ([1.50, 2.50, 3.75][i % 3 + 1])::DECIMAL(10,2) AS price,"
                + " i::DOUBLE AS MedHouseVal FROM range(0, 9) t(i)", "");
        double[] u = scan(file, List.of("u"))[0];
        long atLeast = java.util.Arrays.stream(u).filter(v -> v >= 3_000_000_000.0).count();
        assertEquals(Long.parseLong(duck.query("SELECT count(*) FROM read_parquet('" + file + "') WHERE u >= 3000000000")),
                atLeast);
        assertEquals(8, atLeast);
        Table t = TableReader.read("data", file.toString(), Files.readAllBytes(file));
        assertArrayEquals(new double[]{1.5, 2.5, 3.75, 1.5, 2.5, 3.75, 1.5, 2.5, 3.75}, t.numeric("features", "price"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"PARQUET_1_0, SNAPPY", "PARQUET_2_0, ZSTD"})
    void int96Float16AndBinaryDecimalsFromParquetJava(ParquetProperties.WriterVersion version, CompressionCodecName codec)
            throws Exception {
        MessageType schema = MessageTypeParser.parseMessageType("""
                message m {
                  optional int96 t96;
                  optional fixed_len_byte_array(2) h (FLOAT16);
                  optional binary bd (DECIMAL(30,3));
                  optional fixed_len_byte_array(5) fd (DECIMAL(11,2));
                  optional int32 id32 (DECIMAL(9,4));
                  required int64 u64 (INTEGER(64,false));
                }""");
        Path file = dir.resolve("pj.parquet");
        SplittableRandom r = new SplittableRandom(version.ordinal());
        List<Binary> halves = new ArrayList<>();
        SimpleGroupFactory groups = new SimpleGroupFactory(schema);
        try (ParquetWriter<Group> w = ExampleParquetWriter.builder(new LocalOutputFile(file))
                .withConf(new PlainParquetConfiguration()).withCodecFactory(TestCodecs.INSTANCE)
                .withCompressionCodec(codec).withType(schema).withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
                .withWriterVersion(version).withPageSize(4096).build()) {
            for (int k = 0; k < ROWS; k++) {
                Group g = groups.newGroup();
                if (k % 9 != 0) {
                    // 1677-09-22 to 2262-04-11 and beyond: days either side of the epoch, any time of the day
                    g.append("t96", new NanoTime(2_440_588 + r.nextInt(-150_000, 150_000), r.nextLong(86_400_000_000_000L)));
                }
                float f = switch (k % 5) {
                    case 0 -> Float.NaN;
                    case 1 -> k % 2 == 0 ? Float.POSITIVE_INFINITY : -6.1e-5f; // infinity, a subnormal
                    default -> (float) r.nextGaussian() * 1000;
                };
                Binary half = Binary.fromConstantByteArray(new byte[]{(byte) Float.floatToFloat16(f), (byte) (Float.floatToFloat16(f) >> 8)});
                halves.add(half);
                g.append("h", half);
                BigInteger unscaled = new BigInteger(90, new java.util.Random(k)).subtract(BigInteger.ONE.shiftLeft(89));
                g.append("bd", Binary.fromConstantByteArray(unscaled.toByteArray()));
                long small = r.nextLong(-(1L << 38), 1L << 38);
                byte[] five = new byte[5];
                for (int b = 0; b < 5; b++) {
                    five[b] = (byte) (small >> (8 * (4 - b)));
                }
                g.append("fd", Binary.fromConstantByteArray(five));
                g.append("id32", r.nextInt());
                g.append("u64", r.nextLong());
                w.write(g);
            }
        }
        double[][] ours = scan(file, List.of("t96", "h", "bd", "fd", "id32", "u64"));
        assertArrayEquals(duck.read(file, "epoch_us(t96)"), ours[0], "t96");
        double[] h = halves.stream().mapToDouble(ParquetTypesTest::half).toArray();
        assertArrayEquals(h, ours[1], "h");
        assertArrayEquals(duck.read(file, "bd"), ours[2], "bd");
        assertArrayEquals(duck.read(file, "fd"), ours[3], "fd");
        assertArrayEquals(duck.read(file, "id32"), ours[4], "id32");
        assertArrayEquals(duck.read(file, "u64"), ours[5], "u64");
    }

    @Test
    void typesStillRefusedAreNamedAsUsersNameThem() throws Exception {
        Path file = dir.resolve("r.parquet");
        duck.write(file, "SELECT gen_random_uuid() AS id, INTERVAL 1 DAY AS span, 'x' AS s, [1, 2] AS l", "");
        for (String[] c : new String[][]{{"id", "uuid"}, {"span", "interval"}, {"s", "string"}}) {
            InvalidInputException e = assertThrows(InvalidInputException.class, () -> scan(file, List.of(c[0])));
            assertTrue(e.getMessage().contains("column \"" + c[0] + "\" is " + c[1] + ", not numeric"), e.getMessage());
        }
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> scan(file, List.of("l.list.element")));
        assertTrue(e.getMessage().contains("repeated"), e.getMessage());
    }

    /** IEEE 754 binary16 by its definition: sign, 5 exponent bits (bias 15), 10 fraction bits; little-endian. */
    static double half(Binary b) {
        int bits = (b.getBytes()[0] & 0xff) | (b.getBytes()[1] & 0xff) << 8;
        int exponent = (bits >> 10) & 0x1f;
        int fraction = bits & 0x3ff;
        double sign = (bits & 0x8000) != 0 ? -1 : 1;
        if (exponent == 0x1f) {
            return fraction != 0 ? Double.NaN : sign * Double.POSITIVE_INFINITY;
        }
        return exponent == 0 ? sign * fraction * Math.pow(2, -24) : sign * (1 + fraction / 1024.0) * Math.pow(2, exponent - 15);
    }

    /** Every row of the named columns, through the scoring path. */
    static double[][] scan(Path file, List<String> names) {
        List<double[]> parts = new ArrayList<>();
        List<Integer> sizes = new ArrayList<>();
        long rows = ParquetColumns.scan("shard", new LocalInputFile(file), names, (cols, n) -> {
            for (double[] c : cols) {
                parts.add(java.util.Arrays.copyOf(c, n));
            }
            sizes.add(n);
        });
        double[][] out = new double[names.size()][(int) rows];
        int at = 0;
        for (int b = 0; b < sizes.size(); b++) {
            for (int j = 0; j < names.size(); j++) {
                System.arraycopy(parts.get(b * names.size() + j), 0, out[j], at, sizes.get(b));
            }
            at += sizes.get(b);
        }
        return out;
    }
}
