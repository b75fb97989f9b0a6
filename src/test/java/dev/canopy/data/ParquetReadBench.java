package dev.canopy.data;

import dev.canopy.parquet.read.ByteArrayInputFile;
import dev.canopy.parquet.write.ParquetWriterLite;
import dev.canopy.sample.TaxiShards;
import dev.canopy.testing.TestData;

import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.ColumnReader;
import org.apache.parquet.column.impl.ColumnReadStoreImpl;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.example.DummyRecordConverter;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.convert.GroupRecordConverter;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.io.ColumnIOFactory;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.RecordReader;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Canopy's Parquet reader against parquet-java's, on the same bytes in memory and the same column projection,
 * into doubles: the figures of docs/performance.md#parquet. A bench, not a test (surefire's and failsafe's
 * patterns leave it out); it compiles with the tests so it cannot rot. Run it with
 * <pre>./mvnw -B -q test-compile exec:java -Dexec.classpathScope=test -Dexec.mainClass=dev.canopy.data.ParquetReadBench -Dexec.args="--work /tmp/parquet-bench"</pre>
 *
 * <p>Readers: {@code canopy} is what a predictor runs ({@link ParquetColumns#scan}); {@code parquet-java}
 * is parquet-java's fastest path for flat columns ({@code ParquetFileReader} with the projection as requested
 * schema, then one {@code ColumnReader} per column from {@code ColumnReadStoreImpl}, as parquet-java's own
 * tools read columns); {@code parquet-java-records} is the record assembly {@code ParquetReader<Group>}
 * runs ({@code ColumnIO} + {@code GroupRecordConverter}) over the same pages. parquet-java decompresses
 * through {@link TestCodecs}, that is through the same pure-Java codecs as Canopy (the build leaves
 * snappy-java out), so the figures compare page decoding and value conversion, not codecs. Every reader
 * hands the same consumer batches of doubles; a pass fails the bench unless every reader saw the same rows
 * and the same sum.
 *
 * <p>A hand-rolled harness rather than JMH: the figure wanted is CPU time of the reading thread
 * (ThreadMXBean), which suffers less from this machine's load than wall time and which JMH does not
 * report; readers alternate within each iteration so that load falls on all of them alike; and no
 * annotation processor joins every test compilation. Warm-up passes run first and are not counted.
 */
public final class ParquetReadBench {

    /** One input: files (their bytes in memory) and the columns a predictor would read. */
    record Case(String name, List<InputFile> files, List<String> columns, long bytes) {
    }

    /**
     * What a pass saw: rows, the sum of non-null values, nulls. Equal across readers or the bench fails. Each
     * column is summed in row order on its own, so the sum does not depend on how a reader batches rows.
     */
    static final class Checksum implements ParquetColumns.BatchConsumer {
        long rows;
        double[] sums = new double[0];
        long nulls;
        double sum;

        @Override
        public void accept(double[][] columns, int n) {
            if (sums.length < columns.length) {
                sums = Arrays.copyOf(sums, columns.length);
            }
            for (int j = 0; j < columns.length; j++) {
                double[] c = columns[j];
                double s = sums[j];
                for (int i = 0; i < n; i++) {
                    double v = c[i];
                    if (v == v) {
                        s += v;
                    } else {
                        nulls++;
                    }
                }
                sums[j] = s;
            }
            sum = Arrays.stream(sums).sum();
            rows += n;
        }

        String describe() {
            return String.format(Locale.ROOT, "rows %,d, sum %.6f, nulls %,d", rows, sum, nulls);
        }

        boolean sameAs(Checksum o) {
            return rows == o.rows && Double.compare(sum, o.sum) == 0 && nulls == o.nulls;
        }
    }

    @FunctionalInterface
    interface Reader {
        void read(InputFile file, List<String> columns, Checksum out) throws IOException;
    }

    static final ParquetReadOptions OPTIONS = ParquetReadOptions.builder(new PlainParquetConfiguration())
            .withCodecFactory(TestCodecs.INSTANCE).build();

    static void canopy(InputFile file, List<String> columns, Checksum out) {
        ParquetColumns.scan("bench", file, columns, out);
    }

    static MessageType projection(ParquetFileReader reader, List<String> columns) {
        MessageType schema = reader.getFooter().getFileMetaData().getSchema();
        List<Type> fields = columns.stream().map(schema::getType).toList();
        return new MessageType(schema.getName(), fields);
    }

    /** ColumnReader per column, values written into batches of doubles (nulls as NaN, as Canopy does). */
    static void parquetJava(InputFile file, List<String> columns, Checksum out) throws IOException {
        try (ParquetFileReader reader = ParquetFileReader.open(file, OPTIONS)) {
            MessageType projection = projection(reader, columns);
            reader.setRequestedSchema(projection);
            String createdBy = reader.getFooter().getFileMetaData().getCreatedBy();
            var converter = new DummyRecordConverter(projection).getRootConverter();
            double[][] batch = new double[columns.size()][];
            PageReadStore pages;
            while ((pages = reader.readNextRowGroup()) != null) {
                int rows = Math.toIntExact(pages.getRowCount());
                ColumnReadStoreImpl store = new ColumnReadStoreImpl(pages, converter, projection, createdBy);
                for (int j = 0; j < columns.size(); j++) {
                    if (batch[j] == null || batch[j].length < rows) {
                        batch[j] = new double[rows];
                    }
                    ColumnDescriptor d = projection.getColumns().get(j);
                    fill(store.getColumnReader(d), d.getPrimitiveType().getPrimitiveTypeName(),
                            d.getMaxDefinitionLevel(), batch[j], rows);
                }
                out.accept(batch, rows);
            }
        }
    }

    private static void fill(ColumnReader r, PrimitiveType.PrimitiveTypeName type, int maxDef, double[] to, int rows) {
        for (int i = 0; i < rows; i++) {
            if (r.getCurrentDefinitionLevel() < maxDef) {
                to[i] = Double.NaN;
            } else {
                to[i] = switch (type) {
                    case INT32 -> r.getInteger();
                    case INT64 -> r.getLong();
                    case FLOAT -> r.getFloat();
                    case DOUBLE -> r.getDouble();
                    case BOOLEAN -> r.getBoolean() ? 1 : 0;
                    default -> throw new IllegalArgumentException("not numeric: " + type);
                };
            }
            r.consume();
        }
    }

    /** Record assembly, what {@code ParquetReader<Group>} does for each row. */
    static void parquetJavaRecords(InputFile file, List<String> columns, Checksum out) throws IOException {
        try (ParquetFileReader reader = ParquetFileReader.open(file, OPTIONS)) {
            MessageType projection = projection(reader, columns);
            reader.setRequestedSchema(projection);
            double[][] batch = new double[columns.size()][];
            PageReadStore pages;
            while ((pages = reader.readNextRowGroup()) != null) {
                int rows = Math.toIntExact(pages.getRowCount());
                RecordReader<Group> records = new ColumnIOFactory().getColumnIO(projection)
                        .getRecordReader(pages, new GroupRecordConverter(projection));
                for (int j = 0; j < columns.size(); j++) {
                    if (batch[j] == null || batch[j].length < rows) {
                        batch[j] = new double[rows];
                    }
                }
                for (int i = 0; i < rows; i++) {
                    Group g = records.read();
                    for (int j = 0; j < columns.size(); j++) {
                        batch[j][i] = g.getFieldRepetitionCount(j) == 0 ? Double.NaN
                                : switch (projection.getType(j).asPrimitiveType().getPrimitiveTypeName()) {
                                    case INT32 -> g.getInteger(j, 0);
                                    case INT64 -> g.getLong(j, 0);
                                    case FLOAT -> g.getFloat(j, 0);
                                    case DOUBLE -> g.getDouble(j, 0);
                                    case BOOLEAN -> g.getBoolean(j, 0) ? 1 : 0;
                                    default -> throw new IllegalArgumentException("not numeric: " + projection.getType(j));
                                };
                    }
                }
                out.accept(batch, rows);
            }
        }
    }

    static final List<String> READERS = List.of("canopy", "parquet-java", "parquet-java-records");

    static Reader reader(String name) {
        return switch (name) {
            case "canopy" -> ParquetReadBench::canopy;
            case "parquet-java" -> ParquetReadBench::parquetJava;
            case "parquet-java-records" -> ParquetReadBench::parquetJavaRecords;
            default -> throw new IllegalArgumentException(name);
        };
    }

    public static void main(String[] args) throws Exception {
        Path work = Path.of(System.getProperty("java.io.tmpdir"), "parquet-bench");
        Path shared = Path.of(System.getProperty("canopy.test.shared", "../shared"));
        int warmup = 15;
        int iterations = 40;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--work" -> work = Path.of(args[++i]);
                case "--shared" -> shared = Path.of(args[++i]);
                case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                case "--iterations" -> iterations = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]
                        + "; expected --work <dir> --shared <dir> --warmup <n> --iterations <n>");
            }
        }
        List<Case> cases = new ArrayList<>();
        cases.add(taxiFull(work.resolve("taxi-full")));
        cases.add(housing(work.resolve("housing"), shared.resolve("data/california_housing.csv")));
        Path sample = shared.resolve("data/nyc-taxi-sample");
        if (Files.isDirectory(sample)) {
            cases.add(load("pyarrow taxi sample (12 shards)", files(sample), List.of("passenger_count")));
        } else {
            System.out.println("pyarrow taxi sample: not measured, " + sample.toAbsolutePath() + " is absent");
        }
        System.out.printf(Locale.ROOT, "JDK %s, %d CPUs; %d warm-up and %d measured passes per reader and case; "
                        + "per pass: thread CPU ms, wall ms, MB allocated (median / min)%n",
                Runtime.version(), Runtime.getRuntime().availableProcessors(), warmup, iterations);
        for (Case c : cases) {
            run(c, warmup, iterations);
        }
    }

    static void run(Case c, int warmup, int iterations) throws IOException {
        var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        int k = READERS.size();
        long[][] cpu = new long[k][iterations];
        long[][] wall = new long[k][iterations];
        long[][] alloc = new long[k][iterations];
        Checksum[] seen = new Checksum[k];
        for (int it = -warmup; it < iterations; it++) {
            for (int r = 0; r < k; r++) {
                Reader reader = reader(READERS.get(r));
                Checksum sum = new Checksum();
                long a0 = mx.getCurrentThreadAllocatedBytes();
                long c0 = mx.getCurrentThreadCpuTime();
                long w0 = System.nanoTime();
                for (InputFile f : c.files()) {
                    reader.read(f, c.columns(), sum);
                }
                long w1 = System.nanoTime();
                long c1 = mx.getCurrentThreadCpuTime();
                long a1 = mx.getCurrentThreadAllocatedBytes();
                if (seen[0] != null && !sum.sameAs(seen[0])) {
                    throw new IllegalStateException(c.name() + ": " + READERS.get(r) + " saw " + sum.describe()
                            + ", " + READERS.get(0) + " saw " + seen[0].describe());
                }
                seen[r] = sum;
                if (it >= 0) {
                    cpu[r][it] = c1 - c0;
                    wall[r][it] = w1 - w0;
                    alloc[r][it] = a1 - a0;
                }
            }
        }
        System.out.printf(Locale.ROOT, "%n%s: columns %s, %d file(s), %.1f MB; every reader: %s%n", c.name(),
                c.columns(), c.files().size(), c.bytes() / 1e6, seen[0].describe());
        double base = median(cpu[0]);
        for (int r = 0; r < k; r++) {
            System.out.printf(Locale.ROOT, "  %-21s cpu %8.2f / %8.2f ms   wall %8.2f / %8.2f ms   alloc %7.1f MB   "
                            + "%6.1f M rows/s (cpu median)   %5.1fx canopy's cpu%n",
                    READERS.get(r), median(cpu[r]) / 1e6, min(cpu[r]) / 1e6, median(wall[r]) / 1e6, min(wall[r]) / 1e6,
                    median(alloc[r]) / 1e6, seen[r].rows / (median(cpu[r]) / 1e9) / 1e6, median(cpu[r]) / base);
        }
    }

    static double median(long[] xs) {
        long[] s = xs.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2.0;
    }

    static long min(long[] xs) {
        return Arrays.stream(xs).min().orElseThrow();
    }

    /** The 12 full-size generated shards, as {@code generate taxi --full} writes them (seed 1); reused if present. */
    static Case taxiFull(Path dir) throws IOException {
        if (files(dir).size() != TaxiShards.FULL_ROWS.length) {
            TaxiShards.write(dir, TaxiShards.FULL_ROWS, 1);
        }
        return load("generated full-size taxi shards (12)", files(dir), List.of("passenger_count"));
    }

    /**
     * California housing's eight features as DOUBLE columns (one row group, SNAPPY, as {@code ParquetWriterLite}
     * writes), from the real CSV when present, otherwise from a generated set of the same size.
     */
    static Case housing(Path dir, Path csv) throws IOException {
        boolean real = Files.isRegularFile(csv);
        Table t = CsvTableReader.read("bench", real ? Files.readAllBytes(csv) : TestData.housingCsvBytes(20_640, 4));
        List<String> features = t.numericColumnsExcept("MedHouseVal");
        List<ParquetWriterLite.Field> fields = new ArrayList<>();
        List<ParquetWriterLite.Values> values = new ArrayList<>();
        for (String f : features) {
            fields.add(new ParquetWriterLite.Field(f, ParquetWriterLite.Kind.DOUBLE, true));
            values.add(new ParquetWriterLite.Values(t.numeric("bench", f), null));
        }
        Files.createDirectories(dir);
        Path file = dir.resolve("housing.parquet");
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file))) {
            ParquetWriterLite.write(out, fields, List.of(values), List.of(t.rows()));
        }
        return load((real ? "california_housing.csv" : "generated housing-like set") + " as Parquet, "
                + t.rows() + " rows", List.of(file), features);
    }

    static List<Path> files(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.toString().endsWith(".parquet")).sorted().toList();
        }
    }

    /** Bytes in memory, so that neither reader's figure includes the disk. */
    static Case load(String name, List<Path> paths, List<String> columns) throws IOException {
        List<InputFile> files = new ArrayList<>();
        long bytes = 0;
        for (Path p : paths) {
            byte[] b = Files.readAllBytes(p);
            bytes += b.length;
            files.add(new ByteArrayInputFile(b, p.toString()));
        }
        return new Case(name, files, columns, bytes);
    }
}
