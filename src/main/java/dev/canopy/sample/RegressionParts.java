package dev.canopy.sample;

import dev.canopy.parquet.write.ParquetWriterLite;
import dev.canopy.parquet.write.ParquetWriterLite.Field;
import dev.canopy.parquet.write.ParquetWriterLite.Kind;
import dev.canopy.parquet.write.ParquetWriterLite.Values;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A taxi-shaped regression data set of any size, as Parquet parts: 8 features (one of them text) and the
 * target {@code tip_amount}, which depends on them non-linearly (payment type, fare, distance, hour, an
 * interaction of pickup place and passengers) plus noise, so that trees have something to find and MSE
 * falls with depth. Each part has its own generator (seed and part number), so parts can be written in any
 * order and the same arguments always give the same bytes.
 */
public final class RegressionParts {
    public static final String TARGET = "tip_amount";
    public static final String NAME = "part-%05d.parquet";
    static final List<Field> SCHEMA = List.of(
            new Field("payment_type", Kind.STRING, true), new Field("passenger_count", Kind.INT32, true),
            new Field("trip_distance", Kind.FLOAT, true), new Field("pickup_hour", Kind.INT32, true),
            new Field("pickup_longitude", Kind.DOUBLE, true), new Field("pickup_latitude", Kind.DOUBLE, true),
            new Field("fare_amount", Kind.FLOAT, true), new Field("tolls_amount", Kind.FLOAT, true),
            new Field(TARGET, Kind.DOUBLE, true));
    private static final String[] PAYMENTS = {"CASH", "CREDIT", "NO CHARGE", "DISPUTE", "UNKNOWN"};
    private static final int ROW_GROUP = 65_536;

    private RegressionParts() {
    }

    /** Writes {@code rows} rows as {@code parts} parts into {@code dir}; returns each part's rows. */
    public static long[] write(Path dir, long rows, int parts, long seed) throws IOException {
        Files.createDirectories(dir);
        long[] counts = new long[parts];
        for (int p = 0; p < parts; p++) {
            counts[p] = rows / parts + (p < rows % parts ? 1 : 0);
            writePart(dir.resolve(String.format(NAME, p)), (int) counts[p], new SplittableRandom(seed * 1_000_003L + p));
        }
        return counts;
    }

    private static void writePart(Path file, int rows, SplittableRandom r) throws IOException {
        List<List<Values>> groups = new ArrayList<>();
        List<Integer> sizes = new ArrayList<>();
        for (int from = 0; from < rows || (rows == 0 && from == 0); from += ROW_GROUP) {
            int n = Math.min(ROW_GROUP, rows - from);
            String[] payment = new String[n];
            int[] passengers = new int[n];
            float[] distance = new float[n];
            int[] hour = new int[n];
            double[] lon = new double[n];
            double[] lat = new double[n];
            float[] fare = new float[n];
            float[] tolls = new float[n];
            double[] tip = new double[n];
            for (int i = 0; i < n; i++) {
                int pay = r.nextInt(100) < 55 ? 1 : r.nextInt(100) < 85 ? 0 : 2 + r.nextInt(3);
                payment[i] = PAYMENTS[pay];
                passengers[i] = r.nextInt(100) < 68 ? 1 : 2 + r.nextInt(5);
                distance[i] = (float) (0.2 + -Math.log(1 - r.nextDouble()) * 2.8);
                hour[i] = r.nextInt(24);
                lon[i] = -74.05 + r.nextDouble() * 0.25;
                lat[i] = 40.60 + r.nextDouble() * 0.28;
                fare[i] = (float) (2.5 + distance[i] * 2.0 + r.nextDouble() * 3);
                tolls[i] = r.nextInt(25) == 0 ? 4.15f + r.nextInt(3) : 0f;
                boolean card = pay == 1;
                double rate = card ? 0.12 + 0.06 * Math.sin(hour[i] / 24.0 * 2 * Math.PI) + (hour[i] >= 22 || hour[i] < 4 ? 0.04 : 0) : 0;
                double midtown = lat[i] > 40.74 && lon[i] > -73.99 ? 0.6 * passengers[i] / 3.0 : 0;
                double t = card ? fare[i] * rate + midtown + 0.05 * tolls[i] + r.nextGaussian() * 0.6 : r.nextInt(20) == 0 ? r.nextDouble() : 0;
                tip[i] = Math.max(0, Math.round(t * 100) / 100.0);
            }
            groups.add(List.of(new Values(payment, null), new Values(passengers, null), new Values(distance, null),
                    new Values(hour, null), new Values(lon, null), new Values(lat, null), new Values(fare, null),
                    new Values(tolls, null), new Values(tip, null)));
            sizes.add(n);
            if (rows == 0) {
                break;
            }
        }
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
            ParquetWriterLite.write(out, SCHEMA, groups, sizes);
        }
    }
}
