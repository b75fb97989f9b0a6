package dev.canopy.sample;

import dev.canopy.data.CsvTableReader;
import dev.canopy.data.Table;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The download-and-cache path, served a small archive in StatLib's layout by a local HTTP server. */
class CaliforniaHousingTest {
    @TempDir
    Path cache;

    /** Two rows of the real cal_housing.data. */
    static final String ROWS = "-122.230000,37.880000,41.000000,880.000000,129.000000,322.000000,126.000000,8.325200,452600.000000\n"
            + "-122.220000,37.860000,21.000000,7099.000000,1106.000000,2401.000000,1138.000000,8.301400,358500.000000\n";

    @Test
    void downloadsOnceConvertsLikeScikitLearnAndThenUsesTheCache() throws Exception {
        byte[] tgz = tgz("CaliforniaHousing/cal_housing.data", ROWS.getBytes(StandardCharsets.US_ASCII));
        AtomicInteger hits = new AtomicInteger();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/files/5976036", ex -> {
            hits.incrementAndGet();
            ex.sendResponseHeaders(200, tgz.length);
            ex.getResponseBody().write(tgz);
            ex.close();
        });
        server.start();
        try {
            URI source = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/files/5976036");
            Path csv = CaliforniaHousing.ensure(cache, source, Duration.ofSeconds(5));
            assertEquals(csv, CaliforniaHousing.ensure(cache, source, Duration.ofSeconds(5)));
            assertEquals(1, hits.get(), "the second call is served from the cache");

            Table t = CsvTableReader.read("data", Files.readAllBytes(csv));
            assertEquals(List.of("MedInc", "HouseAge", "AveRooms", "AveBedrms", "Population", "AveOccup", "Latitude",
                    "Longitude", "MedHouseVal"), t.names());
            // The first row of scikit-learn's fetch_california_housing:
            // 8.3252, 41.0, 6.984127, 1.023810, 322.0, 2.555556, 37.88, -122.23 -> 4.526
            double[] expected = {8.3252, 41.0, 6.984127, 1.023810, 322.0, 2.555556, 37.88, -122.23, 4.526};
            for (int j = 0; j < expected.length; j++) {
                assertEquals(expected[j], t.numeric("x", t.names().get(j))[0], 1e-6, t.names().get(j));
            }
        } finally {
            server.stop(0);
        }
    }

    @Test
    void unreachableSourceFails() {
        assertThrows(java.io.IOException.class, () -> CaliforniaHousing.ensure(cache,
                URI.create("http://127.0.0.1:9/none"), Duration.ofSeconds(2)));
        assertTrue(Files.notExists(cache.resolve(CaliforniaHousing.FILE_NAME)));
    }

    /** A gzip-compressed ustar archive with one file. */
    static byte[] tgz(String name, byte[] content) throws Exception {
        ByteArrayOutputStream tar = new ByteArrayOutputStream();
        byte[] h = new byte[512];
        put(h, 0, name);
        put(h, 100, "0000644\0");
        put(h, 124, String.format("%011o\0", content.length));
        put(h, 136, String.format("%011o\0", 0));
        h[156] = '0';
        put(h, 257, "ustar\0");
        put(h, 263, "00");
        java.util.Arrays.fill(h, 148, 156, (byte) ' ');
        int sum = 0;
        for (byte b : h) {
            sum += b & 0xff;
        }
        put(h, 148, String.format("%06o\0 ", sum));
        tar.write(h);
        tar.write(content);
        tar.write(new byte[(512 - content.length % 512) % 512]);
        tar.write(new byte[1024]);
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(gz)) {
            z.write(tar.toByteArray());
        }
        return gz.toByteArray();
    }

    private static void put(byte[] h, int off, String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(b, 0, h, off, b.length);
    }
}
