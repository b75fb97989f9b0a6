package dev.canopy.model;

import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Bytes of unknown length gathered in blocks and copied once, into an array of the exact size. A
 * {@code ByteArrayOutputStream} grows by doubling: a 31 MB forest went through six ever larger arrays, each
 * copied and zeroed, and a seventh copy in {@code toByteArray} (8 % of the California tree's CPU samples, JFR).
 * Blocks of 256 KB stay below G1's humongous size, so they are plain young allocations. Not thread-safe.
 */
final class BlockOutput extends OutputStream {
    private static final int BLOCK = 256 * 1024;
    /** An array's largest length the JVM allows. */
    private static final long MAX_ARRAY = Integer.MAX_VALUE - 8;

    private final List<byte[]> full = new ArrayList<>();
    private byte[] current = new byte[BLOCK];
    private int used;

    @Override
    public void write(int b) {
        if (used == BLOCK) {
            next();
        }
        current[used++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) {
        Objects.checkFromIndexSize(off, len, b.length);
        while (len > 0) {
            if (used == BLOCK) {
                next();
            }
            int n = Math.min(len, BLOCK - used);
            System.arraycopy(b, off, current, used, n);
            used += n;
            off += n;
            len -= n;
        }
    }

    private void next() {
        if ((full.size() + 2L) * BLOCK > MAX_ARRAY) {
            throw new IllegalStateException("more than " + MAX_ARRAY + " bytes: too large for one array");
        }
        full.add(current);
        current = new byte[BLOCK];
        used = 0;
    }

    /** Everything written, in one array of exactly its length. */
    byte[] toByteArray() {
        byte[] out = new byte[full.size() * BLOCK + used];
        int at = 0;
        for (byte[] block : full) {
            System.arraycopy(block, 0, out, at, BLOCK);
            at += BLOCK;
        }
        System.arraycopy(current, 0, out, at, used);
        return out;
    }
}
