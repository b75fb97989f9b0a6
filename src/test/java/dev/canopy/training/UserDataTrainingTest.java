package dev.canopy.training;

import dev.canopy.error.InvalidInputException;
import dev.canopy.json.Json;
import dev.canopy.model.FeatureEncoding;
import dev.canopy.parquet.write.ParquetWriterLite;
import dev.canopy.testing.InMemoryObjectStore;
import dev.canopy.testing.TestData;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Users' own data in training: delimiters, the pandas index, gaps under each policy, text columns as categories. */
class UserDataTrainingTest {
    static final String OUT = "mem://out";
    InMemoryObjectStore store;
    TrainService service;

    @BeforeEach
    void setUp() {
        store = new InMemoryObjectStore();
        service = new TrainService(store, Clock.systemUTC(), OUT);
    }

    private TrainRequest req(String data, List<String> features, String delimiter, String missing, String categorical,
                             Integer maxCategories) {
        return new TrainRequest("run-u", data, null, null, features, "decision_tree", 0.25, 7L, null, null, Map.of(),
                null, null, null, null, delimiter, missing, categorical, maxCategories);
    }

    private void put(String uri, String text) {
        store.put(uri, text.getBytes(StandardCharsets.UTF_8));
    }

    private ModelMetadata meta() {
        return Json.read(store.read(OUT + "/run-u/models/decision_tree.json"), ModelMetadata.class, "meta");
    }

    /** Housing rows with gaps written as NA, NaN, null and empty cells in MedInc (every 10th row) and HouseAge. */
    static String withGaps(int rows) {
        String[] lines = TestData.housingCsv(rows, 11).split("\n");
        String[] tokens = {"NA", "NaN", "null", ""};
        StringBuilder sb = new StringBuilder(lines[0]).append('\n');
        for (int i = 1; i < lines.length; i++) {
            String[] f = lines[i].split(",", -1);
            if (i % 10 == 0) {
                f[0] = tokens[(i / 10) % 4];
            }
            if (i % 25 == 0) {
                f[1] = "";
            }
            sb.append(String.join(",", f)).append('\n');
        }
        return sb.toString();
    }

    @Test
    void gapsFailByDefaultNamingEachColumnAndCount() {
        put("mem://d/gaps.csv", withGaps(400));
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> service.train(req("mem://d/gaps.csv", null, null, null, null, null)));
        assertTrue(e.getMessage().startsWith("features=\"MedInc\": has 40 of 400 rows without a value in mem://d/gaps.csv "
                + "(columns with gaps: {MedInc=40, HouseAge=16}); the missing-value policy is error"), e.getMessage());
        assertTrue(e.getMessage().contains("--missing"), e.getMessage());
    }

    @Test
    void dropLeavesOutRowsWithGapsAndCountsThem() {
        put("mem://d/gaps.csv", withGaps(400));
        TrainResult r = service.train(req("mem://d/gaps.csv", null, null, "drop", null, null));
        DatasetSummary d = r.dataset();
        assertEquals("drop", d.missing());
        assertEquals(40, d.missingCells().get("MedInc"));
        assertEquals(16, d.missingCells().get("HouseAge"));
        assertEquals(0, d.missingCells().get("Latitude"));
        // rows 50, 100, … have both gaps: 40 + 16 - 8 rows have at least one
        assertEquals(48, d.droppedRows());
        assertEquals(400 - 48, d.trainRows() + d.testRows());
        assertEquals("drop", meta().encoding().missing());
    }

    @Test
    void imputeFillsWithTheTrainingMedianAndSavesIt() {
        put("mem://d/gaps.csv", withGaps(400));
        TrainResult r = service.train(req("mem://d/gaps.csv", null, null, "impute", null, null));
        assertEquals(0, r.dataset().droppedRows());
        assertEquals(400, r.dataset().trainRows() + r.dataset().testRows());
        FeatureEncoding enc = meta().encoding();
        assertEquals("impute", enc.missing());
        // the saved fill is the median of MedInc over the training rows (the same split the trainer used)
        String[] lines = withGaps(400).split("\n");
        DataSplit split = DataSplit.of(400, 0.25, 7L);
        List<Double> values = new ArrayList<>();
        for (int i : split.train()) {
            String v = lines[i + 1].split(",", -1)[0];
            if (!List.of("NA", "NaN", "null", "").contains(v)) {
                values.add(Double.parseDouble(v));
            }
        }
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        double median = sorted.length % 2 == 1 ? sorted[sorted.length / 2]
                : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
        assertEquals(median, enc.features().getFirst().fill(), 0.0);
        assertNull(enc.features().getFirst().categories());
    }

    /** Housing with a text column: the region band of each row, and an unnamed pandas index; semicolons. */
    static String withRegion(int rows) {
        String[] lines = TestData.housingCsv(rows, 5).split("\n");
        StringBuilder sb = new StringBuilder(";").append(lines[0].replace(',', ';')).append(";region\n");
        for (int i = 1; i < lines.length; i++) {
            String[] f = lines[i].split(",");
            double lat = Double.parseDouble(f[6]);
            String region = lat > 39 ? "NORTH" : lat > 37 ? "BAY" : lat > 35 ? "CENTRAL" : "SOUTH";
            sb.append(i - 1).append(';').append(String.join(";", f)).append(';').append(region).append('\n');
        }
        return sb.toString();
    }

    @Test
    void textColumnsAreLeftOutByDefaultAndNamed() {
        put("mem://d/region.csv", withRegion(300));
        DatasetSummary d = service.train(req("mem://d/region.csv", null, null, null, null, null)).dataset();
        assertEquals(8, d.features().size());
        assertEquals(List.of(), d.categorical());
        assertEquals(List.of("(unnamed first column)", "region"), List.copyOf(d.leftOut().keySet()));
        assertTrue(d.leftOut().get("region").contains("categorical=auto"), d.leftOut().toString());
        assertTrue(d.leftOut().get("(unnamed first column)").contains("pandas"), d.leftOut().toString());
    }

    @Test
    void autoMakesTextColumnsCategoriesOrderedByMeanTarget() {
        put("mem://d/region.csv", withRegion(300));
        DatasetSummary d = service.train(req("mem://d/region.csv", null, null, null, "auto", null)).dataset();
        assertEquals(List.of("region"), d.categorical());
        assertEquals("region", d.features().getLast());
        FeatureEncoding.Feature region = meta().encoding().features().getLast();
        assertEquals(4, region.categories().size());
        // the generator adds 0.6 to the target north of 37° and subtracts 0.2 south of it
        List<String> cats = region.categories();
        assertTrue(cats.indexOf("SOUTH") < 2 && cats.indexOf("CENTRAL") < 2 && cats.indexOf("BAY") >= 2
                && cats.indexOf("NORTH") >= 2, cats.toString());
        // named in features, it is a category too, and every other column is left out by name
        DatasetSummary named = service.train(req("mem://d/region.csv", List.of("MedInc", "region"), ";", null, null, null))
                .dataset();
        assertEquals(List.of("region"), named.categorical());
        assertEquals("not named in features", named.leftOut().get("HouseAge"));
    }

    @Test
    void categoryCapIsConfigurable() {
        put("mem://d/region.csv", withRegion(300));
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> service.train(req("mem://d/region.csv", null, null, null, "auto", 3)));
        assertTrue(e.getMessage().startsWith("features=\"region\": has 4 distinct values, more than maxCategories "
                + "(--max-categories) 3"), e.getMessage());
    }

    @Test
    void anUnseenCategoryInTestDataFollowsThePolicy() {
        put("mem://d/region.csv", withRegion(300));
        String test = withRegion(60).replace("NORTH", "ISLAND");
        long islands = Arrays.stream(test.split("\n")).filter(l -> l.endsWith("ISLAND")).count();
        assertTrue(islands > 0);
        put("mem://d/test.csv", test);
        TrainRequest base = req("mem://d/region.csv", null, null, null, "auto", null);
        TrainRequest withTest = new TrainRequest(base.runId(), base.data(), null, null, null, base.algorithm(), null, 7L,
                "mem://d/test.csv", null, Map.of(), null, null, null, null, null, "error", "auto", null);
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> service.train(withTest));
        assertTrue(e.getMessage().contains("\"ISLAND\", never seen in training"), e.getMessage());
        TrainRequest drop = new TrainRequest(base.runId(), base.data(), null, null, null, base.algorithm(), null, 7L,
                "mem://d/test.csv", null, Map.of(), null, null, null, null, null, "drop", "auto", null);
        TrainResult r = service.train(drop);
        assertTrue(Double.isFinite(r.mse()), "metrics over the rows that could be scored");
    }

    @Test
    void badDataOptionsNameTheFieldAndValue() {
        put("mem://d/region.csv", withRegion(50));
        Object[][] cases = {
                {"missing", req("mem://d/region.csv", null, null, "maybe", null, null), "missing=\"maybe\": unknown missing-value policy; valid: error, drop, impute"},
                {"categorical", req("mem://d/region.csv", null, null, null, "yes", null), "categorical=\"yes\": must be auto"},
                {"maxCategories", req("mem://d/region.csv", null, null, null, "auto", 1), "maxCategories=\"1\": must be between 2"},
                {"delimiter", req("mem://d/region.csv", null, "::", null, null, null), "delimiter=\"::\": a delimiter is one character"},
        };
        for (Object[] c : cases) {
            InvalidInputException e = assertThrows(InvalidInputException.class, () -> service.train((TrainRequest) c[1]));
            assertEquals(c[0], e.field());
            assertTrue(e.getMessage().startsWith((String) c[2]), e.getMessage());
        }
        // a wrong delimiter given explicitly: one column, so the header's fields do not split
        InvalidInputException comma = assertThrows(InvalidInputException.class,
                () -> service.train(req("mem://d/region.csv", null, ",", null, null, null)));
        assertTrue(comma.getMessage().contains("no such column"), comma.getMessage());
    }

    @Test
    void aParquetStringColumnIsACategoryToo() throws Exception {
        int n = 200;
        double[] x = new double[n];
        double[] y = new double[n];
        String[] group = new String[n];
        for (int i = 0; i < n; i++) {
            x[i] = i % 17;
            group[i] = i % 2 == 0 ? "even" : i % 5 == 0 ? null : "odd";
            y[i] = x[i] * 0.1 + (i % 2 == 0 ? 3 : 0);
        }
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        ParquetWriterLite.write(bytes, List.of(
                new ParquetWriterLite.Field("x", ParquetWriterLite.Kind.DOUBLE, false),
                new ParquetWriterLite.Field("group", ParquetWriterLite.Kind.STRING, true),
                new ParquetWriterLite.Field("MedHouseVal", ParquetWriterLite.Kind.DOUBLE, false)),
                List.of(List.of(new ParquetWriterLite.Values(x, null),
                        new ParquetWriterLite.Values(group, null),
                        new ParquetWriterLite.Values(y, null))), List.of(n));
        store.put("mem://d/g.parquet", bytes.toByteArray());
        DatasetSummary d = service.train(req("mem://d/g.parquet", null, null, "impute", "auto", null)).dataset();
        assertEquals(List.of("x", "group"), d.features());
        assertEquals(List.of("group"), d.categorical());
        assertEquals(20, d.missingCells().get("group"), "rows 5, 15, 25, …: odd multiples of 5");
        FeatureEncoding.Feature g = meta().encoding().features().get(1);
        assertEquals(List.of("odd", "even"), g.categories(), "ordered by mean target");
    }
}
