package dev.canopy.data;

import dev.canopy.error.InvalidInputException;
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
                ParquetColumns.scan("shard", new ByteArrayInputFile(bad), List.of("passenger_count", "fare_amount"),
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
