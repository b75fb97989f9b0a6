package dev.canopy.data;

import dev.canopy.error.ConflictException;
import dev.canopy.error.InvalidInputException;
import dev.canopy.sample.RegressionParts;
import dev.canopy.storage.local.LocalObjectStore;
import dev.canopy.testing.InMemoryObjectStore;
import dev.canopy.testing.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DatasetPartsTest {

    static InMemoryObjectStore threeCsvParts() {
        InMemoryObjectStore store = new InMemoryObjectStore();
        String csv = TestData.housingCsv(300, 4);
        String[] lines = csv.split("\n");
        String header = lines[0];
        for (int p = 0; p < 3; p++) {
            StringBuilder b = new StringBuilder(header).append('\n');
            for (int i = 1 + p * 100; i <= (p + 1) * 100; i++) {
                b.append(lines[i]).append('\n');
            }
            store.put("mem://b/set/part-" + p + ".csv", b.toString().getBytes(StandardCharsets.UTF_8));
        }
        store.put("mem://b/set/_SUCCESS", new byte[0]);
        store.put("mem://b/set/.part-0.csv.crc", new byte[]{1, 2});
        store.put("mem://b/set/_temporary/part-9.csv", "junk".getBytes(StandardCharsets.UTF_8));
        store.put("mem://b/setaside.csv", TestData.housingCsvBytes(5, 1));
        return store;
    }

    @Test
    void aPrefixIsItsPartsWithoutThoseStartingWithUnderscoreOrDot() {
        InMemoryObjectStore store = threeCsvParts();
        DatasetParts.Plan plan = DatasetParts.plan(store, "data", "mem://b/set");
        assertEquals(List.of("part-0.csv", "part-1.csv", "part-2.csv"), plan.parts().stream().map(DatasetParts.Part::name).toList());
        assertTrue(plan.version().startsWith(DatasetParts.PARTS_VERSION + "3:"), plan.version());
        assertEquals(plan.version(), DatasetParts.plan(store, "data", "mem://b/set/").version());

        DatasetReader.Result r = DatasetReader.read(store, "data", plan, null, null);
        assertEquals(300, r.table().rows());
        assertEquals(List.of(100L, 100L, 100L), r.parts().stream().map(DatasetReader.PartRows::rows).toList());
        // the rows are the parts' rows in order
        double[] all = DatasetReader.read(store, "data", DatasetParts.plan(store, "data", "mem://b/set/part-1.csv"), null, null)
                .table().numeric("x", "MedInc");
        assertArrayEquals(all, Arrays.copyOfRange(r.table().numeric("x", "MedInc"), 100, 200));
    }

    @Test
    void joiningThePartsLetsGoOfEachPartsColumnOnceCopied() {
        InMemoryObjectStore store = threeCsvParts();
        DatasetParts.Plan plan = DatasetParts.plan(store, "data", "mem://b/set");
        Table[] parts = new Table[3];
        for (int i = 0; i < 3; i++) {
            parts[i] = TableReader.read("data", plan.uri(), store.read(plan.parts().get(i).uri(), null), null);
        }
        double[] middle = parts[1].numeric("x", "MedInc");
        Table whole = DatasetReader.concat("data", plan, parts);
        assertEquals(300, whole.rows());
        assertArrayEquals(middle, Arrays.copyOfRange(whole.numeric("x", "MedInc"), 100, 200));
        // the caller's parts no longer hold their columns: the whole and the parts are never held twice
        for (Table t : parts) {
            assertEquals(List.of(), t.names());
            assertEquals(100, t.rows());
        }
    }

    @Test
    void aSingleObjectKeepsItsOwnVersion() {
        InMemoryObjectStore store = threeCsvParts();
        DatasetParts.Plan plan = DatasetParts.plan(store, "data", "mem://b/set/part-0.csv");
        assertTrue(plan.single());
        assertEquals(store.head("mem://b/set/part-0.csv").version(), plan.version());
    }

    @Test
    void theVersionCoversEveryPart() {
        InMemoryObjectStore store = threeCsvParts();
        String before = DatasetParts.plan(store, "data", "mem://b/set").version();
        store.put("mem://b/set/part-1.csv", TestData.housingCsvBytes(100, 9));
        String after = DatasetParts.plan(store, "data", "mem://b/set").version();
        assertNotEquals(before, after);
        ConflictException e = assertThrows(ConflictException.class, () -> DatasetParts.pinned(store, "data", "mem://b/set", before));
        assertTrue(e.getMessage().contains("changed since the run pinned them"), e.getMessage());
        store.put("mem://b/set/part-3.csv", TestData.housingCsvBytes(10, 9));
        assertNotEquals(after, DatasetParts.plan(store, "data", "mem://b/set").version());
    }

    @Test
    void aPartWithAnotherSchemaIsRefusedNamingThePartAndTheColumn() {
        InMemoryObjectStore store = threeCsvParts();
        String csv = TestData.housingCsv(50, 2).replaceFirst("AveRooms", "Rooms");
        store.put("mem://b/set/part-1.csv", csv.getBytes(StandardCharsets.UTF_8));
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> DatasetReader.read(store, "data", DatasetParts.plan(store, "data", "mem://b/set"), null, null));
        assertTrue(e.getMessage().contains("part-1.csv") && e.getMessage().contains("Rooms"), e.getMessage());

        String[] lines = TestData.housingCsv(50, 2).split("\n");
        lines[7] = lines[7].replaceFirst("^[^,]*", "high");
        store.put("mem://b/set/part-1.csv", String.join("\n", lines).getBytes(StandardCharsets.UTF_8));
        e = assertThrows(InvalidInputException.class,
                () -> DatasetReader.read(store, "data", DatasetParts.plan(store, "data", "mem://b/set"), null, null));
        String column = lines[0].split(",")[0];
        assertTrue(e.getMessage().contains("part part-1.csv: column " + column + " holds text"), e.getMessage());
    }

    @Test
    void aSampleIsExactDeterministicAndTheSameWhateverThePartBoundaries() {
        InMemoryObjectStore store = threeCsvParts();
        DatasetParts.Plan plan = DatasetParts.plan(store, "data", "mem://b/set");
        DatasetReader.Result a = DatasetReader.read(store, "data", plan, null, new DatasetReader.Sample(77, 3));
        DatasetReader.Result b = DatasetReader.read(store, "data", plan, null, new DatasetReader.Sample(77, 3));
        DatasetReader.Result c = DatasetReader.read(store, "data", plan, null, new DatasetReader.Sample(77, 4));
        assertEquals(77, a.table().rows());
        assertEquals(300, a.rowsRead());
        assertArrayEquals(a.table().numeric("x", "MedInc"), b.table().numeric("x", "MedInc"));
        assertNotEquals(Arrays.toString(a.table().numeric("x", "MedInc")), Arrays.toString(c.table().numeric("x", "MedInc")));
        int[][] keep = DatasetReader.select(new long[]{100, 100, 100}, new DatasetReader.Sample(77, 3));
        int[][] one = DatasetReader.select(new long[]{300}, new DatasetReader.Sample(77, 3));
        int[] flat = new int[77];
        int n = 0;
        for (int p = 0; p < 3; p++) {
            for (int i : keep[p]) {
                flat[n++] = p * 100 + i;
            }
        }
        assertArrayEquals(one[0], flat);
        assertEquals(300, DatasetReader.read(store, "data", plan, null, new DatasetReader.Sample(1000, 3)).table().rows());
    }

    @Test
    void textCellsShareOneStringPerValueAcrossParquetParts(@TempDir Path dir) throws Exception {
        RegressionParts.write(dir, 3000, 3, 7);
        java.nio.file.Files.writeString(dir.resolve("_SUCCESS"), "");
        LocalObjectStore store = new LocalObjectStore();
        DatasetParts.Plan plan = DatasetParts.withFooterRows(store, DatasetParts.plan(store, "data", dir.toString()));
        assertEquals(3, plan.parts().size());
        assertEquals(3000, plan.rows());
        assertEquals(9, plan.columns());
        Table t = DatasetReader.read(store, "data", plan, null, null).table();
        assertEquals(3000, t.rows());
        String[] pay = t.column("x", "payment_type").text();
        String credit = null;
        for (String s : pay) {
            if ("CREDIT".equals(s)) {
                if (credit == null) {
                    credit = s;
                }
                assertSame(credit, s);
            }
        }
    }
}
