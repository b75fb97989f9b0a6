package dev.canopy.infra;

import dev.canopy.parquet.write.ParquetWriterLite;
import dev.canopy.parquet.write.ParquetWriterLite.Field;
import dev.canopy.parquet.write.ParquetWriterLite.Kind;
import dev.canopy.parquet.write.ParquetWriterLite.Values;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Housing-feature shards for batch prediction: the rows of a California-housing-shaped CSV without the
 * target, split into Parquet shards of DOUBLE columns (written by Canopy's own {@link ParquetWriterLite}).
 */
final class HousingShards {
    private HousingShards() {
    }

    /** @return the shards' bytes, {@code count} of them, the rows dealt out in order */
    static List<byte[]> fromCsv(String csv, String target, int count) throws IOException {
        String[] lines = csv.strip().split("\r?\n");
        List<String> header = Arrays.asList(lines[0].split(","));
        List<Integer> featureColumns = new ArrayList<>();
        List<Field> fields = new ArrayList<>();
        for (int c = 0; c < header.size(); c++) {
            if (!header.get(c).equals(target)) {
                featureColumns.add(c);
                fields.add(new Field(header.get(c), Kind.DOUBLE, false));
            }
        }
        int rows = lines.length - 1;
        List<byte[]> shards = new ArrayList<>();
        for (int s = 0; s < count; s++) {
            int from = rows * s / count;
            int to = rows * (s + 1) / count;
            double[][] columns = new double[fields.size()][to - from];
            for (int r = from; r < to; r++) {
                String[] cells = lines[r + 1].split(",");
                for (int f = 0; f < featureColumns.size(); f++) {
                    columns[f][r - from] = Double.parseDouble(cells[featureColumns.get(f)]);
                }
            }
            List<Values> group = Arrays.stream(columns).map(c -> new Values(c, null)).toList();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ParquetWriterLite.write(out, fields, List.of(group), List.of(to - from));
            shards.add(out.toByteArray());
        }
        return shards;
    }
}
