package dev.canopy.model;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The bytes come back exactly as written, in order, across block boundaries. */
class BlockOutputTest {

    @Test
    void bytesAndSlicesOfEverySizeComeBackInOrder() {
        SplittableRandom random = new SplittableRandom(3);
        BlockOutput blocks = new BlockOutput();
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        // about 1.3 MB: several 256 KB blocks, with writes that start and end inside and across them
        while (expected.size() < 1_300_000) {
            if (random.nextInt(4) == 0) {
                int b = random.nextInt(256);
                blocks.write(b);
                expected.write(b);
            } else {
                byte[] chunk = new byte[random.nextInt(random.nextBoolean() ? 100 : 300_000)];
                random.nextBytes(chunk);
                int off = chunk.length == 0 ? 0 : random.nextInt(chunk.length);
                int len = chunk.length - off;
                blocks.write(chunk, off, len);
                expected.write(chunk, off, len);
            }
        }
        assertArrayEquals(expected.toByteArray(), blocks.toByteArray());
    }

    @Test
    void nothingWrittenIsAnEmptyArrayAndABlockExactlyFullIsKeptWhole() {
        assertEquals(0, new BlockOutput().toByteArray().length);
        BlockOutput blocks = new BlockOutput();
        byte[] one = new byte[256 * 1024];
        new SplittableRandom(5).nextBytes(one);
        blocks.write(one, 0, one.length);
        assertArrayEquals(one, blocks.toByteArray());
    }

    @Test
    void aSliceOutsideItsArrayIsRefused() {
        assertThrows(IndexOutOfBoundsException.class, () -> new BlockOutput().write(new byte[4], 2, 3));
    }
}
