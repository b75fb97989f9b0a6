package dev.canopy.sample;

import dev.canopy.parquet.write.ParquetWriterLite;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Writes synthetic shards in the layout of the public NYC taxi 2009 shards: the same 18 columns and
 * types, the same file names, and at full size the same row counts. Values are random but plausible;
 * about a third of trips carry two or more passengers, and a few carry a bad count (0 or -48), as in the
 * real data.
 */
public final class TaxiShards {
    /** Row counts of the 12 public shards (1,710,629 rows in all). */
    public static final int[] FULL_ROWS = {141_062, 133_932, 144_014, 143_087, 148_108, 141_981, 136_394, 136_999,
            139_985, 156_198, 142_893, 145_976};
    public static final String NAME = "fe41422b01c04169af2a65a83b753e0f_%06d.parquet";

    static final List<ParquetWriterLite.Field> SCHEMA = fields();

    /** Rows per row group, so a full-size shard has several, as the public files do. */
    public static final int ROW_GROUP = 65_536;

    private static List<ParquetWriterLite.Field> fields() {
        Object[][] f = {
                {"vendor_id", ParquetWriterLite.Kind.STRING}, {"pickup_at", ParquetWriterLite.Kind.TIMESTAMP_MICROS},
                {"dropoff_at", ParquetWriterLite.Kind.TIMESTAMP_MICROS}, {"passenger_count", ParquetWriterLite.Kind.INT8},
                {"trip_distance", ParquetWriterLite.Kind.FLOAT}, {"pickup_longitude", ParquetWriterLite.Kind.FLOAT},
                {"pickup_latitude", ParquetWriterLite.Kind.FLOAT}, {"rate_code_id", ParquetWriterLite.Kind.INT32},
                {"store_and_fwd_flag", ParquetWriterLite.Kind.STRING}, {"dropoff_longitude", ParquetWriterLite.Kind.FLOAT},
                {"dropoff_latitude", ParquetWriterLite.Kind.FLOAT}, {"payment_type", ParquetWriterLite.Kind.STRING},
                {"fare_amount", ParquetWriterLite.Kind.FLOAT}, {"extra", ParquetWriterLite.Kind.FLOAT},
                {"mta_tax", ParquetWriterLite.Kind.FLOAT}, {"tip_amount", ParquetWriterLite.Kind.FLOAT},
                {"tolls_amount", ParquetWriterLite.Kind.FLOAT}, {"total_amount", ParquetWriterLite.Kind.FLOAT}};
        List<ParquetWriterLite.Field> out = new ArrayList<>();
        for (Object[] x : f) {
            out.add(new ParquetWriterLite.Field((String) x[0], (ParquetWriterLite.Kind) x[1], true));
        }
        return List.copyOf(out);
    }

    private TaxiShards() {
    }

    /**
     * Writes {@code rows.length} shards into {@code dir} and returns their paths.
     *
     * @return the number of rows with passenger_count >= 2 in each shard, in the same order
     */
    public static List<long[]> write(Path dir, int[] rows, long seed) throws IOException {
        Files.createDirectories(dir);
        List<long[]> out = new ArrayList<>();
        String[] vendors = {"VTS", "CMT", "DDS"};
        String[] payments = {"CASH", "Credit", "CREDIT", "No Charge", "Dispute"};
        for (int s = 0; s < rows.length; s++) {
            SplittableRandom r = new SplittableRandom(seed * 1_000_003L + s);
            long twoPlus = 0;
            long t = 1_230_768_000_000_000L + r.nextLong(31_536_000_000_000L);
            List<List<ParquetWriterLite.Values>> groups = new ArrayList<>();
            List<Integer> counts = new ArrayList<>();
            for (int from = 0; from < rows[s] || (rows[s] == 0 && from == 0); from += ROW_GROUP) {
                int n = Math.min(ROW_GROUP, rows[s] - from);
                String[] vendor = new String[n];
                long[] pickupAt = new long[n];
                long[] dropoffAt = new long[n];
                int[] passengers = new int[n];
                float[][] f = new float[11][n];
                String[] flag = new String[n];
                String[] payment = new String[n];
                for (int i = 0; i < n; i++) {
                    int p = passengers(r);
                    if (p >= 2) {
                        twoPlus++;
                    }
                    float dist = (float) (0.2 + r.nextDouble() * 12);
                    float fare = 2.5f + dist * 2.1f;
                    float tip = r.nextInt(3) == 0 ? fare * 0.15f : 0;
                    long pickup = t + r.nextLong(3_600_000_000L);
                    vendor[i] = vendors[r.nextInt(vendors.length)];
                    pickupAt[i] = pickup;
                    dropoffAt[i] = pickup + (long) (dist * 180_000_000L);
                    passengers[i] = p;
                    f[0][i] = dist;
                    f[1][i] = (float) (-74.0 + r.nextDouble() * 0.2);
                    f[2][i] = (float) (40.6 + r.nextDouble() * 0.25);
                    // rate_code_id stays null in every row, as in the 2009 files
                    if (r.nextInt(50) == 0) {
                        flag[i] = r.nextBoolean() ? "Y" : "N";
                    }
                    f[3][i] = (float) (-74.0 + r.nextDouble() * 0.2);
                    f[4][i] = (float) (40.6 + r.nextDouble() * 0.25);
                    payment[i] = payments[r.nextInt(payments.length)];
                    f[5][i] = fare;
                    f[6][i] = r.nextInt(4) == 0 ? 0.5f : 0f;
                    f[7][i] = 0.5f;
                    f[8][i] = tip;
                    f[9][i] = r.nextInt(20) == 0 ? 4.15f : 0f;
                    f[10][i] = fare + tip + 0.5f;
                }
                boolean[] allNull = new boolean[n];
                java.util.Arrays.fill(allNull, true);
                groups.add(List.of(values(vendor), values(pickupAt), values(dropoffAt), values(passengers),
                        values(f[0]), values(f[1]), values(f[2]), new ParquetWriterLite.Values(new int[n], allNull),
                        values(flag), values(f[3]), values(f[4]), values(payment), values(f[5]), values(f[6]),
                        values(f[7]), values(f[8]), values(f[9]), values(f[10])));
                counts.add(n);
                if (rows[s] == 0) {
                    break;
                }
            }
            try (OutputStream file = new BufferedOutputStream(Files.newOutputStream(dir.resolve(String.format(NAME, s))))) {
                ParquetWriterLite.write(file, SCHEMA, groups, counts);
            }
            out.add(new long[]{rows[s], twoPlus});
        }
        return out;
    }

    private static ParquetWriterLite.Values values(Object array) {
        return new ParquetWriterLite.Values(array, null);
    }

    /** 1 passenger for about two trips in three, 2-6 otherwise; one trip in 2,000 has a bad count. */
    private static int passengers(SplittableRandom r) {
        int x = r.nextInt(2000);
        if (x == 0) {
            return r.nextBoolean() ? 0 : -48;
        }
        int y = r.nextInt(100);
        return y < 68 ? 1 : 2 + r.nextInt(5);
    }
}
