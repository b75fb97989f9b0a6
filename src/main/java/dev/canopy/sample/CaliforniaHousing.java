package dev.canopy.sample;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.zip.GZIPInputStream;

/**
 * Fetches scikit-learn's California housing data set the way {@code fetch_california_housing} does:
 * download StatLib's {@code cal_housing.tgz} once, derive the same eight features and target, and cache
 * the result as CSV. Later calls use the cache and touch no network.
 */
public final class CaliforniaHousing {
    public static final String FILE_NAME = "california_housing.csv";
    public static final String HEADER = "MedInc,HouseAge,AveRooms,AveBedrms,Population,AveOccup,Latitude,Longitude,MedHouseVal";

    private CaliforniaHousing() {
    }

    /** Returns the cached CSV, downloading and converting it first if the cache does not have it. */
    public static Path ensure(Path cacheDir, URI source, Duration timeout) throws IOException, InterruptedException {
        Path csv = cacheDir.resolve(FILE_NAME);
        if (Files.isRegularFile(csv) && Files.size(csv) > 0) {
            return csv;
        }
        HttpClient client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).connectTimeout(timeout).build();
        HttpResponse<byte[]> r = client.send(HttpRequest.newBuilder(source).timeout(timeout).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() != 200) {
            throw new IOException("HTTP " + r.statusCode() + " from " + source);
        }
        byte[] converted = convert(r.body());
        Files.createDirectories(cacheDir);
        Path tmp = Files.createTempFile(cacheDir, FILE_NAME, ".tmp");
        Files.write(tmp, converted);
        Files.move(tmp, csv, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return csv;
    }

    /** Turns the bytes of cal_housing.tgz into scikit-learn's CSV layout. */
    public static byte[] convert(byte[] tgz) throws IOException {
        String data = new String(extract(tgz, "cal_housing.data"), StandardCharsets.US_ASCII);
        StringBuilder out = new StringBuilder(HEADER).append('\n');
        int rows = 0;
        for (String line : data.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.trim().split(",");
            if (f.length != 9) {
                throw new IOException("cal_housing.data row " + (rows + 1) + " has " + f.length + " fields, expected 9");
            }
            // StatLib order: longitude, latitude, housingMedianAge, totalRooms, totalBedrooms, population,
            // households, medianIncome, medianHouseValue.
            double lon = d(f[0]);
            double lat = d(f[1]);
            double age = d(f[2]);
            double rooms = d(f[3]);
            double bedrooms = d(f[4]);
            double population = d(f[5]);
            double households = d(f[6]);
            double income = d(f[7]);
            double value = d(f[8]);
            out.append(income).append(',').append(age).append(',').append(rooms / households).append(',')
                    .append(bedrooms / households).append(',').append(population).append(',')
                    .append(population / households).append(',').append(lat).append(',').append(lon).append(',')
                    .append(value / 100000.0).append('\n');
            rows++;
        }
        if (rows == 0) {
            throw new IOException("cal_housing.data has no rows");
        }
        return out.toString().getBytes(StandardCharsets.US_ASCII);
    }

    private static double d(String s) {
        return Double.parseDouble(s.trim());
    }

    /** Reads one file out of a gzip-compressed tar (ustar) archive by the end of its name. */
    static byte[] extract(byte[] tgz, String nameSuffix) throws IOException {
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(tgz))) {
            byte[] header = new byte[512];
            while (in.readNBytes(header, 0, 512) == 512) {
                String name = cstring(header, 0, 100);
                if (name.isEmpty()) {
                    break; // end-of-archive block
                }
                String prefix = cstring(header, 345, 155);
                long size = Long.parseLong(cstring(header, 124, 12).trim().isEmpty() ? "0" : cstring(header, 124, 12).trim(), 8);
                char type = (char) header[156];
                String full = prefix.isEmpty() ? name : prefix + "/" + name;
                if ((type == '0' || type == 0) && full.endsWith(nameSuffix)) {
                    byte[] content = in.readNBytes((int) size);
                    if (content.length != size) {
                        throw new IOException("truncated archive entry " + full);
                    }
                    return content;
                }
                long padded = (size + 511) / 512 * 512;
                in.skipNBytes(padded);
            }
        }
        throw new IOException("archive has no entry named *" + nameSuffix);
    }

    private static String cstring(byte[] b, int off, int len) {
        int end = off;
        while (end < off + len && b[end] != 0) {
            end++;
        }
        return new String(b, off, end - off, StandardCharsets.US_ASCII);
    }
}
