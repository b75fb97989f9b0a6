package dev.canopy.data;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class PageDecoderTest {

    @Test
    void decodesRleRunsAndBitPackedGroups() {
        // RLE run: header (5 << 1) = 10, value 3 in one byte -> 3,3,3,3,3
        // bit-packed, width 3: header (1 << 1) | 1 = 3, one group of 8 values 0..7 packed LSB first
        // 0..7 in 3 bits: bytes 0x88, 0xC6, 0xFA
        ByteBuffer in = ByteBuffer.wrap(new byte[]{10, 3, 3, (byte) 0x88, (byte) 0xC6, (byte) 0xFA});
        int[] out = new int[13];
        PageDecoder.decodeHybrid(in, 3, 13, out);
        assertArrayEquals(new int[]{3, 3, 3, 3, 3, 0, 1, 2, 3, 4, 5, 6, 7}, out);
        assertEquals(6, in.position());
    }

    @Test
    void aShortLastGroupStopsAtTheCountAndWideValuesUseTheGeneralLoop() {
        // width 1, one group, 5 values wanted of 8: 0b10110 -> 0,1,1,0,1
        int[] out = new int[5];
        PageDecoder.decodeHybrid(ByteBuffer.wrap(new byte[]{3, 0b10110}), 1, 5, out);
        assertArrayEquals(new int[]{0, 1, 1, 0, 1}, out);
        // width 12: values 1..8 packed in 12 bytes; an RLE run of a 2-byte value 300 x 2 first
        ByteBuffer b = ByteBuffer.allocate(3 + 1 + 12);
        b.put((byte) 4).put((byte) (300 & 0xff)).put((byte) (300 >>> 8)).put((byte) 3);
        long bits = 0;
        int used = 0;
        byte[] packed = new byte[12];
        int p = 0;
        for (int v = 1; v <= 8; v++) {
            bits |= (long) v << used;
            used += 12;
            while (used >= 8) {
                packed[p++] = (byte) bits;
                bits >>>= 8;
                used -= 8;
            }
        }
        b.put(packed).flip();
        int[] wide = new int[10];
        PageDecoder.decodeHybrid(b, 12, 10, wide);
        assertArrayEquals(new int[]{300, 300, 1, 2, 3, 4, 5, 6, 7, 8}, wide);
    }
}
