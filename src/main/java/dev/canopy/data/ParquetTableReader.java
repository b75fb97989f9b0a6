package dev.canopy.data;

import dev.canopy.error.InvalidInputException;
import org.apache.parquet.io.InputFile;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the flat columns of a Parquet file into a {@link Table}: numeric columns through
 * {@link ParquetColumns} (nulls become NaN), string columns as text (nulls null), other columns kept by name
 * as non-numeric. Nested columns are
 * not supported for training.
 */
public final class ParquetTableReader {

    /** The type of a flat string column, read as text (a possible categorical feature). */
    private static final String TEXT = "string";

    private ParquetTableReader() {
    }

    public static Table read(String field, InputFile file) {
        List<String> names = new ArrayList<>();
        List<String> types = new ArrayList<>();
        long total;
        try (ParquetFile reader = ParquetFile.open(file)) {
            total = 0;
            for (int g = 0; g < reader.rowGroups(); g++) {
                total += reader.rows(g);
            }
            for (ParquetFile.Column c : reader.columns()) {
                names.add(c.path());
                boolean flat = c.pathList().size() == 1 && c.maxRepetition() == 0;
                boolean numeric = flat && c.numeric();
                types.add(numeric ? null : flat && "string".equals(c.describe()) ? TEXT
                        : c.type() == ParquetFormat.Type.BYTE_ARRAY ? "binary"
                        : c.type().name().toLowerCase(java.util.Locale.ROOT));
            }
        } catch (IOException | RuntimeException e) {
            throw new InvalidInputException(field, file.toString(), "unreadable Parquet file: " + e.getMessage());
        }
        if (total > Integer.MAX_VALUE) {
            throw new InvalidInputException(field, total, "too many rows for one training data set");
        }
        int n = (int) total;
        // numeric columns as doubles; string columns through a per-column dictionary, as codes, then back to text
        List<String> read = new ArrayList<>();
        Map<String, java.util.function.ToDoubleFunction<String>> text = new HashMap<>();
        Map<String, List<String>> dictionaries = new HashMap<>();
        for (int j = 0; j < names.size(); j++) {
            if (types.get(j) == null || TEXT.equals(types.get(j))) {
                read.add(names.get(j));
            }
            if (TEXT.equals(types.get(j))) {
                List<String> dict = new ArrayList<>();
                Map<String, Integer> ids = new HashMap<>();
                dictionaries.put(names.get(j), dict);
                text.put(names.get(j), v -> ids.computeIfAbsent(v, k -> {
                    dict.add(k);
                    return dict.size() - 1;
                }));
            }
        }
        double[][] values = new double[read.size()][n];
        int[] offset = {0};
        ParquetColumns.scan(field, file, read, text, (columns, rows) -> {
            for (int j = 0; j < columns.length; j++) {
                System.arraycopy(columns[j], 0, values[j], offset[0], rows);
            }
            offset[0] += rows;
        });
        List<Table.Column> out = new ArrayList<>();
        int k = 0;
        for (int j = 0; j < names.size(); j++) {
            if (TEXT.equals(types.get(j))) {
                List<String> dict = dictionaries.get(names.get(j));
                double[] codes = values[k++];
                String[] t = new String[n];
                for (int i = 0; i < n; i++) {
                    t[i] = Double.isNaN(codes[i]) ? null : dict.get((int) codes[i]);
                }
                out.add(new Table.Column(names.get(j), null, false, "<string column>", 1, t));
            } else {
                out.add(types.get(j) == null
                        ? new Table.Column(names.get(j), values[k++], true, null, 0)
                        : new Table.Column(names.get(j), null, false, "<" + types.get(j) + " column>", 1));
            }
        }
        return new Table(out, n);
    }
}
