package dev.canopy.data;

import dev.canopy.error.InvalidInputException;
import org.apache.parquet.io.InputFile;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the flat columns of a Parquet file into a {@link Table}: numeric columns through
 * {@link ParquetColumns} (nulls become NaN), other columns kept by name as non-numeric. Nested columns are
 * not supported for training.
 */
public final class ParquetTableReader {

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
                boolean numeric = c.pathList().size() == 1 && c.maxRepetition() == 0 && c.numeric();
                types.add(numeric ? null : c.describe());
            }
        } catch (IOException | RuntimeException e) {
            throw new InvalidInputException(field, file.toString(), "unreadable Parquet file: " + e.getMessage());
        }
        if (total > Integer.MAX_VALUE) {
            throw new InvalidInputException(field, total, "too many rows for one training data set");
        }
        int n = (int) total;
        List<String> numeric = new ArrayList<>();
        for (int j = 0; j < names.size(); j++) {
            if (types.get(j) == null) {
                numeric.add(names.get(j));
            }
        }
        double[][] values = new double[numeric.size()][n];
        int[] offset = {0};
        ParquetColumns.scan(field, file, numeric, (columns, rows) -> {
            for (int j = 0; j < columns.length; j++) {
                System.arraycopy(columns[j], 0, values[j], offset[0], rows);
            }
            offset[0] += rows;
        });
        List<Table.Column> out = new ArrayList<>();
        int k = 0;
        for (int j = 0; j < names.size(); j++) {
            out.add(types.get(j) == null
                    ? new Table.Column(names.get(j), values[k++], true, null, 0)
                    : new Table.Column(names.get(j), null, false, "<" + types.get(j) + " column>", 1));
        }
        return new Table(out, n);
    }
}
