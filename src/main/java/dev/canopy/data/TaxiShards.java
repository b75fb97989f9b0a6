package dev.canopy.data;

import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;

import java.io.IOException;
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

    static final MessageType SCHEMA = MessageTypeParser.parseMessageType("""
            message schema {
              optional binary vendor_id (STRING);
              optional int64 pickup_at (TIMESTAMP(MICROS,false));
              optional int64 dropoff_at (TIMESTAMP(MICROS,false));
              optional int32 passenger_count (INTEGER(8,true));
              optional float trip_distance;
              optional float pickup_longitude;
              optional float pickup_latitude;
              optional int32 rate_code_id;
              optional binary store_and_fwd_flag (STRING);
              optional float dropoff_longitude;
              optional float dropoff_latitude;
              optional binary payment_type (STRING);
              optional float fare_amount;
              optional float extra;
              optional float mta_tax;
              optional float tip_amount;
              optional float tolls_amount;
              optional float total_amount;
            }""");

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
        SimpleGroupFactory groups = new SimpleGroupFactory(SCHEMA);
        String[] vendors = {"VTS", "CMT", "DDS"};
        String[] payments = {"CASH", "Credit", "CREDIT", "No Charge", "Dispute"};
        for (int s = 0; s < rows.length; s++) {
            SplittableRandom r = new SplittableRandom(seed * 1_000_003L + s);
            long twoPlus = 0;
            Path file = dir.resolve(String.format(NAME, s));
            try (ParquetWriter<Group> w = ExampleParquetWriter.builder(new LocalOutputFile(file))
                    .withConf(new PlainParquetConfiguration())
                    .withCodecFactory(PureJavaCodecs.INSTANCE)
                    .withType(SCHEMA)
                    .withCompressionCodec(CompressionCodecName.SNAPPY)
                    .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
                    .withDictionaryEncoding(true)
                    .withRowGroupSize(8L * 1024 * 1024)
                    .build()) {
                long t = 1_230_768_000_000_000L + r.nextLong(31_536_000_000_000L);
                for (int i = 0; i < rows[s]; i++) {
                    int p = passengers(r);
                    if (p >= 2) {
                        twoPlus++;
                    }
                    float dist = (float) (0.2 + r.nextDouble() * 12);
                    float fare = 2.5f + dist * 2.1f;
                    float tip = r.nextInt(3) == 0 ? fare * 0.15f : 0;
                    long pickup = t + r.nextLong(3_600_000_000L);
                    Group g = groups.newGroup()
                            .append("vendor_id", vendors[r.nextInt(vendors.length)])
                            .append("pickup_at", pickup)
                            .append("dropoff_at", pickup + (long) (dist * 180_000_000L))
                            .append("passenger_count", p)
                            .append("trip_distance", dist)
                            .append("pickup_longitude", (float) (-74.0 + r.nextDouble() * 0.2))
                            .append("pickup_latitude", (float) (40.6 + r.nextDouble() * 0.25));
                    // rate_code_id stays null in every row, as in the 2009 files
                    if (r.nextInt(50) == 0) {
                        g.append("store_and_fwd_flag", r.nextBoolean() ? "Y" : "N");
                    }
                    g.append("dropoff_longitude", (float) (-74.0 + r.nextDouble() * 0.2))
                            .append("dropoff_latitude", (float) (40.6 + r.nextDouble() * 0.25))
                            .append("payment_type", payments[r.nextInt(payments.length)])
                            .append("fare_amount", fare)
                            .append("extra", r.nextInt(4) == 0 ? 0.5f : 0f)
                            .append("mta_tax", 0.5f)
                            .append("tip_amount", tip)
                            .append("tolls_amount", r.nextInt(20) == 0 ? 4.15f : 0f)
                            .append("total_amount", fare + tip + 0.5f);
                    w.write(g);
                }
            }
            out.add(new long[]{rows[s], twoPlus});
        }
        return out;
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
