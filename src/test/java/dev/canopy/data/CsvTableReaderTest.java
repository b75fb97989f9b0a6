package dev.canopy.data;

import dev.canopy.error.InvalidInputException;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

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
                .contains("line 2 (data row 1) has 3 fields, the header has 2 (delimiter comma, detected from the header)"));
        assertTrue(assertThrows(InvalidInputException.class, () -> read("a,b\n\"1,2\n")).getMessage()
                .contains("line 2 opens a quote that is never closed"));
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

    // ---- CSV as users have it -----------------------------------------------------------------

    @Test
    void semicolonAndTabAreDetectedFromTheHeader() {
        Table semi = read("a;b;c\n1,5;2;x\n3;4;y\n");
        assertEquals(List.of("a", "b", "c"), semi.names());
        assertFalse(semi.column("data", "a").numeric(), "1,5 is text: Canopy reads numbers with a decimal point");
        assertArrayEquals(new double[]{2, 4}, semi.numeric("f", "b"));
        Table tab = read("a\tb\n1\t2\n");
        assertArrayEquals(new double[]{2}, tab.numeric("f", "b"));
        // a comma inside a quoted header name does not count
        assertEquals(List.of("x,y", "z"), read("\"x,y\";z\n1;2\n").names());
        assertEquals(List.of("only"), read("only\n1\n").names());
    }

    @Test
    void aGivenDelimiterWinsOverDetection() {
        Table t = CsvTableReader.read("data", "d.csv", "a|b;c\n1|2;3\n".getBytes(StandardCharsets.UTF_8), '|');
        assertEquals(List.of("a", "b;c"), t.names());
        assertEquals(Character.valueOf('\t'), CsvTableReader.delimiter("delimiter", "tab"));
        assertEquals(Character.valueOf('\t'), CsvTableReader.delimiter("delimiter", "\\t"));
        assertEquals(Character.valueOf(';'), CsvTableReader.delimiter("delimiter", ";"));
        assertEquals(null, CsvTableReader.delimiter("delimiter", "auto"));
        for (String bad : List.of("::", "\"", "\n", "colon")) {
            InvalidInputException e = assertThrows(InvalidInputException.class, () -> CsvTableReader.delimiter("delimiter", bad));
            assertEquals("delimiter", e.field());
            assertTrue(e.getMessage().contains("one character"), e.getMessage());
        }
    }

    @Test
    void gzipIsReadByItsMagicOrRefusedWhenTheNameLies() throws Exception {
        byte[] csv = "a;b\n1;2\n3;4\n".getBytes(StandardCharsets.UTF_8);
        java.io.ByteArrayOutputStream gz = new java.io.ByteArrayOutputStream();
        try (var out = new java.util.zip.GZIPOutputStream(gz)) {
            out.write(csv);
        }
        for (String name : List.of("s3://b/d.csv.gz", "s3://b/d.csv")) {
            Table t = TableReader.read("data", name, gz.toByteArray());
            assertArrayEquals(new double[]{2, 4}, t.numeric("f", "b"), name);
        }
        InvalidInputException lie = assertThrows(InvalidInputException.class, () -> TableReader.read("data", "d.csv.gz", csv));
        assertTrue(lie.getMessage().contains("d.csv.gz") && lie.getMessage().contains("not gzip"), lie.getMessage());
        byte[] cut = java.util.Arrays.copyOf(gz.toByteArray(), gz.size() - 6);
        InvalidInputException truncated = assertThrows(InvalidInputException.class, () -> TableReader.read("data", "d.csv.gz", cut));
        assertTrue(truncated.getMessage().contains("unreadable gzip file"), truncated.getMessage());
    }

    @Test
    void pandasIndexColumnIsSkippedWithANotice() {
        Table t = read(",MedInc,MedHouseVal\n0,1.5,2\n1,2.5,3\n");
        assertEquals(List.of("MedInc", "MedHouseVal"), t.names());
        assertEquals(1, t.notices().size());
        assertTrue(t.notices().getFirst().contains("pandas"), t.notices().toString());
        assertTrue(read("a,b\n1,2\n").notices().isEmpty());
        // only the first column may be unnamed
        assertTrue(assertThrows(InvalidInputException.class, () -> read("a,,b\n1,2,3\n")).getMessage()
                .contains("header column 2 has no name"));
    }

    @Test
    void textColumnsKeepTheirValuesAndCountTheirGaps() {
        Table t = read("n,c\n1,x\nNA,\n3,NaN\n,y\nnull,x\n");
        Table.Column c = t.column("f", "c");
        assertTrue(c.isText());
        assertArrayEquals(new String[]{"x", null, null, "y", "x"}, c.text());
        assertEquals(2, c.missing());
        assertEquals(3, t.column("f", "n").missing());
        assertFalse(t.column("f", "n").isText());
    }

    @Test
    void messagesNameTheFileTheLineAndTheValue() {
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> CsvTableReader.read("data",
                "s3://b/h.csv", "a;b\n1;2\n3;4;5\n".getBytes(StandardCharsets.UTF_8), null));
        assertTrue(e.getMessage().contains("s3://b/h.csv line 3 (data row 2) has 3 fields, the header has 2 (delimiter "
                + "semicolon, detected from the header)"), e.getMessage());
        Table t = CsvTableReader.read("data", "s3://b/h.csv", "a,b\n1,2\n3,oops\n".getBytes(StandardCharsets.UTF_8), null);
        InvalidInputException notNumber = assertThrows(InvalidInputException.class, () -> t.numeric("target", "b"));
        assertTrue(notNumber.getMessage().contains("target=\"b\": column is not numeric: row 2 of s3://b/h.csv holds \"oops\""),
                notNumber.getMessage());
        InvalidInputException binary = assertThrows(InvalidInputException.class,
                () -> TableReader.read("data", "s3://b/x.csv", new byte[]{'P', 'K', 3, 4, 0, 0}));
        assertTrue(binary.getMessage().contains("s3://b/x.csv") && binary.getMessage().contains("binary"), binary.getMessage());
    }
}
