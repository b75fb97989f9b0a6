package dev.canopy.parquet.read;

import org.apache.parquet.io.InputFile;

/**
 * How {@link ParquetFile} turns its reads into requests, for storage where each request costs a round trip
 * (object storage) rather than a seek.
 *
 * <ul>
 *   <li>{@code tailGuess}: bytes read from the end at first, in one read; they hold the footer of a typical file
 *       (a few kilobytes) and often the last column chunks. A longer footer costs one more read, of what the
 *       guess lacked.</li>
 *   <li>{@code holeLimit}: two byte ranges this close are fetched as one (the bytes between them are read and
 *       dropped): Arrow's {@code pre_buffer} uses 8 KiB, trino 1 MiB.</li>
 *   <li>{@code rangeLimit}: no joined range grows past this (Arrow: 32 MiB), so one range is never the whole file.</li>
 *   <li>{@code readAheadBytes}: the projected column chunks of consecutive row groups fetched together, at once,
 *       at most (at least one row group's). This bounds what one file being read holds in memory; a file whose
 *       projected chunks fit is read in one round trip after the footer.</li>
 * </ul>
 */
public record ReadTuning(int tailGuess, int holeLimit, int rangeLimit, long readAheadBytes) {
    /** Defaults measured in docs/performance.md ("Round trips per shard"). */
    public static final ReadTuning DEFAULT = new ReadTuning(64 << 10, 8 << 10, 32 << 20, 64L << 20);

    public ReadTuning {
        if (tailGuess < 12 || holeLimit < 0 || rangeLimit < 1 || readAheadBytes < 0) {
            throw new IllegalArgumentException("read tuning out of range: tail " + tailGuess + ", hole " + holeLimit
                    + ", range " + rangeLimit + ", read-ahead " + readAheadBytes);
        }
    }

    /** An {@link InputFile} that says how it wants to be read; any other file is read with {@link #DEFAULT}. */
    public interface Source {
        ReadTuning readTuning();
    }

    static ReadTuning of(InputFile file) {
        return file instanceof Source s ? s.readTuning() : DEFAULT;
    }
}
