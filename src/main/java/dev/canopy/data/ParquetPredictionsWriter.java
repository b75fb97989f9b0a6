package dev.canopy.data;

import dev.canopy.parquet.write.ParquetWriterLite;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;

/**
 * Writes a shard's predictions as a one-column Parquet file ({@code prediction: double}), in row order. A NaN
 * prediction (a row the model gave none, e.g. a gap under the {@code drop} policy) is written as null, and
 * only then is the column optional.
 */
public final class ParquetPredictionsWriter {
    static final List<ParquetWriterLite.Field> SCHEMA =
            List.of(new ParquetWriterLite.Field("prediction", ParquetWriterLite.Kind.DOUBLE, false));
    static final List<ParquetWriterLite.Field> NULLABLE =
            List.of(new ParquetWriterLite.Field("prediction", ParquetWriterLite.Kind.DOUBLE, true));
    /** Rows per row group: a few MB of doubles, so readers can work on part of a large shard. */
    static final int ROW_GROUP = 512 * 1024;

    private ParquetPredictionsWriter() {
    }

    public static byte[] write(double[] predictions, int rows) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(rows * 8 + 1024);
        List<List<ParquetWriterLite.Values>> groups = new java.util.ArrayList<>();
        List<Integer> counts = new java.util.ArrayList<>();
        boolean anyNull = false;
        for (int i = 0; i < rows && !anyNull; i++) {
            anyNull = Double.isNaN(predictions[i]);
        }
        for (int from = 0; from < rows || (rows == 0 && from == 0); from += ROW_GROUP) {
            int n = Math.min(ROW_GROUP, rows - from);
            boolean[] nulls = null;
            if (anyNull) {
                nulls = new boolean[n];
                for (int i = 0; i < n; i++) {
                    nulls[i] = Double.isNaN(predictions[from + i]);
                }
            }
            groups.add(List.of(new ParquetWriterLite.Values(Arrays.copyOfRange(predictions, from, from + n), nulls)));
            counts.add(n);
            if (rows == 0) {
                break;
            }
        }
        try {
            ParquetWriterLite.write(out, anyNull ? NULLABLE : SCHEMA, groups, counts);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write predictions", e);
        }
        return out.toByteArray();
    }
}
