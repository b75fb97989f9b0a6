package dev.canopy.data;

import dev.canopy.parquet.format.ParquetFormat;
import dev.canopy.sample.TaxiShards;
import dev.canopy.testing.SharedData;
import dev.canopy.testing.TestParquet;
import org.apache.parquet.format.ColumnChunk;
import org.apache.parquet.format.FileMetaData;
import org.apache.parquet.format.SchemaElement;
import org.apache.parquet.format.Util;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The records Canopy's reader works from must agree, field for field, with parquet-format's own reading
 * ({@code Util}) on files written by pyarrow, by parquet-java and by Canopy; and the protocol Canopy sets up
 * must refuse lengths and nesting the bytes cannot hold, where {@code Util}'s default limit is 100 MB.
 */
class ParquetFormatTest {
    @TempDir
    Path dir;

    @Test
    void footersAndPageHeadersMatchParquetFormat() throws Exception {
        List<Path> files = new ArrayList<>();
        try (Stream<Path> s = Files.list(SharedData.require("data/nyc-taxi-sample"))) {
            s.filter(p -> p.toString().endsWith(".parquet")).sorted().limit(3).forEach(files::add);
        }
        TaxiShards.write(dir, new int[]{TaxiShards.ROW_GROUP + 77}, 3);
        files.add(dir.resolve(String.format(TaxiShards.NAME, 0)));
        Path javaWritten = dir.resolve("java.parquet");
        Files.write(javaWritten, TestParquet.doubles(List.of("a", "b"), new double[][]{{1, 2, 3}, {4, Double.NaN, 6}}, 3));
        files.add(javaWritten);

        int chunksCompared = 0;
        int firstGroupChunks = 0;
        int pagesCompared = 0;
        for (Path file : files) {
            byte[] bytes = Files.readAllBytes(file);
            int footerLength = ByteBuffer.wrap(bytes, bytes.length - 8, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
            int footerStart = bytes.length - 8 - footerLength;
            FileMetaData theirs = Util.readFileMetaData(new ByteArrayInputStream(bytes, footerStart, footerLength));
            ParquetFormat.FileMeta mine = ParquetFormat.readFileMeta(bytes, footerStart, footerLength);

            assertEquals(theirs.getNum_rows(), mine.rows(), file.toString());
            assertEquals(theirs.getSchema().size(), mine.schema().size());
            for (int i = 0; i < mine.schema().size(); i++) {
                SchemaElement t = theirs.getSchema().get(i);
                ParquetFormat.Element m = mine.schema().get(i);
                assertEquals(t.getName(), m.name());
                assertEquals(t.isSetType() ? t.getType().getValue() : -1, m.type() == null ? -1 : m.type().ordinal(), m.name());
                assertEquals(t.isSetRepetition_type() ? t.getRepetition_type().getValue() : -1,
                        m.repetition() == null ? -1 : m.repetition().ordinal(), m.name());
                assertEquals(t.getNum_children(), m.children(), m.name());
            }
            assertEquals(theirs.getRow_groups().size(), mine.rowGroups().size());
            for (int g = 0; g < mine.rowGroups().size(); g++) {
                assertEquals(theirs.getRow_groups().get(g).getNum_rows(), mine.rowGroups().get(g).rows());
                List<ColumnChunk> chunks = theirs.getRow_groups().get(g).getColumns();
                assertEquals(chunks.size(), mine.rowGroups().get(g).columns().size());
                for (int c = 0; c < chunks.size(); c++) {
                    var t = chunks.get(c).getMeta_data();
                    ParquetFormat.ColumnMeta m = mine.rowGroups().get(g).columns().get(c);
                    assertEquals(t.getPath_in_schema(), m.path());
                    assertEquals(t.getType().getValue(), m.type().ordinal());
                    assertEquals(t.getCodec().name(), m.codec());
                    assertEquals(t.getNum_values(), m.values());
                    assertEquals(t.getTotal_compressed_size(), m.compressedSize());
                    assertEquals(t.getData_page_offset(), m.dataOffset());
                    assertEquals(t.isSetDictionary_page_offset() ? t.getDictionary_page_offset() : -1, m.dictionaryOffset());
                    chunksCompared++;
                    if (g == 0) {
                        firstGroupChunks++;
                        pagesCompared += comparePages(bytes, m);
                    }
                }
            }
        }
        assertTrue(chunksCompared >= 20 && pagesCompared >= firstGroupChunks, chunksCompared + " chunks, " + pagesCompared + " pages");
    }

    /** Walks a chunk's pages with both readers; returns how many it compared. */
    private static int comparePages(byte[] bytes, ParquetFormat.ColumnMeta m) throws Exception {
        int start = (int) (m.dictionaryOffset() > 0 ? Math.min(m.dictionaryOffset(), m.dataOffset()) : m.dataOffset());
        int end = start + (int) m.compressedSize();
        int[] mine = {start};
        ByteArrayInputStream theirs = new ByteArrayInputStream(bytes, start, end - start);
        int pages = 0;
        while (mine[0] < end) {
            var t = Util.readPageHeader(theirs);
            ParquetFormat.PageHeader h = ParquetFormat.readPageHeader(bytes, mine, end);
            assertEquals(t.getType().getValue(), h.type());
            assertEquals(t.getUncompressed_page_size(), h.uncompressedSize());
            assertEquals(t.getCompressed_page_size(), h.compressedSize());
            if (t.isSetData_page_header()) {
                assertEquals(t.getData_page_header().getNum_values(), h.values());
                assertEquals(t.getData_page_header().getEncoding().name(), h.encoding().name());
                assertEquals(t.getData_page_header().getDefinition_level_encoding().name(), h.definitionEncoding().name());
            } else if (t.isSetDictionary_page_header()) {
                assertEquals(t.getDictionary_page_header().getNum_values(), h.values());
                assertEquals(t.getDictionary_page_header().getEncoding().name(), h.encoding().name());
            } else if (t.isSetData_page_header_v2()) {
                var v2 = t.getData_page_header_v2();
                assertEquals(v2.getNum_values(), h.values());
                assertEquals(v2.getDefinition_levels_byte_length(), h.definitionLength());
                assertEquals(v2.getRepetition_levels_byte_length(), h.repetitionLength());
                assertEquals(!v2.isSetIs_compressed() || v2.isIs_compressed(), h.compressed());
            }
            mine[0] += h.compressedSize();
            theirs.skipNBytes(t.getCompressed_page_size());
            pages++;
        }
        return pages;
    }

    @Test
    void logicalTypesReadAsText() throws Exception {
        TaxiShards.write(dir, new int[]{10}, 3);
        byte[] bytes = Files.readAllBytes(dir.resolve(String.format(TaxiShards.NAME, 0)));
        int footerLength = ByteBuffer.wrap(bytes, bytes.length - 8, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
        ParquetFormat.FileMeta meta = ParquetFormat.readFileMeta(bytes, bytes.length - 8 - footerLength, footerLength);
        var byName = new java.util.HashMap<String, String>();
        meta.schema().forEach(e -> byName.put(e.name(), e.logical() == null ? null : e.logical().text()));
        assertEquals("int8", byName.get("passenger_count"));
        assertEquals("timestamp[us]", byName.get("pickup_at"));
        assertEquals("string", byName.get("vendor_id"));
    }

    /** Lengths and counts are checked against the bytes left before anything is allocated or looped over. */
    @Test
    void liesAboutSizesAreRefused() {
        // the schema (field 2): a list claiming 2^31-1 elements of structs, in an 8-byte footer
        byte[] hugeList = {0x29, (byte) 0xfc, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x07, 0x00};
        assertTrue(refused(hugeList).contains("unreadable footer"));
        // one schema element whose name (field 4) claims 1,000,000 bytes
        byte[] hugeString = {0x29, 0x1c, 0x48, (byte) 0xc0, (byte) 0x84, 0x3d, 'x', 0x00, 0x00};
        assertTrue(refused(hugeString).contains("unreadable footer"));
        // structs nested past the limit
        byte[] deep = new byte[200];
        Arrays.fill(deep, (byte) 0x1c); // field 1, struct, again and again
        assertTrue(refused(deep).contains("unreadable footer"));
        assertFalse(refused(new byte[]{0x15}).isEmpty()); // a field header and nothing after it
    }

    private static String refused(byte[] footer) {
        return assertThrows(java.io.IOException.class, () -> ParquetFormat.readFileMeta(footer, 0, footer.length)).getMessage();
    }
}
