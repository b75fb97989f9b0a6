package dev.canopy.inference;

import dev.canopy.data.Table;
import dev.canopy.data.TableReader;
import dev.canopy.error.InvalidInputException;
import dev.canopy.json.Json;
import dev.canopy.model.TreeCodec;
import dev.canopy.model.TreeEnsemble;
import dev.canopy.parquet.write.ParquetWriterLite;
import dev.canopy.testing.InMemoryObjectStore;
import dev.canopy.testing.TestData;
import dev.canopy.testing.TestParquet;
import dev.canopy.training.TrainRequest;
import dev.canopy.training.TrainResult;
import dev.canopy.training.TrainService;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.schema.MessageTypeParser;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Scoring applies what training saved: a gap follows the model's missing-value policy (never scored as a
 * number it is not), and a text column is encoded with the training categories.
 */
class MissingAndCategoricalScoringTest {
    static final List<String> HOUSING = List.of("MedInc", "HouseAge", "AveRooms", "AveBedrms", "Population", "AveOccup",
            "Latitude", "Longitude");

    private final InMemoryObjectStore mem = new InMemoryObjectStore();
    private final PredictService predictor = new PredictService(mem, new ModelCache(1 << 20), "t");

    private String train(String data, String missing, String categorical) {
        TrainResult t = new TrainService(mem, Clock.systemUTC(), "mem://out").train(new TrainRequest("m-" + missing,
                data, null, null, null, "gradient_boosting", 0.2, 1L, null, null, Map.of("trees", 100, "max_depth", 3), null, null, null, null, null,
                missing, categorical, null));
        return t.modelUri();
    }

    /** Two housing rows, equal but for MedInc ({@code m0}, {@code m1}; NaN is a Parquet null) and the region. */
    private static byte[] twoRows(double m0, double m1, String region0, String region1) throws Exception {
        List<ParquetWriterLite.Field> fields = new ArrayList<>();
        List<ParquetWriterLite.Values> values = new ArrayList<>();
        for (String n : HOUSING) {
            fields.add(new ParquetWriterLite.Field(n, ParquetWriterLite.Kind.DOUBLE, true));
            double v = n.equals("Latitude") ? 36 : n.equals("Longitude") ? -120 : 3;
            values.add(n.equals("MedInc") ? new ParquetWriterLite.Values(new double[]{m0, m1},
                    new boolean[]{Double.isNaN(m0), Double.isNaN(m1)})
                    : new ParquetWriterLite.Values(new double[]{v, v}, null));
        }
        if (region0 != null) {
            fields.add(new ParquetWriterLite.Field("region", ParquetWriterLite.Kind.STRING, true));
            values.add(new ParquetWriterLite.Values(new String[]{region0, region1}, null));
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ParquetWriterLite.write(out, fields, List.of(values), List.of(2));
        return out.toByteArray();
    }

    private double[] predictions(String modelUri, String shard) {
        String out = shard.replace(".parquet", ".predictions.parquet");
        predictor.predict(new PredictRequest(modelUri, shard, out));
        return TableReader.read("p", out, mem.read(out)).numeric("p", "prediction");
    }

    @Test
    void aGapIsNotScoredAsALargeNumber() throws Exception {
        mem.put("mem://d/h.csv", TestData.housingCsvBytes(600, 8));
        String model = train("mem://d/h.csv", null, null);
        mem.put("mem://s/gap.parquet", twoRows(Double.NaN, 15, null, null));
        // Before missing-value policies, PredictService scored the bare ensemble, and the NaN row scored exactly as
        // MedInc=15 (NaN goes right at every split):
        TreeEnsemble bare = TreeCodec.read(model, mem.read(model));
        double[][] cols = new double[8][];
        for (int j = 0; j < 8; j++) {
            cols[j] = j == 0 ? new double[]{Double.NaN, 15} : j == 6 ? new double[]{36, 36} : j == 7 ? new double[]{-120, -120}
                    : new double[]{3, 3};
        }
        double[] old = new double[2];
        bare.predict(cols, 2, old);
        assertEquals(old[1], old[0], 0.0, "the behaviour the policy replaces");
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> predictor.predict(new PredictRequest(model, "mem://s/gap.parquet", null)));
        assertTrue(e.getMessage().startsWith("shard=\"mem://s/gap.parquet\":"), e.getMessage());
        assertTrue(e.getMessage().contains("features=\"MedInc\": 1 of 2 rows have no value (first: row 1); the model's "
                + "missing-value policy is error"), e.getMessage());
    }

    @Test
    void imputeUsesTheSavedTrainingValue() throws Exception {
        mem.put("mem://d/h.csv", TestData.housingCsvBytes(600, 8));
        String model = train("mem://d/h.csv", "impute", null);
        String meta = new String(mem.read(model.replace(".trees", ".json")), StandardCharsets.UTF_8);
        double fill = Json.MAPPER.readTree(meta).path("encoding").path("features").get(0).path("fill").asDouble();
        assertTrue(fill > 0.5 && fill < 10.5, "a median MedInc: " + fill);
        mem.put("mem://s/gap.parquet", twoRows(Double.NaN, fill, null, null));
        double[] p = predictions(model, "mem://s/gap.parquet");
        assertEquals(p[1], p[0], 0.0, "the gap scores as the saved median");
        mem.put("mem://s/large.parquet", twoRows(Double.NaN, 15, null, null));
        assertNotEquals(predictions(model, "mem://s/large.parquet")[1], p[0], "and not as a large value");
    }

    @Test
    void dropGivesTheRowANullPrediction() throws Exception {
        mem.put("mem://d/h.csv", TestData.housingCsvBytes(600, 8));
        String model = train("mem://d/h.csv", "drop", null);
        mem.put("mem://s/gap.parquet", twoRows(Double.NaN, 4, null, null));
        PredictResult r = predictor.predict(new PredictRequest(model, "mem://s/gap.parquet", "mem://s/gap.predictions.parquet"));
        Table out = TableReader.read("p", "x.parquet", mem.read("mem://s/gap.predictions.parquet"));
        double[] p = out.numeric("p", "prediction");
        assertEquals(2, r.rows());
        assertTrue(Double.isNaN(p[0]), "written as null: " + p[0]);
        assertEquals(1, out.column("p", "prediction").missing());
        assertEquals(p[1], r.scoreSum(), 0.0, "the null row adds nothing to the sum");
    }

    /** Housing with a region column that adds 1 to the target of its NORTH rows (every other row). */
    static String regionCsv(int rows) {
        String[] lines = TestData.housingCsv(rows, 5).split("\n");
        StringBuilder sb = new StringBuilder(lines[0]).append(",region\n");
        for (int i = 1; i < lines.length; i++) {
            String[] f = lines[i].split(",");
            boolean north = i % 2 == 0;
            f[f.length - 1] = String.valueOf(Double.parseDouble(f[f.length - 1]) + (north ? 1 : 0));
            sb.append(String.join(",", f)).append(',').append(north ? "NORTH" : "SOUTH").append('\n');
        }
        return sb.toString();
    }

    @Test
    void aTextColumnIsEncodedWithTheTrainingCategoriesPlainOrDictionary() throws Exception {
        mem.put("mem://d/r.csv", regionCsv(600).getBytes(StandardCharsets.UTF_8));
        String model = train("mem://d/r.csv", null, "auto");
        // ParquetWriterLite writes strings PLAIN
        mem.put("mem://s/r.parquet", twoRows(4, 4, "NORTH", "SOUTH"));
        double[] p = predictions(model, "mem://s/r.parquet");
        assertTrue(p[0] > p[1] + 0.5, "the data adds 1 to the target of NORTH rows: " + p[0] + " vs " + p[1]);
        // the same rows written by parquet-mr, which dictionary-encodes strings, score the same
        mem.put("mem://s/dict.parquet", dictionaryShard(new String[]{"NORTH", "SOUTH"}));
        double[] d = predictions(model, "mem://s/dict.parquet");
        assertEquals(p[0], d[0], 0.0);
        assertEquals(p[1], d[1], 0.0);
        // an unseen category under the default policy is refused, naming it
        mem.put("mem://s/unseen.parquet", dictionaryShard(new String[]{"NORTH", "ISLAND"}));
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> predictor.predict(new PredictRequest(model, "mem://s/unseen.parquet", null)));
        assertTrue(e.getMessage().contains("features=\"region\": holds the category \"ISLAND\", never seen in training"),
                e.getMessage());
        // a numeric column where the model wants text is named
        mem.put("mem://s/numeric.parquet", TestParquet.doubles(
                new ArrayList<>(java.util.stream.Stream.concat(HOUSING.stream(), java.util.stream.Stream.of("region")).toList()),
                new double[][]{{1}, {1}, {1}, {1}, {1}, {1}, {1}, {1}, {1}}, 1));
        InvalidInputException wrong = assertThrows(InvalidInputException.class,
                () -> predictor.predict(new PredictRequest(model, "mem://s/numeric.parquet", null)));
        assertTrue(wrong.getMessage().contains("column \"region\" is double, not text"), wrong.getMessage());
    }

    @Test
    void anUnseenCategoryUnderDropIsANullPrediction() throws Exception {
        mem.put("mem://d/r.csv", regionCsv(600).getBytes(StandardCharsets.UTF_8));
        String model = train("mem://d/r.csv", "drop", "auto");
        mem.put("mem://s/unseen.parquet", dictionaryShard(new String[]{"ISLAND", "SOUTH"}));
        double[] p = predictions(model, "mem://s/unseen.parquet");
        assertTrue(Double.isNaN(p[0]) && Double.isFinite(p[1]), p[0] + ", " + p[1]);
    }

    /** Two rows (MedInc 4, the rest as {@link #twoRows}) written by parquet-mr, whose strings are dictionary pages. */
    private static byte[] dictionaryShard(String[] regions) throws Exception {
        StringBuilder schema = new StringBuilder("message t {");
        for (String n : HOUSING) {
            schema.append(" optional double ").append(n).append(';');
        }
        var type = MessageTypeParser.parseMessageType(schema.append(" optional binary region (STRING); }").toString());
        Path tmp = Files.createTempFile("canopy-dict", ".parquet");
        try {
            SimpleGroupFactory f = new SimpleGroupFactory(type);
            try (ParquetWriter<Group> w = ExampleParquetWriter.builder(new LocalOutputFile(tmp))
                    .withConf(new PlainParquetConfiguration()).withType(type).withDictionaryEncoding(true)
                    .withWriteMode(ParquetFileWriter.Mode.OVERWRITE).build()) {
                for (String region : regions) {
                    Group g = f.newGroup();
                    for (String n : HOUSING) {
                        g.append(n, n.equals("MedInc") ? 4 : n.equals("Latitude") ? 36 : n.equals("Longitude") ? -120 : 3.0);
                    }
                    g.append("region", region);
                    w.write(g);
                }
            }
            return Files.readAllBytes(tmp);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
