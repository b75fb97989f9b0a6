package dev.canopy.data;

import dev.canopy.parquet.read.ByteArrayInputFile;
import dev.canopy.parquet.format.ParquetFormat;

import dev.canopy.error.InvalidInputException;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Files of under 150 bytes that claim 2·10⁹ rows, a 2 GB page or a dictionary of 2·10⁹ entries: each is
 * refused with an {@link InvalidInputException} naming the shard, and reading it allocates less than
 * {@link #BOUND} bytes (measured on this thread by the JVM), for scoring and for training alike.
 */
class ParquetMemoryBoundTest {
    /** The stated bound for refusing a forged file of a few bytes: 2 MiB of allocation, whatever it claims. */
    static final long BOUND = 2L << 20;
    static final int SNAPPY = 1;
    static final int PLAIN = 0;

    static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    @Test
    void twoBillionRows() {
        byte[] file = new ForgedParquet().dataPage(2_000_000_000, PLAIN, 8, ForgedParquet.doubles(1))
                .file(ParquetFormat.Type.DOUBLE, false, 0, 1, 2_000_000_000L, 2_000_000_000L, null);
        refusedWithinBound(file, "2000000000 values");
        // a page with one value in a row group of 2·10⁹ rows: decoding stops where the data does
        byte[] short1 = new ForgedParquet().dataPage(1, PLAIN, 8, ForgedParquet.doubles(1))
                .file(ParquetFormat.Type.DOUBLE, false, 0, 1, 2_000_000_000L, 1, null);
        refusedWithinBound(short1, "ends after 1 of 2000000000 rows");
    }

    @Test
    void twoGigabytePage() {
        byte[] file = new ForgedParquet().dataPage(1, PLAIN, Integer.MAX_VALUE, new byte[10])
                .file(ParquetFormat.Type.DOUBLE, false, SNAPPY, 1, 1, 1, null);
        refusedWithinBound(file, "claims 2147483647 bytes decompressed");
        // uncompressed pages must be exactly their size; a GZIP page of 10 bytes cannot make 20 kB
        byte[] gzip = new ForgedParquet().dataPage(1, PLAIN, 20_000, new byte[10])
                .file(ParquetFormat.Type.DOUBLE, false, 2, 1, 1, 1, null);
        refusedWithinBound(gzip, "claims 20000 bytes decompressed");
        // ZSTD can expand almost without limit, so a claim under the page limit is checked against the frame's own
        // content size before anything is allocated: here a frame of 1 byte claimed as 60 MB
        byte[] frame = {0x28, (byte) 0xb5, 0x2f, (byte) 0xfd, 0x20, 0x01, 0x09, 0x00, 0x00, 0x7a};
        byte[] zstd = new ForgedParquet().dataPage(1, PLAIN, 60_000_000, frame)
                .file(ParquetFormat.Type.DOUBLE, false, 6, 1, 1, 1, null);
        refusedWithinBound(zstd, "ZSTD frame holds 1 bytes, the header says 60000000");
    }

    @Test
    void twoBillionDictionaryEntries() {
        byte[] file = new ForgedParquet().dictionaryPage(2_000_000_000, 8, ForgedParquet.doubles(1))
                .dataPage(1, 8, 2, new byte[]{1, 0})
                .file(ParquetFormat.Type.DOUBLE, false, 0, 1, 1, 1, null);
        refusedWithinBound(file, "a page claims 2000000000 values");
        // within the page limit, but more entries than its 8 bytes hold
        byte[] lying = new ForgedParquet().dictionaryPage(4_000_000, 8, ForgedParquet.doubles(1))
                .dataPage(1, 8, 2, new byte[]{1, 0})
                .file(ParquetFormat.Type.DOUBLE, false, 0, 1, 1, 1, null);
        refusedWithinBound(lying, "dictionary of 4000000 entries in 8 bytes");
    }

    /** Text read as categories (PLAIN and dictionary pages) is held to the same checks as numbers. */
    @Test
    void lyingTextLengthsAndDictionaries() {
        byte[] dictionary = new ForgedParquet().dictionaryPage(4_000_000, 8, new byte[]{1, 0, 0, 0, 'a', 0, 0, 0})
                .dataPage(1, 8, 2, new byte[]{1, 0})
                .file(ParquetFormat.Type.BYTE_ARRAY, false, 0, 1, 1, 1, null);
        textRefusedWithinBound(dictionary, "dictionary of 4000000 entries in 8 bytes");
        // one PLAIN value claiming 2·10⁹ bytes in a page of 8
        byte[] plain = new ForgedParquet().dataPage(1, PLAIN, 8, new byte[]{0, (byte) 0x94, 0x35, 0x77, 'a', 'b', 'c', 'd'})
                .file(ParquetFormat.Type.BYTE_ARRAY, false, 0, 1, 1, 1, null);
        textRefusedWithinBound(plain, "a value of 2000000000 bytes");
    }

    private static void textRefusedWithinBound(byte[] file, String why) {
        java.util.Map<String, java.util.function.ToDoubleFunction<String>> text = java.util.Map.of("x", v -> 0);
        for (int warm = 0; warm < 2; warm++) {
            long scoring = allocated(() -> assertThrows(InvalidInputException.class, () -> ParquetColumns.scan("shard",
                    new ByteArrayInputFile(file, "forged.parquet"), List.of("x"), text, (c, n) -> { })));
            if (warm == 1) {
                assertTrue(scoring < BOUND, "scoring allocated " + scoring + " bytes");
            }
        }
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> ParquetColumns.scan("shard",
                new ByteArrayInputFile(file, "forged.parquet"), List.of("x"), text, (c, n) -> { }));
        assertEquals("shard", e.field());
        assertTrue(e.getMessage().contains("forged.parquet") && e.getMessage().contains(why), e.getMessage());
    }

    private static void refusedWithinBound(byte[] file, String why) {
        assertTrue(file.length < 150, file.length + " bytes");
        for (int warm = 0; warm < 2; warm++) { // the first round loads classes; the second is measured
            long scoring = allocated(() -> assertThrows(InvalidInputException.class, () -> ParquetColumns.scan("shard",
                    new ByteArrayInputFile(file, "forged.parquet"), List.of("x"), (c, n) -> { })));
            long training = allocated(() -> assertThrows(InvalidInputException.class,
                    () -> TableReader.read("data", "forged.parquet", file)));
            if (warm == 1) {
                assertTrue(scoring < BOUND, "scoring allocated " + scoring + " bytes");
                assertTrue(training < BOUND, "training allocated " + training + " bytes");
            }
        }
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> ParquetColumns.scan("shard",
                new ByteArrayInputFile(file, "forged.parquet"), List.of("x"), (c, n) -> { }));
        assertEquals("shard", e.field());
        assertTrue(e.getMessage().contains("forged.parquet") && e.getMessage().contains(why), e.getMessage());
    }

    private static long allocated(Supplier<?> work) {
        long id = Thread.currentThread().threadId();
        long before = THREADS.getThreadAllocatedBytes(id);
        work.get();
        return THREADS.getThreadAllocatedBytes(id) - before;
    }
}
