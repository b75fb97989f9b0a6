package dev.canopy.inference;

import dev.canopy.error.InvalidInputException;
import dev.canopy.parquet.write.ParquetWriterLite;
import dev.canopy.storage.local.LocalObjectStore;
import dev.canopy.testing.RecordingObjectStore;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.schema.MessageType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static dev.canopy.data.ParquetJavaOracle.open;
import static dev.canopy.data.ParquetJavaOracle.records;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code keepColumns}, lineage and the CSV copy: the predictions files are read back by DuckDB and by
 * parquet-java, and their kept columns must equal the shard's, value for value, null for null, in row order,
 * with the shard's physical and logical types. Shards come from DuckDB (several row groups, dictionary and
 * plain strings, every common type) and from Canopy's own writer.
 */
class PredictKeepColumnsTest {
    static final String RULE = "rule:x>=0.5";
    /** The DuckDB shard's columns kept; x is the rule's feature, kept too. */
    static final List<String> KEPT = List.of("id", "name", "cat", "flag", "small", "f", "d", "day", "ts", "price", "x");

    @TempDir
    static Path dir;
    static Connection duck;
    static Path duckShard;
    static Path liteShard;
    static Path nestedShard;
    static final int DUCK_ROWS = 3500;

    @BeforeAll
    static void shards() throws Exception {
        duck = DriverManager.getConnection("jdbc:duckdb:");
        exec("SET threads TO 1");
        exec("SET preserve_insertion_order TO true");
        duckShard = dir.resolve("duck.parquet");
        // nulls, an empty string, quotes and commas; low-cardinality text (dictionary-encoded) and unique text
        exec("COPY (SELECT i::BIGINT AS id,"
                + " CASE WHEN i % 7 = 0 THEN NULL WHEN i % 11 = 0 THEN '' WHEN i % 13 = 0 THEN 'say \"hi\", ok'"
                + "  WHEN i % 17 = 0 THEN 'two' || chr(10) || 'lines' ELSE 'name-' || i END AS name,"
                + " CASE WHEN i % 6 = 0 THEN NULL ELSE 'cat' || (i % 4) END AS cat,"
                + " CASE WHEN i % 5 = 0 THEN NULL ELSE i % 2 = 0 END AS flag,"
                + " (i % 100)::INTEGER AS small,"
                + " (i / 8.0)::FLOAT AS f,"
                + " CASE WHEN i % 9 = 0 THEN NULL ELSE (i * 0.001)::DOUBLE END AS d,"
                + " DATE '2020-01-01' + (i % 1000)::INTEGER AS day,"
                + " TIMESTAMP '2024-01-01 00:00:00' + to_microseconds(i * 1234567) AS ts,"
                + " (i * 1.25)::DECIMAL(12,2) AS price,"
                + " ((i * 37) % 100 / 100.0)::DOUBLE AS x,"
                + " ('00000000-0000-0000-0000-' || lpad(i::VARCHAR, 12, '0'))::UUID AS u"
                + " FROM range(" + DUCK_ROWS + ") t(i)) TO '" + duckShard + "' (FORMAT parquet, ROW_GROUP_SIZE 1000)");
        nestedShard = dir.resolve("nested.parquet");
        exec("COPY (SELECT i::DOUBLE AS x, [i, i + 1]::INTEGER[] AS tags, {'a': i} AS st FROM range(10) t(i)) TO '"
                + nestedShard + "' (FORMAT parquet)");
        liteShard = dir.resolve("lite.parquet");
        writeLiteShard(liteShard, new int[]{700, 1500, 2});
    }

    @AfterAll
    static void close() throws SQLException {
        duck.close();
    }

    static void exec(String sql) throws SQLException {
        try (Statement s = duck.createStatement()) {
            s.execute(sql);
        }
    }

    static String one(String sql) throws SQLException {
        try (Statement s = duck.createStatement(); ResultSet r = s.executeQuery(sql)) {
            assertTrue(r.next(), sql);
            return r.getString(1);
        }
    }

    static List<String> column(String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Statement s = duck.createStatement(); ResultSet r = s.executeQuery(sql)) {
            while (r.next()) {
                out.add(r.getString(1));
            }
        }
        return out;
    }

    /** Canopy's writer: ids, dictionary text with nulls, unique text (plain) with nulls, timestamps, int8; three row groups. */
    static void writeLiteShard(Path file, int[] groups) throws Exception {
        List<ParquetWriterLite.Field> fields = List.of(
                new ParquetWriterLite.Field("id", ParquetWriterLite.Kind.INT64, false),
                new ParquetWriterLite.Field("region", ParquetWriterLite.Kind.STRING, true),
                new ParquetWriterLite.Field("note", ParquetWriterLite.Kind.STRING, true),
                new ParquetWriterLite.Field("at", ParquetWriterLite.Kind.TIMESTAMP_MICROS, true),
                new ParquetWriterLite.Field("level", ParquetWriterLite.Kind.INT8, false),
                new ParquetWriterLite.Field("x", ParquetWriterLite.Kind.DOUBLE, false));
        List<List<ParquetWriterLite.Values>> values = new ArrayList<>();
        List<Integer> rows = new ArrayList<>();
        long id = 0;
        for (int n : groups) {
            long[] ids = new long[n];
            String[] region = new String[n];
            String[] note = new String[n];
            long[] at = new long[n];
            boolean[] atNull = new boolean[n];
            int[] level = new int[n];
            double[] x = new double[n];
            for (int i = 0; i < n; i++, id++) {
                ids[i] = 1_000_000_000_000L + id * 7;
                region[i] = id % 5 == 0 ? null : "region " + (id % 3);
                note[i] = id % 4 == 0 ? null : "note, \"" + id + "\"";
                at[i] = 1_700_000_000_000_000L + id * 1_000_001L;
                atNull[i] = id % 10 == 3;
                level[i] = (int) (id % 120) - 60;
                x[i] = (id % 10) / 10.0;
            }
            values.add(List.of(new ParquetWriterLite.Values(ids, null), new ParquetWriterLite.Values(region, null),
                    new ParquetWriterLite.Values(note, null), new ParquetWriterLite.Values(at, atNull),
                    new ParquetWriterLite.Values(level, null), new ParquetWriterLite.Values(x, null)));
            rows.add(n);
        }
        try (OutputStream out = Files.newOutputStream(file)) {
            ParquetWriterLite.write(out, fields, values, rows);
        }
    }

    static PredictService service() {
        return new PredictService(new LocalObjectStore(), new ModelCache(1 << 20), "i-1");
    }

    static PredictResult predict(Path shard, Path out, List<String> keep, String format) {
        return service().predict(new PredictRequest(RULE, shard.toString(), out.toString(), "run-7", 1, null, keep, format));
    }

    /** Rows where the shard's and the predictions file's kept columns differ, row by row (POSITIONAL JOIN). */
    static long differingRows(Path shard, Path out, List<String> keep) throws SQLException {
        StringBuilder where = new StringBuilder("b.prediction IS DISTINCT FROM (CASE WHEN a.x >= 0.5 THEN 1.0 ELSE 0.0 END)");
        for (String c : keep) {
            where.append(" OR a.\"").append(c).append("\" IS DISTINCT FROM b.\"").append(c).append('"');
        }
        return Long.parseLong(one("SELECT count(*) FROM read_parquet('" + shard + "') a POSITIONAL JOIN read_parquet('"
                + out + "') b WHERE " + where));
    }

    /** DuckDB's name and type of each column. */
    static List<String> describe(String from) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Statement s = duck.createStatement(); ResultSet r = s.executeQuery("DESCRIBE SELECT * FROM " + from)) {
            while (r.next()) {
                out.add(r.getString("column_name") + " " + r.getString("column_type"));
            }
        }
        return out;
    }



    /** parquet-java's view: the kept fields' types equal the shard's, and every value and null, row by row. */
    static void sameInParquetJava(Path shard, Path out, List<String> keep) throws Exception {
        MessageType in;
        MessageType written;
        try (ParquetFileReader a = open(shard); ParquetFileReader b = open(out)) {
            in = a.getFooter().getFileMetaData().getSchema();
            written = b.getFooter().getFileMetaData().getSchema();
        }
        List<String> names = new ArrayList<>(keep);
        names.add("prediction");
        assertEquals(names, written.getFields().stream().map(org.apache.parquet.schema.Type::getName).toList(),
                "kept columns first, in the order asked, then prediction");
        for (String c : keep) {
            assertEquals(in.getType(c), written.getType(c), c + ": physical and logical type, repetition");
        }
        List<Group> a = records(shard);
        List<Group> b = records(out);
        assertEquals(a.size(), b.size());
        for (int i = 0; i < a.size(); i++) {
            for (String c : keep) {
                int present = a.get(i).getFieldRepetitionCount(c);
                assertEquals(present, b.get(i).getFieldRepetitionCount(c), c + " null in row " + i);
                if (present == 1) {
                    assertEquals(a.get(i).getValueToString(in.getFieldIndex(c), 0),
                            b.get(i).getValueToString(written.getFieldIndex(c), 0), c + " in row " + i);
                }
            }
        }
    }

    @Test
    void duckDbShardKeepsEveryColumnTypeValueAndNullInRowOrder() throws Exception {
        Path out = dir.resolve("duck.predictions.parquet");
        PredictResult r = predict(duckShard, out, KEPT, null);
        assertEquals(DUCK_ROWS, r.rows());
        assertEquals(out.toString(), r.outputUri());
        assertNull(r.csvUri());
        assertEquals(DUCK_ROWS, Long.parseLong(one("SELECT count(*) FROM read_parquet('" + out + "')")));
        assertEquals(0, differingRows(duckShard, out, KEPT));
        List<String> types = new ArrayList<>();
        for (String c : KEPT) {
            types.add(describe("read_parquet('" + duckShard + "')").stream().filter(d -> d.startsWith(c + " ")).findFirst()
                    .orElseThrow());
        }
        types.add("prediction DOUBLE");
        assertEquals(types, describe("read_parquet('" + out + "')"), "DuckDB reads the shard's types back");
        assertTrue(Long.parseLong(one("SELECT count(*) FROM read_parquet('" + out + "') WHERE name IS NULL")) > 0);
        String groups = "SELECT count(DISTINCT row_group_id) FROM parquet_metadata('%s')";
        assertTrue(Long.parseLong(one(groups.formatted(duckShard))) > 1, "a shard of several row groups");
        assertEquals(one(groups.formatted(duckShard)), one(groups.formatted(out)), "the shard's row groups");
        sameInParquetJava(duckShard, out, KEPT);
    }

    @Test
    void canopyWrittenShardWithDictionaryAndPlainTextKeepsItsColumns() throws Exception {
        Path out = dir.resolve("lite.predictions.parquet");
        List<String> keep = List.of("note", "id", "region", "at", "level");
        PredictResult r = predict(liteShard, out, keep, "csv");
        assertEquals(2202, r.rows());
        assertEquals(0, differingRows(liteShard, out, keep));
        sameInParquetJava(liteShard, out, keep);
        // the CSV copy, read by DuckDB with the shard's types, holds the same rows
        assertEquals(dir.resolve("_csv").resolve("lite.predictions.csv").toString(), r.csvUri());
        String csv = "read_csv('" + r.csvUri() + "', header = true, allow_quoted_nulls = false, columns = {'note': 'VARCHAR', "
                + "'id': 'BIGINT', 'region': 'VARCHAR', 'at': 'TIMESTAMP', 'level': 'TINYINT', 'prediction': 'DOUBLE'})";
        assertEquals(2202, Long.parseLong(one("SELECT count(*) FROM " + csv)));
        assertEquals(0, Long.parseLong(one("SELECT count(*) FROM read_parquet('" + out + "') a POSITIONAL JOIN " + csv
                + " b WHERE a.note IS DISTINCT FROM b.note OR a.id IS DISTINCT FROM b.id OR a.region IS DISTINCT FROM b.region"
                + " OR a.at IS DISTINCT FROM b.at OR a.level IS DISTINCT FROM b.level OR a.prediction IS DISTINCT FROM b.prediction")));
    }

    @Test
    void csvCopyOfEveryTypeParsesBackToTheSameRows() throws Exception {
        Path out = dir.resolve("duck-csv.predictions.parquet");
        PredictResult r = predict(duckShard, out, KEPT, "CSV");
        assertEquals(dir.resolve("_csv").resolve("duck-csv.predictions.csv").toString(), r.csvUri());
        String text = Files.readString(Path.of(r.csvUri()));
        assertTrue(text.startsWith("id,name,cat,flag,small,f,d,day,ts,price,x,prediction\r\n"), text.substring(0, 80));
        assertTrue(text.contains(",\"say \"\"hi\"\", ok\","), "RFC 4180 quoting");
        assertTrue(text.contains("\r\n11,\"\",cat3,"), "an empty string is quoted, a null is not: " + text.substring(0, 400));
        assertTrue(text.contains("\r\n7,,cat3,"), "a null name is an empty field");
        List<String> types = describe("read_parquet('" + duckShard + "')");
        StringBuilder columns = new StringBuilder();
        for (String c : KEPT) {
            String type = types.stream().filter(d -> d.startsWith(c + " ")).findFirst().orElseThrow().substring(c.length() + 1);
            columns.append('\'').append(c).append("': '").append(type).append("', ");
        }
        String csv = "read_csv('" + r.csvUri() + "', header = true, allow_quoted_nulls = false, columns = {" + columns
                + "'prediction': 'DOUBLE'})";
        assertEquals(DUCK_ROWS, Long.parseLong(one("SELECT count(*) FROM " + csv)));
        StringBuilder where = new StringBuilder("a.prediction IS DISTINCT FROM b.prediction");
        for (String c : KEPT) {
            where.append(" OR a.\"").append(c).append("\" IS DISTINCT FROM b.\"").append(c).append('"');
        }
        assertEquals(0, Long.parseLong(one("SELECT count(*) FROM read_parquet('" + out + "') a POSITIONAL JOIN " + csv
                + " b WHERE " + where)));
    }

    @Test
    void lineageIsInTheFootersKeyValueMetadata() throws Exception {
        Path out = dir.resolve("lineage.predictions.parquet");
        predict(liteShard, out, List.of("id"), null);
        Map<String, String> kv;
        try (ParquetFileReader reader = open(out)) {
            kv = reader.getFooter().getFileMetaData().getKeyValueMetaData();
        }
        assertEquals(RULE, kv.get("canopy.model_uri"));
        assertEquals("run-7", kv.get("canopy.run_id"));
        assertEquals("rule", kv.get("canopy.algorithm"));
        assertEquals(liteShard.toString(), kv.get("canopy.shard"));
        assertTrue(kv.get("canopy.version").matches("\\d+\\.\\d+\\.\\d+\\S*"), kv.get("canopy.version"));
        assertEquals(Lineage.canopyVersion(), kv.get("canopy.version"));
        // without kept columns too, and DuckDB sees the same
        Path plain = dir.resolve("plain.predictions.parquet");
        predict(liteShard, plain, null, null);
        assertEquals("rule", one("SELECT decode(value) FROM parquet_kv_metadata('" + plain + "') WHERE decode(key) = 'canopy.algorithm'"));
        assertEquals(List.of("prediction DOUBLE"), describe("read_parquet('" + plain + "')"));
    }

    @Test
    void aKeptColumnMissingFromTheShardNamesColumnShardAndColumns() {
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> predict(liteShard, dir.resolve("m.parquet"), List.of("id", "customer_id"), null));
        assertEquals("keepColumns", e.field());
        assertTrue(e.getMessage().contains("\"customer_id\"") && e.getMessage().contains(liteShard.toString())
                && e.getMessage().contains("[id, region, note, at, level, x]"), e.getMessage());
        assertFalse(Files.exists(dir.resolve("m.parquet")), "nothing written");
    }

    @Test
    void nestedColumnsAreRefusedNamingTheirType() {
        for (String c : List.of("tags", "st")) {
            InvalidInputException e = assertThrows(InvalidInputException.class,
                    () -> predict(nestedShard, dir.resolve("n.parquet"), List.of(c), null));
            assertEquals("keepColumns", e.field());
            assertTrue(e.getMessage().contains("\"" + c + "\"") && e.getMessage().contains("nested")
                    && e.getMessage().contains(nestedShard.toString()), e.getMessage());
        }
    }

    @Test
    void aUuidIsCopiedToParquetButHasNoCsvForm() throws Exception {
        Path out = dir.resolve("uuid.predictions.parquet");
        predict(duckShard, out, List.of("u"), null);
        assertEquals(0, differingRows(duckShard, out, List.of("u")));
        assertEquals(List.of("u UUID", "prediction DOUBLE"), describe("read_parquet('" + out + "')"));
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> predict(duckShard, dir.resolve("uuid2.predictions.parquet"), List.of("id", "u"), "csv"));
        assertEquals("keepColumns", e.field());
        assertTrue(e.getMessage().contains("\"u\"") && e.getMessage().contains("uuid") && e.getMessage().contains("CSV"),
                e.getMessage());
    }

    @Test
    void badKeepColumnsAndOutputFormatsAreRefusedNamingFieldAndValue() {
        Path out = dir.resolve("bad.parquet");
        record Case(List<String> keep, String format, String field, String says) {
        }
        List<String> tooMany = new ArrayList<>();
        for (int i = 0; i <= OutputOptions.MAX_KEEP_COLUMNS; i++) {
            tooMany.add("c" + i);
        }
        List<Case> cases = List.of(
                new Case(List.of("id", "id"), null, "keepColumns", "keepColumns=\"id\": the column is named twice"),
                new Case(List.of("prediction"), null, "keepColumns", "keepColumns=\"prediction\""),
                new Case(java.util.Arrays.asList("id", " "), null, "keepColumns", "a column name is blank"),
                new Case(java.util.Arrays.asList("id", null), null, "keepColumns", "a column name is blank"),
                new Case(tooMany, null, "keepColumns", "at most 64"),
                new Case(List.of("id"), "xml", "outputFormat", "outputFormat=\"xml\": must be parquet"),
                new Case(null, "", "outputFormat", "outputFormat=\"\""));
        for (Case c : cases) {
            InvalidInputException e = assertThrows(InvalidInputException.class, () -> predict(liteShard, out, c.keep(), c.format()));
            assertEquals(c.field(), e.field(), e.getMessage());
            assertTrue(e.getMessage().contains(c.says()), e.getMessage());
        }
        // kept columns and a CSV copy go into the predictions files: without an output there is nowhere to put them
        InvalidInputException noOut = assertThrows(InvalidInputException.class, () -> service().predict(
                new PredictRequest(RULE, liteShard.toString(), null, null, null, null, List.of("id"), null)));
        assertEquals("keepColumns", noOut.field());
        InvalidInputException noOutCsv = assertThrows(InvalidInputException.class, () -> service().predict(
                new PredictRequest(RULE, liteShard.toString(), null, null, null, null, null, "csv")));
        assertEquals("outputFormat", noOutCsv.field());
        assertFalse(Files.exists(out));
    }

    @Test
    void batchPredictPassesBothFieldsAndRefusesBadValuesBeforeReadingAShard() throws Exception {
        LocalObjectStore local = new LocalObjectStore();
        RecordingObjectStore store = new RecordingObjectStore(local);
        Map<Integer, PredictService> instances = new ConcurrentHashMap<>();
        BatchPredictService s = new BatchPredictService(store, BatchPredictServiceTest.localInvoker(store, instances),
                BatchPredictServiceTest.LIMITS, BatchPredictServiceTest.FAST);
        Path outDir = dir.resolve("batch");
        List<String> shards = List.of(liteShard.toString(), duckShard.toString());
        BatchPredictResult r = s.run(new BatchPredictRequest("b-keep", RULE, shards, null, 2, outDir.toString(), true, 1, 60,
                0.0, null, List.of("id"), "csv", null, null));
        assertEquals(2, r.succeeded(), String.valueOf(r));
        assertEquals(2202 + DUCK_ROWS, Long.parseLong(one("SELECT count(*) FROM read_parquet('" + outDir + "/*.parquet')")));
        assertEquals(2202 + DUCK_ROWS, Long.parseLong(one("SELECT count(DISTINCT id) FROM read_parquet('" + outDir
                + "/*.parquet')")), "every row has its id");
        assertEquals(2202 + DUCK_ROWS, Long.parseLong(one("SELECT count(*) FROM read_csv('" + outDir + "/_csv/*.csv', header = true)")));
        // the copies are not among the outputs a dataset reader of the prefix sees
        try (var top = Files.list(outDir)) {
            assertEquals(List.of(), top.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".csv")).toList());
        }

        for (BatchPredictRequest bad : List.of(
                new BatchPredictRequest("b-bad", RULE, shards, null, 2, outDir.toString(), true, 1, 60, 0.0, null,
                        List.of("id", "id"), null, null, null),
                new BatchPredictRequest("b-bad", RULE, shards, null, 2, outDir.toString(), true, 1, 60, 0.0, null,
                        List.of("id"), "json", null, null),
                new BatchPredictRequest("b-bad", RULE, shards, null, 2, null, true, 1, 60, 0.0, null,
                        List.of("id"), null, null, null),
                new BatchPredictRequest("b-bad", RULE, shards, null, 2, null, true, 1, 60, 0.0, null,
                        null, "csv", null, null))) {
            store.calls.clear();
            InvalidInputException e = assertThrows(InvalidInputException.class, () -> s.run(bad));
            assertTrue(e.field().equals("keepColumns") || e.field().equals("outputFormat"), e.getMessage());
            assertEquals(List.of(), store.calls.stream().filter(c -> c.contains(".parquet")).toList(),
                    "refused before any shard is read: " + e.getMessage());
        }
    }
}
