package dev.canopy.data;

import dev.canopy.storage.s3.S3ObjectStore;
import dev.canopy.testing.RecordingObjectStore;
import dev.canopy.testing.S3ProxyServer;
import dev.canopy.testing.TestParquet;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a predictor fetches from S3 (S3Proxy, the real HTTP API): the tail with the footer once, then only
 * the projected column chunks, neighbours joined only across small gaps, no byte twice. Bytes fetched stay
 * within the projected chunks' bytes (as parquet-java's footer reading gives them) + the footer + 64 KiB per
 * shard, for one column of taxi shards and all 8 feature columns of housing-shaped shards.
 */
class ParquetRangedReadsTest {
    static final long SLACK = 64 << 10;
    static final List<String> HOUSING = List.of("MedInc", "HouseAge", "AveRooms", "AveBedrms", "Population", "AveOccup",
            "Latitude", "Longitude");

    @TempDir
    static Path dir;
    static S3ProxyServer s3;
    static S3Client client;

    @BeforeAll
    static void start() throws Exception {
        s3 = new S3ProxyServer();
        s3.createBucket("shards");
        client = s3.client();
    }

    @AfterAll
    static void stop() throws Exception {
        client.close();
        s3.close();
    }

    @Test
    void taxiShardsOneColumn() throws Exception {
        TaxiShards.write(dir.resolve("taxi"), new int[]{1500, 141_062, 70_000}, 4);
        List<Path> shards = new ArrayList<>();
        for (int s = 0; s < 3; s++) {
            shards.add(dir.resolve("taxi").resolve(String.format(TaxiShards.NAME, s)));
        }
        fetchesOnlyWhatIsNeeded("taxi", shards, List.of("passenger_count"));
    }

    @Test
    void housingShardsAllFeatureColumns() throws Exception {
        List<String> names = new ArrayList<>(HOUSING);
        names.add("MedHouseVal");
        List<Path> shards = new ArrayList<>();
        SplittableRandom r = new SplittableRandom(8);
        for (int s = 0; s < 3; s++) {
            int rows = 1720;
            double[][] columns = new double[names.size()][rows];
            for (double[] c : columns) {
                for (int i = 0; i < rows; i++) {
                    c[i] = Math.round(r.nextDouble() * 1000) / 100.0;
                }
            }
            Path p = dir.resolve("housing-" + s + ".parquet");
            Files.write(p, TestParquet.doubles(names, columns, rows));
            shards.add(p);
        }
        fetchesOnlyWhatIsNeeded("housing", shards, HOUSING);
    }

    private static void fetchesOnlyWhatIsNeeded(String kind, List<Path> shards, List<String> columns) throws Exception {
        for (Path shard : shards) {
            byte[] bytes = Files.readAllBytes(shard);
            String uri = "s3://shards/" + kind + "/" + shard.getFileName();
            new S3ObjectStore(client).write(uri, bytes, "application/octet-stream");
            RecordingObjectStore rec = new RecordingObjectStore(new S3ObjectStore(client));
            ObjectStoreInputFile.Totals before = ObjectStoreInputFile.totals();
            long rows = ParquetColumns.scan("shard", new ObjectStoreInputFile(rec, uri, bytes.length), columns, (c, n) -> { });
            ObjectStoreInputFile.Totals counted = ObjectStoreInputFile.totals().minus(before);

            long projected = 0;
            long rowGroups;
            try (ParquetFileReader r = ParquetJavaOracle.open(shard)) {
                rowGroups = r.getRowGroups().size();
                for (BlockMetaData b : r.getRowGroups()) {
                    for (ColumnChunkMetaData c : b.getColumns()) {
                        if (columns.contains(c.getPath().toDotString())) {
                            projected += c.getTotalSize();
                        }
                    }
                }
                assertEquals(r.getRecordCount(), rows);
            }
            long footer = ByteBuffer.wrap(bytes, bytes.length - 8, 4).order(ByteOrder.LITTLE_ENDIAN).getInt() + 8L;
            System.out.printf("%s %s: %d rows, %d row groups, %d requests, %d of %d bytes (projected chunks %d + footer %d)%n",
                    kind, shard.getFileName(), rows, rowGroups, rec.count("range", uri), rec.bytesRead.get(), bytes.length,
                    projected, footer);
            assertEquals(0, rec.count("read", uri), "no whole-object download");
            assertTrue(rec.bytesRead.get() <= projected + footer + SLACK, rec.bytesRead.get() + " bytes: " + rec.calls);
            assertTrue(rec.count("range", uri) <= 1 + rowGroups, "the tail once, at most one read per row group: " + rec.calls);
            assertEquals(new ObjectStoreInputFile.Totals(rec.count("range", uri), rec.bytesRead.get()), counted);
            // no byte twice: the ranges read do not overlap
            List<long[]> ranges = new ArrayList<>();
            for (String call : rec.calls) {
                if (call.startsWith("range ")) {
                    String[] at = call.substring(call.lastIndexOf(' ') + 1).split("\\+");
                    ranges.add(new long[]{Long.parseLong(at[0]), Long.parseLong(at[0]) + Long.parseLong(at[1])});
                }
            }
            ranges.sort((a, b) -> Long.compare(a[0], b[0]));
            for (int i = 1; i < ranges.size(); i++) {
                assertTrue(ranges.get(i)[0] >= ranges.get(i - 1)[1], "overlapping reads: " + rec.calls);
            }
        }
    }
}
