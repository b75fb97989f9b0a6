package dev.canopy.data;

import dev.canopy.error.InvalidInputException;
import dev.canopy.parquet.format.ParquetFormat;
import dev.canopy.parquet.read.ByteArrayInputFile;
import dev.canopy.sample.TaxiShards;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a scan's errors mean: a damaged file is an {@link InvalidInputException} naming the file and saying what
 * the decoder's explicit check found (trino's validateParquet style), and nothing else is mapped, so that a bug
 * (here, in the caller's consumer) surfaces as itself instead of as "not a readable Parquet file".
 */
class ParquetErrorsTest {
    @TempDir
    Path dir;

    @Test
    void aBugIsNotDisguisedAsAnUnreadableFile() throws Exception {
        TaxiShards.write(dir, new int[]{500}, 3);
        byte[] good = Files.readAllBytes(dir.resolve(String.format(TaxiShards.NAME, 0)));
        NullPointerException bug = assertThrows(NullPointerException.class, () -> ParquetColumns.scan("shard",
                new ByteArrayInputFile(good, "good.parquet"), List.of("passenger_count"), (cols, n) -> {
                    throw new NullPointerException("a bug in the consumer");
                }));
        assertEquals("a bug in the consumer", bug.getMessage());
    }

    @Test
    void aShortPlainPageIsRefusedByItsLengthCheck() {
        byte[] file = new ForgedParquet().dataPage(4, 0, 16, ForgedParquet.doubles(1, 2))
                .file(ParquetFormat.Type.DOUBLE, false, 0, 1, 4, 4, null);
        assertRefused(file, "short.parquet", "4 values of 8 bytes in a page with 16");
    }

    @Test
    void definitionLevelsLongerThanTheirPageAreRefused() {
        byte[] page = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN).putInt(1000).putDouble(1).array();
        byte[] file = new ForgedParquet().dataPage(1, 0, page.length, page)
                .file(ParquetFormat.Type.DOUBLE, true, 0, 1, 1, 1, null);
        assertRefused(file, "levels.parquet", "definition levels of 1000 bytes");
    }

    @Test
    void aBitPackedRunBeyondItsPageIsRefused() {
        // ids of width 1: a bit-packed run of 100 groups (header 201 = 0xC9 0x01) and one byte of them
        byte[] ids = {1, (byte) 0xC9, 0x01, 0};
        byte[] file = new ForgedParquet().dictionaryPage(2, 16, ForgedParquet.doubles(1, 2))
                .dataPage(8, 8, ids.length, ids)
                .file(ParquetFormat.Type.DOUBLE, false, 0, 1, 8, 8, null);
        assertRefused(file, "ids.parquet", "bit-packed run of 100 groups");
    }

    private static void assertRefused(byte[] file, String name, String because) {
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> ParquetColumns.scan("shard",
                new ByteArrayInputFile(file, name), List.of("x"), (cols, n) -> { }));
        assertEquals("shard", e.field());
        assertTrue(e.getMessage().contains(name) && e.getMessage().contains(because), e.getMessage());
    }
}
