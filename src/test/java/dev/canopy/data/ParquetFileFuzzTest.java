package dev.canopy.data;

import dev.canopy.parquet.read.ParquetFile;
import dev.canopy.parquet.read.ByteArrayInputFile;
import dev.canopy.parquet.format.ParquetFormat;

import dev.canopy.error.InvalidInputException;
import dev.canopy.sample.TaxiShards;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Canopy's own Parquet reader on damaged files: shards come from buckets other people write to, so a
 * truncated or corrupted file must be an {@link InvalidInputException} naming the shard — never another
 * exception, a hang or an allocation the file's few bytes cannot justify. Seeded and bounded.
 */
class ParquetFileFuzzTest {
    static final int MUTATIONS = 400;

    @TempDir
    Path dir;

    @Test
    void damagedFilesAreReadOrRefusedCleanly() throws Exception {
        TaxiShards.write(dir, new int[]{3000}, 9);
        byte[] good = Files.readAllBytes(dir.resolve(String.format(TaxiShards.NAME, 0)));
        SplittableRandom rnd = new SplittableRandom(77);
        int refused = 0;
        int read = 0;
        List<String> unclear = new ArrayList<>();
        for (int m = 0; m < MUTATIONS; m++) {
            byte[] bad = mutate(good, rnd);
            try {
                ParquetColumns.scan("shard", new ByteArrayInputFile(bad, "damaged-" + m + ".parquet"), List.of("passenger_count", "fare_amount"),
                        (cols, n) -> { });
                read++;
            } catch (InvalidInputException e) {
                if (!"shard".equals(e.field())) {
                    unclear.add(m + ": names " + e.field());
                }
                refused++;
            } catch (RuntimeException | OutOfMemoryError | StackOverflowError e) {
                unclear.add(m + ": " + e);
            }
        }
        System.out.printf("parquet fuzz: %d damaged files, %d still readable, %d refused, %d unclear%n",
                MUTATIONS, read, refused, unclear.size());
        assertEquals(List.of(), unclear);
        assertTrue(refused > MUTATIONS / 4, "most damage must be noticed: " + refused);
    }

    /** Sizes a forged file may declare: nothing, little, the limits and past them. */
    static final long[] SIZES = {0, 1, 7, 8, 65_537, 4_194_304, 4_194_305, Integer.MAX_VALUE, 2_000_000_000L,
            1L << 40, -1};

    /**
     * Small files whose footer and page headers declare extreme rows, values, page sizes and dictionary sizes,
     * under each codec: each is read or refused with an {@link InvalidInputException} naming the shard, and
     * none allocates more than the reader's stated bound for one column: a decompressed page
     * ({@link ParquetFile#MAX_PAGE}) and 16 bytes for each of a page's values ({@link ParquetFile#MAX_PAGE_VALUES}).
     */
    @Test
    void forgedSizesAreReadOrRefusedWithinTheBound() {
        long bound = ParquetFile.MAX_PAGE + 16L * ParquetFile.MAX_PAGE_VALUES + (16 << 20);
        var threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        SplittableRandom rnd = new SplittableRandom(13);
        List<String> unclear = new ArrayList<>();
        long most = 0;
        int refused = 0;
        for (int m = 0; m < 300; m++) {
            int codec = new int[]{0, 1, 2, 4, 6, 7}[rnd.nextInt(6)];
            boolean dictionary = rnd.nextBoolean();
            ForgedParquet f = new ForgedParquet();
            byte[] data = new byte[rnd.nextInt(1, 24)];
            rnd.nextBytes(data);
            if (dictionary) {
                f.dictionaryPage(size(rnd), size(rnd), ForgedParquet.doubles(1, 2));
            }
            f.dataPage(size(rnd), dictionary ? 8 : 0, size(rnd), data);
            byte[] file = f.file(ParquetFormat.Type.DOUBLE, rnd.nextBoolean(), codec, 1 + rnd.nextInt(2), rnd.nextBoolean()
                    ? SIZES[rnd.nextInt(SIZES.length)] : 3, SIZES[rnd.nextInt(SIZES.length)], null);
            long before = threads.getThreadAllocatedBytes(Thread.currentThread().threadId());
            try {
                ParquetColumns.scan("shard", new ByteArrayInputFile(file, "forged-" + m + ".parquet"), List.of("x"),
                        (cols, n) -> { });
            } catch (InvalidInputException e) {
                if (!"shard".equals(e.field()) || !e.getMessage().contains("forged-" + m + ".parquet")) {
                    unclear.add(m + ": " + e.getMessage());
                }
                refused++;
            } catch (RuntimeException | OutOfMemoryError | StackOverflowError e) {
                unclear.add(m + ": " + e);
            }
            long allocated = threads.getThreadAllocatedBytes(Thread.currentThread().threadId()) - before;
            most = Math.max(most, allocated);
            if (allocated > bound) {
                unclear.add(m + ": allocated " + allocated + " bytes");
            }
        }
        System.out.printf("parquet forged sizes: 300 files, %d refused, most allocated by one %d bytes (bound %d)%n",
                refused, most, bound);
        assertEquals(List.of(), unclear);
        assertTrue(refused > 250, "forged sizes must be noticed: " + refused);
    }

    private static int size(SplittableRandom rnd) {
        long s = SIZES[rnd.nextInt(SIZES.length)];
        return (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, s));
    }

    /** Truncation, flipped bytes in the footer or in the data, or a forged footer length. */
    private static byte[] mutate(byte[] good, SplittableRandom rnd) {
        byte[] b = good.clone();
        int footerLength = java.nio.ByteBuffer.wrap(good, good.length - 8, 4).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt();
        int footerStart = good.length - 8 - footerLength;
        switch (rnd.nextInt(5)) {
            case 0 -> {
                return java.util.Arrays.copyOf(b, rnd.nextInt(good.length));
            }
            case 1 -> {
                for (int k = 0; k < 1 + rnd.nextInt(8); k++) {
                    b[footerStart + rnd.nextInt(footerLength)] = (byte) rnd.nextInt(256);
                }
            }
            case 2 -> {
                for (int k = 0; k < 1 + rnd.nextInt(64); k++) {
                    b[4 + rnd.nextInt(footerStart - 4)] = (byte) rnd.nextInt(256);
                }
            }
            case 3 -> java.nio.ByteBuffer.wrap(b, good.length - 8, 4).order(java.nio.ByteOrder.LITTLE_ENDIAN)
                    .putInt(rnd.nextInt());
            default -> {
                // a single byte in the footer set to an extreme: list sizes and lengths in the Thrift encoding
                b[footerStart + rnd.nextInt(footerLength)] = (byte) (rnd.nextBoolean() ? 0x7F : 0xFF);
            }
        }
        return b;
    }
}
