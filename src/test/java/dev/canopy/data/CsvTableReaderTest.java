package dev.canopy.data;

import dev.canopy.error.InvalidInputException;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CsvTableReaderTest {

    private static Table read(String csv) {
        return CsvTableReader.read("data", csv.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void readsNumbersMissingValuesAndQuotedFields() {
        Table t = read("\uFEFFa,\"b\",c\r\n1,2,x\n3,,\"y, z\"\n\n5,NA,w\n");
        assertEquals(3, t.rows());
        assertEquals(java.util.List.of("a", "b", "c"), t.names());
        assertArrayEquals(new double[]{1, 3, 5}, t.numeric("features", "a"));
        double[] b = t.numeric("features", "b");
        assertEquals(2, b[0]);
        assertTrue(Double.isNaN(b[1]) && Double.isNaN(b[2]));
        assertFalse(t.column("features", "c").numeric());
        assertEquals(java.util.List.of("a"), t.numericColumnsExcept("b"));
    }

    @Test
    void nonNumericColumnNamesTheColumnRowAndValue() {
        Table t = read("a,b\n1,2\n3,oops\n");
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> t.numeric("features", "b"));
        assertTrue(e.getMessage().contains("features=\"b\""), e.getMessage());
        assertTrue(e.getMessage().contains("row 2") && e.getMessage().contains("oops"), e.getMessage());
    }

    @Test
    void unknownColumnListsTheColumnsThereAre() {
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> read("a,b\n1,2\n").numeric("target", "zz"));
        assertEquals("target", e.field());
        assertTrue(e.getMessage().contains("[a, b]"), e.getMessage());
    }

    @Test
    void unreadableCsvIsRejectedWithTheLine() {
        assertTrue(assertThrows(InvalidInputException.class, () -> read("a,b\n1,2,3\n")).getMessage()
                .contains("data row 1 has 3 fields"));
        assertTrue(assertThrows(InvalidInputException.class, () -> read("a,b\n\"1,2\n")).getMessage()
                .contains("unbalanced quote"));
        assertTrue(assertThrows(InvalidInputException.class, () -> read("a,a\n1,2\n")).getMessage()
                .contains("twice"));
        assertTrue(assertThrows(InvalidInputException.class, () -> CsvTableReader.read("data", new byte[]{'a', 0, 'b'}))
                .getMessage().contains("binary"));
    }

    @Test
    void emptyInputIsAnEmptyDataSet() {
        assertTrue(assertThrows(InvalidInputException.class, () -> read("\n\n")).getMessage().contains("empty"));
        assertEquals(0, read("a,b\n").rows());
        assertTrue(assertThrows(InvalidInputException.class, () -> TableReader.read("data", "x.csv", new byte[0]))
                .getMessage().contains("0 bytes"));
    }
}
