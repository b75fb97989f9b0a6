package dev.canopy.data;

import dev.canopy.parquet.format.ParquetFormat;
import dev.canopy.parquet.codec.PureJavaCodecs.UnsupportedCodecException;
import dev.canopy.parquet.read.ParquetFile;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.canopy.error.InvalidInputException;
import org.apache.parquet.io.InputFile;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the flat columns of a Parquet file into a {@link Table}: numeric columns through
 * {@link ParquetColumns} (nulls become NaN), string columns as text (nulls null), other columns kept by name
 * as non-numeric. Nested columns are not supported for training. A pandas index stored as a column is marked
 * as an index, so it is no default feature.
 */
public final class ParquetTableReader {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The type of a flat string column, read as text (a possible categorical feature). */
    private static final String TEXT = "string";

    private ParquetTableReader() {
    }

    public static Table read(String field, InputFile file) {
        List<String> names = new ArrayList<>();
        List<String> types = new ArrayList<>();
        Set<String> index;
        try (ParquetFile reader = ParquetFile.open(file)) {
            for (ParquetFile.Column c : reader.columns()) {
                names.add(c.path());
                boolean flat = c.pathList().size() == 1 && c.maxRepetition() == 0;
                boolean numeric = flat && c.numeric();
                types.add(numeric ? null : flat && TEXT.equals(c.describe())
                        && c.type() == ParquetFormat.Type.BYTE_ARRAY ? TEXT : c.describe());
            }
            index = pandasIndex(reader.keyValues().get("pandas"));
        } catch (IOException | UnsupportedCodecException e) {
            throw new InvalidInputException(field, file.toString(), "unreadable Parquet file: " + e.getMessage());
        }
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
        // The arrays grow with the rows actually decoded, never to the count the footer claims: a forged
        // footer cannot make this allocate more than the file's pages really hold.
        double[][] values = new double[read.size()][16];
        int[] offset = {0};
        ParquetColumns.scan(field, file, read, text, (columns, rows) -> {
            if ((long) offset[0] + rows > Integer.MAX_VALUE - 8) {
                throw new InvalidInputException(field, file.toString(), "too many rows for one training data set");
            }
            for (int j = 0; j < columns.length; j++) {
                if (values[j].length < offset[0] + rows) {
                    values[j] = Arrays.copyOf(values[j], (int) Math.min(Integer.MAX_VALUE - 8,
                            Math.max(offset[0] + rows, 2L * values[j].length)));
                }
                System.arraycopy(columns[j], 0, values[j], offset[0], rows);
            }
            offset[0] += rows;
        });
        int n = offset[0];
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
                        ? new Table.Column(names.get(j), Arrays.copyOf(values[k++], n), true, null, 0)
                        : new Table.Column(names.get(j), null, false, "<" + types.get(j) + " column>", 1));
            }
        }
        return new Table(out, n, index);
    }

    /**
     * The columns pandas' metadata lists under {@code index_columns}: {@code __index_level_0__} for an unnamed
     * index, the index's name otherwise (a RangeIndex is stored as a description, not a column, and is
     * skipped). Metadata that is not pandas' JSON names no index.
     */
    static Set<String> pandasIndex(String pandas) {
        Set<String> out = new LinkedHashSet<>();
        if (pandas == null) {
            return out;
        }
        try {
            JsonNode columns = JSON.readTree(pandas).path("index_columns");
            for (JsonNode c : columns) {
                if (c.isTextual()) {
                    out.add(c.asText());
                }
            }
        } catch (IOException e) {
            // not JSON: a writer's own "pandas" key, nothing to learn from it
        }
        return out;
    }
}
