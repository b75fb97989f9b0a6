package dev.canopy.data;

import dev.canopy.sample.TaxiShards;
import dev.canopy.storage.local.LocalObjectStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Isolated;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The JVM's totals of Parquet reads ({@link ObjectStoreInputFile#totals()}, what {@code bench predict} reports)
 * move by exactly what each file read ({@link ObjectStoreInputFile#counts()}). Isolated: every reader in the
 * JVM adds to the totals, so another class reading at the same time would make the difference larger.
 * {@code ParquetRangedReadsTest} checks the per-file counts against the wire.
 */
@Isolated("it compares ObjectStoreInputFile.totals(), which every reader in the JVM adds to, before and after a read")
class ObjectStoreInputFileTotalsTest {
    @TempDir
    static Path dir;

    @Test
    void theJvmsTotalsMoveByWhatTheFileRead() throws Exception {
        TaxiShards.write(dir, new int[]{40_000}, 3);
        Path shard = dir.resolve(String.format(TaxiShards.NAME, 0));
        ObjectStoreInputFile file = new ObjectStoreInputFile(new LocalObjectStore(), shard.toString());

        ObjectStoreInputFile.Totals before = ObjectStoreInputFile.totals();
        long rows = ParquetColumns.scan("shard", file, List.of("passenger_count", "trip_distance"), Map.of(),
                KeptColumns.none(), (c, n) -> { });
        ObjectStoreInputFile.Totals counted = ObjectStoreInputFile.totals().minus(before);

        assertEquals(40_000, rows);
        ObjectStoreInputFile.Totals reads = file.counts();
        assertTrue(reads.requests() > 0 && reads.bytes() > 0, "the file was read: " + reads);
        assertEquals(reads, counted);
    }
}
