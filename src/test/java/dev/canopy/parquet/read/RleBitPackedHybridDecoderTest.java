package dev.canopy.parquet.read;


import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class RleBitPackedHybridDecoderTest {

    @Test
    void decodesRleRunsAndBitPackedGroups() throws Exception {
        // RLE run: header (5 << 1) = 10, value 3 in one byte -> 3,3,3,3,3
        // bit-packed, width 3: header (1 << 1) | 1 = 3, one group of 8 values 0..7 packed LSB first
        // 0..7 in 3 bits: bytes 0x88, 0xC6, 0xFA
        ByteBuffer in = ByteBuffer.wrap(new byte[]{10, 3, 3, (byte) 0x88, (byte) 0xC6, (byte) 0xFA});
        int[] out = new int[13];
        RleBitPackedHybridDecoder.decode(in, 3, 13, out);
        assertArrayEquals(new int[]{3, 3, 3, 3, 3, 0, 1, 2, 3, 4, 5, 6, 7}, out);
        assertEquals(6, in.position());
    }

    @Test
    void aShortLastGroupStopsAtTheCountAndWideValuesUseTheGeneralLoop() throws Exception {
        // width 1, one group, 5 values wanted of 8: 0b10110 -> 0,1,1,0,1
        int[] out = new int[5];
        RleBitPackedHybridDecoder.decode(ByteBuffer.wrap(new byte[]{3, 0b10110}), 1, 5, out);
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
        RleBitPackedHybridDecoder.decode(b, 12, 10, wide);
        assertArrayEquals(new int[]{300, 300, 1, 2, 3, 4, 5, 6, 7, 8}, wide);
    }

    /**
     * The no-null dictionary path decodes ids straight through the dictionary: it must agree with decoding the
     * ids and looking them up, for every width from 1 to 12 and for runs longer than a group, and refuse an id
     * the dictionary does not have, in an RLE run or anywhere in a bit-packed one.
     */
    @Test
    void idsThroughTheDictionaryMatchIdsThenLookupAndBadIdsAreRefused() throws Exception {
        java.util.Random random = new java.util.Random(7);
        for (int width = 1; width <= 12; width++) {
            int size = 1 + random.nextInt(1 << width);
            double[] dictionary = new double[size];
            for (int i = 0; i < size; i++) {
                dictionary[i] = i * 1.5 - 3;
            }
            int[] ids = new int[1000];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = i < 100 ? size - 1 : random.nextInt(size); // an RLE run first, then bit-packed ids
            }
            byte[] encoded = hybrid(ids, width, 100);
            int count = 997; // the last group is short
            int[] decoded = new int[count];
            RleBitPackedHybridDecoder.decode(ByteBuffer.wrap(encoded), width, count, decoded);
            double[] through = new double[count + 5];
            RleBitPackedHybridDecoder.decodeThrough(ByteBuffer.wrap(encoded), width, count, dictionary, through, 5, new int[RleBitPackedHybridDecoder.scratchSize()], "x");
            for (int i = 0; i < count; i++) {
                assertEquals(ids[i], decoded[i], "width " + width + ", id " + i);
                assertEquals(dictionary[ids[i]], through[5 + i], "width " + width + ", value " + i);
            }
            if (size < (1 << width)) {
                for (int bad : new int[]{0, 500, 996}) {
                    int[] wrong = ids.clone();
                    wrong[bad] = size; // one past the dictionary's end
                    byte[] e = hybrid(wrong, width, 100);
                    int w = width;
                    java.io.IOException x = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
                            () -> RleBitPackedHybridDecoder.decodeThrough(ByteBuffer.wrap(e), w, count, dictionary, new double[count], 0, new int[RleBitPackedHybridDecoder.scratchSize()], "x"));
                    org.junit.jupiter.api.Assertions.assertTrue(x.getMessage().contains("dictionary id"), x.getMessage());
                }
            }
        }
    }

    /** The first {@code rle} ids as one RLE run (they must be equal), the rest bit-packed in one run. */
    private static byte[] hybrid(int[] ids, int width, int rle) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        varint(out, rle << 1);
        for (int b = 0; b < (width + 7) / 8; b++) {
            out.write(ids[0] >>> (8 * b));
        }
        int rest = ids.length - rle;
        int groups = (rest + 7) / 8;
        varint(out, (groups << 1) | 1);
        long buffer = 0;
        int bits = 0;
        for (int i = 0; i < groups * 8; i++) {
            buffer |= (long) (i < rest ? ids[rle + i] : 0) << bits;
            bits += width;
            while (bits >= 8) {
                out.write((int) buffer);
                buffer >>>= 8;
                bits -= 8;
            }
        }
        return out.toByteArray();
    }

    private static void varint(java.io.ByteArrayOutputStream out, int v) {
        while ((v & ~0x7F) != 0) {
            out.write((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        out.write(v);
    }
}
