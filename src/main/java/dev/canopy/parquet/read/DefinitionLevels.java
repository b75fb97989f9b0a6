package dev.canopy.parquet.read;

import dev.canopy.parquet.ParquetException;

import java.nio.ByteBuffer;

/**
 * A flat column's definition levels, which say which of a page's values are present: the value's level is
 * the column's maximum. Most pages have no nulls, and writers then store the levels as one RLE run of the
 * maximum: recognising that run skips decoding, and later placing, a level per row.
 *
 * <p>Not thread-safe: it reuses its array from page to page.
 */
final class DefinitionLevels {
    private int[] levels = new int[0];
    private int present;

    /**
     * Reads the levels of a page of {@code n} values: null when every value is present, else an array whose
     * first {@code n} entries are 1 for a present value and 0 for a null. {@link #present()} then says how
     * many are present.
     *
     * @param in the levels, in the RLE/bit-packing hybrid; null for a required column
     */
    int[] read(ByteBuffer in, int maxDefinition, int n) throws ParquetException {
        present = n;
        if (in == null) {
            return null;
        }
        int width = 32 - Integer.numberOfLeadingZeros(maxDefinition);
        if (RleBitPackedHybridDecoder.oneRun(in, width, n, maxDefinition)) {
            return null;
        }
        if (levels.length < n) {
            levels = new int[Math.max(n, levels.length * 2)];
        }
        int[] defined = levels;
        RleBitPackedHybridDecoder.decode(in, width, n, defined);
        int count = 0;
        for (int i = 0; i < n; i++) {
            defined[i] = defined[i] == maxDefinition ? 1 : 0;
            count += defined[i];
        }
        present = count;
        return count == n ? null : defined; // no nulls in this page after all: the direct path
    }

    /** The present values among the last page's. */
    int present() {
        return present;
    }

    /** Places the present values {@code dense[0..)} in their rows of {@code out[at..at + n)}; null rows get NaN. */
    static void spread(double[] dense, int[] defined, double[] out, int at, int n) {
        int k = 0;
        for (int i = 0; i < n; i++) {
            if (defined[i] != 0) {
                out[at + i] = dense[k++];
            } else {
                out[at + i] = Double.NaN;
            }
        }
    }
}
