package dev.canopy.data;

import dev.canopy.error.InvalidInputException;
import dev.canopy.sample.TaxiShards;
import dev.canopy.testing.TestParquet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ParquetTableReaderTest {

    @Test
    void readsNumericColumnsAndNullsAsNaN() throws Exception {
        byte[] bytes = TestParquet.doubles(List.of("a", "MedHouseVal"), new double[][]{{1, Double.NaN, 3}, {4, 5, 6}}, 3);
        Table t = TableReader.read("data", "x.parquet", bytes);
        assertEquals(3, t.rows());
        assertEquals(3.0, t.numeric("f", "a")[2]);
        assertTrue(Double.isNaN(t.numeric("f", "a")[1]));
    }

    @Test
    void typesOtherWritersUseAndNonNumericColumns(@TempDir Path dir) throws Exception {
        TaxiShards.write(dir, new int[]{50}, 1);
        byte[] bytes = Files.readAllBytes(dir.resolve(String.format(TaxiShards.NAME, 0)));
        Table t = TableReader.read("data", "taxi", bytes);
        assertEquals(50, t.rows());
        assertTrue(t.column("f", "passenger_count").numeric());
        assertTrue(t.column("f", "pickup_at").numeric());
        assertFalse(t.column("f", "vendor_id").numeric());
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> t.numeric("features", "vendor_id"));
        assertTrue(e.getMessage().contains("<string column>"), e.getMessage());
        // a string column is read as text, so it can be a categorical feature
        Table.Column vendor = t.column("f", "vendor_id");
        assertTrue(vendor.isText());
        assertEquals(50, vendor.text().length);
        assertEquals(java.util.Set.of("VTS", "CMT", "DDS"), java.util.Set.of(java.util.Arrays.stream(vendor.text())
                .distinct().toArray(String[]::new)), "the generator's vendors, as text");
        assertTrue(assertThrows(InvalidInputException.class, () -> TableReader.read("data", "y.parquet",
                "PAR1garbagePAR1".getBytes())).getMessage().contains("unreadable Parquet file"));
    }
}
