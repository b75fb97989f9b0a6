package dev.canopy.data;

import dev.canopy.error.ConflictException;
import dev.canopy.inference.ModelCache;
import dev.canopy.inference.PredictRequest;
import dev.canopy.inference.PredictResult;
import dev.canopy.inference.PredictService;
import dev.canopy.parquet.read.ReadTuning;
import dev.canopy.sample.TaxiShards;
import dev.canopy.storage.ObjectStore;
import dev.canopy.storage.http.HttpObjectStore;
import dev.canopy.storage.local.LocalObjectStore;
import dev.canopy.storage.s3.S3ObjectStore;
import dev.canopy.testing.LatencyProxy;
import dev.canopy.testing.RangeHttpServer;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a predictor asks of storage per shard, counted on the wire: through S3Proxy (the real S3 HTTP API, with
 * a proxy in front that records each request line) and through the https adapter (a ranged HTTP server). No
 * HEAD: one suffix GET ({@code bytes=-65536}) for the footer, its size and ETag; then the projected column
 * chunks of every row group in one round trip, each GET pinned by {@code If-Match}. Requests per shard at most
 * 1 + row groups, round trips 2 (1 when the suffix holds the whole shard), bytes at most the projected chunks +
 * the footer + 64 KiB + the hole limit per joined gap. A shard replaced between the footer read and a chunk
 * read fails with a {@link ConflictException} naming it, on S3, https and local files.
 */
class ParquetRangedReadsTest {
    static final long SLACK = 64 << 10;
    static final List<String> HOUSING = List.of("MedInc", "HouseAge", "AveRooms", "AveBedrms", "Population", "AveOccup",
            "Latitude", "Longitude");

    @TempDir
    static Path dir;
    static S3ProxyServer s3;
    static LatencyProxy wire;
    static S3Client client;
    static RangeHttpServer http;

    @BeforeAll
    static void start() throws Exception {
        s3 = new S3ProxyServer();
        s3.createBucket("shards");
        wire = new LatencyProxy(s3.port(), 0);
        client = s3.client(wire.endpoint());
        http = new RangeHttpServer();
        TaxiShards.write(dir.resolve("taxi"), new int[]{1500, 141_062, 70_000}, 4);
    }

    @AfterAll
    static void stop() throws Exception {
        client.close();
        wire.close();
        s3.close();
        http.close();
    }

    static List<Path> taxi() {
        List<Path> shards = new ArrayList<>();
        for (int s = 0; s < 3; s++) {
            shards.add(dir.resolve("taxi").resolve(String.format(TaxiShards.NAME, s)));
        }
        return shards;
    }

    @Test
    void taxiShardsOneColumnThroughS3() throws Exception {
        for (Path shard : taxi()) {
            fetchesOnlyWhatIsNeeded(s3Shard("taxi", shard), shard, List.of("passenger_count"), List.of());
        }
    }

    @Test
    void taxiShardsWithKeptColumnsThroughS3() throws Exception {
        for (Path shard : taxi()) {
            fetchesOnlyWhatIsNeeded(s3Shard("taxi-kept", shard), shard, List.of("passenger_count"),
                    List.of("trip_distance", "vendor_id"));
        }
    }

    @Test
    void taxiShardsOneColumnThroughHttps() throws Exception {
        for (Path shard : taxi()) {
            String path = "/taxi/" + shard.getFileName();
            http.put(path, Files.readAllBytes(shard));
            fetchesOnlyWhatIsNeeded(new Wire(new HttpObjectStore(Duration.ofSeconds(10)), http.uri(path), () -> http.requests(),
                    http::clear), shard, List.of("passenger_count"), List.of());
        }
    }

    @Test
    void housingShardsAllFeatureColumnsThroughS3() throws Exception {
        List<String> names = new ArrayList<>(HOUSING);
        names.add("MedHouseVal");
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
            fetchesOnlyWhatIsNeeded(s3Shard("housing", p), p, HOUSING, List.of());
        }
    }

    /** A footer longer than the guess costs one more read, of what the guess lacked: 3 round trips. */
    @Test
    void aFooterLongerThanTheGuessIsGrownOnce() throws Exception {
        Path shard = taxi().get(1);
        Wire w = s3Shard("taxi-small-guess", shard);
        ReadTuning tiny = new ReadTuning(64, ReadTuning.DEFAULT.holeLimit(), ReadTuning.DEFAULT.rangeLimit(),
                ReadTuning.DEFAULT.readAheadBytes());
        ObjectStoreInputFile file = new ObjectStoreInputFile(w.store, w.uri, tiny);
        ParquetColumns.scan("shard", file, List.of("passenger_count"), (c, n) -> { });
        List<String> got = w.requests.get();
        assertEquals(3, file.counts().roundTrips(), got.toString());
        assertTrue(got.getFirst().startsWith("GET ") && got.getFirst().endsWith(" bytes=-64"), got.toString());
        assertTrue(got.get(1).endsWith(" if-match"), "the rest of the footer is pinned too: " + got);
        assertEquals(0, got.stream().filter(x -> x.startsWith("HEAD")).count(), got.toString());
    }

    /**
     * The batch's predictor: with the model's version pinned (a rule here, so no model object), a shard costs
     * exactly two round trips before its PUT, reported in its result.
     */
    @Test
    void aPredictorReportsTwoRoundTripsPerShard() throws Exception {
        Path shard = taxi().get(1);
        Wire w = s3Shard("taxi-predict", shard);
        PredictService predictor = new PredictService(new S3ObjectStore(client), new ModelCache(1 << 20), "test");
        PredictResult r = predictor.predict(new PredictRequest("rule:passenger_count>=2", w.uri, "s3://shards/out/p.parquet",
                null, null, null, null, null, "rule"));
        List<String> got = w.requests.get();
        assertEquals(2, r.roundTrips(), got.toString());
        assertEquals(got.stream().filter(x -> x.startsWith("GET")).count(), r.requests(), got.toString());
        assertTrue(got.getLast().startsWith("PUT /shards/out/p.parquet"), got.toString());
        assertEquals(0, got.stream().filter(x -> x.startsWith("HEAD")).count(), got.toString());
    }

    @Test
    void aShardReplacedAfterItsFooterWasReadFailsNamingItOnS3() throws Exception {
        Path shard = taxi().get(1);
        Wire w = s3Shard("taxi-replaced", shard);
        replacedAfterFooter(w.store, w.uri, uri -> {
            new S3ObjectStore(client).write(uri, replacement(shard), "application/octet-stream");
            return null;
        });
        assertTrue(w.requests.get().stream().anyMatch(x -> x.endsWith(" if-match")), w.requests.get().toString());
    }

    @Test
    void aShardReplacedAfterItsFooterWasReadFailsNamingItOverHttps() throws Exception {
        Path shard = taxi().get(1);
        http.put("/replaced.parquet", Files.readAllBytes(shard));
        replacedAfterFooter(new HttpObjectStore(Duration.ofSeconds(10)), http.uri("/replaced.parquet"), uri -> {
            http.put("/replaced.parquet", replacement(shard));
            return null;
        });
    }

    @Test
    void aShardReplacedAfterItsFooterWasReadFailsNamingItLocally() throws Exception {
        Path shard = taxi().get(1);
        Path copy = dir.resolve("replaced-local.parquet");
        Files.copy(shard, copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        replacedAfterFooter(new LocalObjectStore(), copy.toString(), uri -> {
            new LocalObjectStore().write(uri, replacement(shard), "application/octet-stream");
            try {
                // the version is mtime (µs) and size; the replacement has the same size, so make the time differ
                Files.setLastModifiedTime(copy, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 5_000));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            return null;
        });
    }

    /** The same shard with one byte changed inside its first column chunk: same size, other content. */
    private static byte[] replacement(Path shard) {
        try {
            byte[] b = Files.readAllBytes(shard);
            b[10] ^= 1;
            return b;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Replaces the object right after the suffix read returns: the next (chunk) read must fail, naming it. */
    private static void replacedAfterFooter(ObjectStore store, String uri, Function<String, Void> replace) {
        ObjectStore replacing = new RecordingObjectStore(store) {
            @Override
            public Suffix readSuffix(String u, int length) {
                Suffix s = super.readSuffix(u, length);
                replace.apply(u);
                return s;
            }
        };
        ConflictException e = assertThrows(ConflictException.class, () -> ParquetColumns.scan("shard",
                new ObjectStoreInputFile(replacing, uri), List.of("passenger_count"), (c, n) -> { }));
        assertTrue(e.getMessage().contains("shard " + uri + " was replaced while it was read"), e.getMessage());
        assertTrue(!e.retryable(), "a replaced shard is permanent for this call: " + e.getMessage());
    }

    /**
     * The wire's requests with a request repeated back to back counted once: the HTTP client resending a request
     * whose kept-alive connection the server had just closed (S3Proxy's idle timeout, under a loaded machine) is
     * the transport's retry, not a read the reader asked for. The reader's own reads are checked apart, by the
     * recording store (no byte twice).
     */
    private static List<String> transportRetriesOnce(List<String> wire) {
        List<String> out = new ArrayList<>();
        for (String r : wire) {
            if (out.isEmpty() || !out.getLast().equals(r)) {
                out.add(r);
            } else {
                System.out.println("a request sent twice in a row (a transport retry): " + r);
            }
        }
        return out;
    }

    /** A store, a shard's URI in it, and the requests its server saw. */
    private record Wire(ObjectStore store, String uri, java.util.function.Supplier<List<String>> requests, Runnable clear) {
    }

    private static Wire s3Shard(String kind, Path shard) throws Exception {
        String uri = "s3://shards/" + kind + "/" + shard.getFileName();
        new S3ObjectStore(client).write(uri, Files.readAllBytes(shard), "application/octet-stream");
        wire.clear();
        return new Wire(new S3ObjectStore(client), uri, wire::requests, wire::clear);
    }

    private static void fetchesOnlyWhatIsNeeded(Wire w, Path shard, List<String> columns, List<String> keep) throws Exception {
        byte[] bytes = Files.readAllBytes(shard);
        w.clear.run();
        RecordingObjectStore rec = new RecordingObjectStore(w.store);
        ObjectStoreInputFile file = new ObjectStoreInputFile(rec, w.uri);
        KeptColumns kept = keep.isEmpty() ? KeptColumns.none() : KeptColumns.of(keep, false);
        long rows = ParquetColumns.scan("shard", file, columns, java.util.Map.of(), kept, (c, n) -> { });
        List<String> got = transportRetriesOnce(w.requests.get());

        long projected = 0;
        long pieces = 0;
        long firstChunk = Long.MAX_VALUE;
        long rowGroups;
        try (ParquetFileReader r = ParquetJavaOracle.open(shard)) {
            rowGroups = r.getRowGroups().size();
            for (BlockMetaData b : r.getRowGroups()) {
                for (ColumnChunkMetaData c : b.getColumns()) {
                    if (columns.contains(c.getPath().toDotString()) || keep.contains(c.getPath().toDotString())) {
                        projected += c.getTotalSize();
                        pieces++;
                        firstChunk = Math.min(firstChunk, c.getStartingPos());
                    }
                }
            }
            assertEquals(r.getRecordCount(), rows);
        }
        long footer = ByteBuffer.wrap(bytes, bytes.length - 8, 4).order(ByteOrder.LITTLE_ENDIAN).getInt() + 8L;
        ObjectStoreInputFile.Totals reads = file.counts();
        System.out.printf("%s: %d rows, %d row groups, %d requests, %d round trips, %d of %d bytes (projected chunks %d"
                        + " + footer %d); on the wire: %s%n", w.uri, rows, rowGroups, reads.requests(), reads.roundTrips(),
                reads.bytes(), bytes.length, projected, footer, got);
        // on the wire: no HEAD, the suffix first, every later read pinned to the suffix's version
        // seen once in CI (2026-12-07), not reproduced in 6 runs of this class with its neighbours: an empty record
        // while the reads happened; this says which side missed them if it comes back
        assertFalse(got.isEmpty(), "the server's side recorded no request; the file counted " + reads.requests()
                + ", the store saw " + rec.calls);
        assertEquals(0, got.stream().filter(x -> x.startsWith("HEAD")).count(), "no HEAD: " + got);
        assertTrue(got.getFirst().startsWith("GET ") && got.getFirst().endsWith(" bytes=-65536"), "the footer by a suffix read: " + got);
        for (String later : got.subList(1, got.size())) {
            assertTrue(later.startsWith("GET ") && later.endsWith(" if-match"), "pinned by If-Match: " + got);
        }
        assertEquals(got.size(), reads.requests(), "the file counts what went on the wire: " + got);
        assertEquals(0, rec.count("read", w.uri), "no whole-object download");
        assertTrue(reads.requests() <= 1 + (columns.size() + keep.size() == 1 ? rowGroups : pieces),
                "the suffix, then at most one read per row group (one column) or per chunk: " + got);
        // 1 when the suffix read holds every projected chunk
        long expectedTrips = firstChunk >= bytes.length - ReadTuning.DEFAULT.tailGuess() ? 1 : 2;
        assertEquals(expectedTrips, reads.roundTrips(), "footer, then every row group's chunks at once: " + got);
        assertTrue(reads.bytes() <= projected + footer + SLACK + ReadTuning.DEFAULT.holeLimit() * pieces,
                reads.bytes() + " bytes: " + rec.calls);
        assertEquals(rec.bytesRead.get(), reads.bytes());
        // no byte twice: the ranges read do not overlap
        List<long[]> ranges = new ArrayList<>();
        for (String call : rec.calls) {
            if (call.startsWith("range ") || call.startsWith("suffix ")) {
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
