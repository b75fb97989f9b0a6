package dev.canopy.predictions;

import dev.canopy.data.KeptColumns;
import dev.canopy.parquet.read.ParquetFile;
import dev.canopy.parquet.write.ParquetWriterLite;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Writes a shard's predictions as a Parquet file, in row order: the kept input columns first, as the shard
 * has them ({@link KeptColumns}), then {@code prediction: double}, so a reader sees ids before the value they
 * label, as SageMaker's JoinSource puts input before output. A NaN prediction (a row the model gave none,
 * e.g. a gap under the {@code drop} policy) is written as null, and only then is the column optional. The
 * file's key-value metadata holds the caller's lineage. A classifier's predictions are several columns
 * ({@link OutputColumn}): its label, {@code int64}, {@code double} or {@code string}, then its probabilities.
 */
public final class ParquetPredictionsWriter {
    static final ParquetWriterLite.Field PREDICTION =
            new ParquetWriterLite.Field("prediction", ParquetWriterLite.Kind.DOUBLE, false);
    /**
     * Rows per row group without kept columns: a few MB of doubles, so readers can work on part of a large shard.
     * With kept columns the row groups are the shard's, since their chunks are copied whole.
     */
    static final int ROW_GROUP = 512 * 1024;

    private ParquetPredictionsWriter() {
    }

    public static byte[] write(double[] predictions, int rows) {
        return write(predictions, rows, KeptColumns.none(), Map.of());
    }

    /** {@code kept}: gathered from the same shard, whose rows {@code predictions} holds in order. */
    public static byte[] write(double[] predictions, int rows, KeptColumns kept, Map<String, String> keyValues) {
        return write(List.of(OutputColumn.doubles(PREDICTION.name(), predictions)), rows, kept, keyValues);
    }

    /**
     * {@code columns} after the kept ones, each holding {@code rows} values; {@code kept}: gathered from the same
     * shard, whose rows they hold in order.
     */
    public static byte[] write(List<OutputColumn> columns, int rows, KeptColumns kept, Map<String, String> keyValues) {
        List<Integer> counts = new ArrayList<>();
        if (kept.isEmpty()) {
            for (int from = 0; from < rows || (rows == 0 && from == 0); from += ROW_GROUP) {
                counts.add(Math.min(ROW_GROUP, rows - from));
            }
        } else {
            counts.addAll(kept.groupRows());
            long sum = counts.stream().mapToLong(Integer::longValue).sum();
            if (sum != rows) {
                throw new IllegalStateException("kept columns hold " + sum + " rows, the predictions " + rows);
            }
        }
        boolean[] anyNull = new boolean[columns.size()];
        List<ParquetWriterLite.Field> fields = new ArrayList<>();
        for (org.apache.parquet.format.SchemaElement e : kept.schema()) {
            fields.add(ParquetWriterLite.Field.copyOf(e));
        }
        for (int j = 0; j < columns.size(); j++) {
            OutputColumn c = columns.get(j);
            anyNull[j] = c.anyNull(rows);
            ParquetWriterLite.Kind kind = switch (c.values()) {
                case double[] ignored -> ParquetWriterLite.Kind.DOUBLE;
                case long[] ignored -> ParquetWriterLite.Kind.INT64;
                default -> ParquetWriterLite.Kind.STRING;
            };
            fields.add(new ParquetWriterLite.Field(c.name(), kind, anyNull[j]));
        }
        List<List<ParquetWriterLite.Values>> groups = new ArrayList<>();
        int from = 0;
        for (int g = 0; g < counts.size(); g++) {
            int n = counts.get(g);
            List<ParquetWriterLite.Values> values = new ArrayList<>();
            if (!kept.isEmpty()) {
                for (ParquetFile.Chunk c : kept.chunks(g)) {
                    values.add(ParquetWriterLite.Values.copyOf(c));
                }
            }
            for (int j = 0; j < columns.size(); j++) {
                OutputColumn c = columns.get(j);
                boolean[] nulls = null;
                if (anyNull[j]) {
                    nulls = new boolean[n];
                    for (int i = 0; i < n; i++) {
                        nulls[i] = c.isNull(from + i);
                    }
                }
                Object slice = switch (c.values()) {
                    case double[] d -> Arrays.copyOfRange(d, from, from + n);
                    case long[] l -> Arrays.copyOfRange(l, from, from + n);
                    case String[] t -> Arrays.copyOfRange(t, from, from + n);
                    default -> throw new IllegalStateException();
                };
                values.add(new ParquetWriterLite.Values(slice, nulls));
            }
            groups.add(values);
            from += n;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.min(Integer.MAX_VALUE - 16,
                rows * 8L * columns.size() + kept.bytes() + 1024));
        try {
            ParquetWriterLite.write(out, fields, groups, counts, keyValues);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write predictions", e);
        }
        return out.toByteArray();
    }
}
