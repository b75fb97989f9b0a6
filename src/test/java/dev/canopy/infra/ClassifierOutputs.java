package dev.canopy.infra;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import static dev.canopy.testing.DuckDb.one;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A multi-class classifier's predictions file as a user reads it, checked by DuckDB (an independent Parquet
 * reader): what {@code predict} promises for a classifier with text labels ({@code ShardScores}).
 */
final class ClassifierOutputs {
    /** The largest difference allowed between two scorings of the same rows by the same code: the last bit. */
    static final double SAME = 1e-12;

    private ClassifierOutputs() {
    }

    /**
     * Checks the predictions file {@code out} of the shard {@code in}: a row for each of the shard's rows; the
     * columns {@code prediction} (text) then {@code p_<label>} (double) for each of {@code labels} in their order;
     * every prediction one of the labels and the most probable class (the first of equal ones); every
     * probability in [0, 1], a row's summing to 1.
     *
     * @return the rows
     */
    static long check(Connection duck, String name, Path in, Path out, List<String> labels) throws SQLException {
        List<String> p = probabilityColumns(labels);
        String o = "read_parquet('" + out + "')";
        long rows = Long.parseLong(one(duck, "SELECT count(*) FROM read_parquet('" + in + "')"));
        assertEquals(rows, Long.parseLong(one(duck, "SELECT count(*) FROM " + o)), name + ": a row per input row");
        assertEquals("prediction VARCHAR, " + labels.stream().map(l -> "p_" + l + " DOUBLE").collect(Collectors.joining(", ")),
                one(duck, "SELECT string_agg(column_name || ' ' || column_type, ', ') FROM (DESCRIBE SELECT * FROM " + o + ")"),
                name + ": the output's columns");
        String labelSet = labels.stream().map(l -> "'" + l + "'").collect(Collectors.joining(", "));
        assertEquals("0", one(duck, "SELECT count(*) FROM " + o + " WHERE prediction IS NULL OR prediction NOT IN ("
                + labelSet + ")"), name + ": every prediction one of the model's labels");
        String outOfRange = p.stream().map(c -> c + " IS NULL OR " + c + " < 0 OR " + c + " > 1")
                .collect(Collectors.joining(" OR "));
        assertEquals("0", one(duck, "SELECT count(*) FROM " + o + " WHERE " + outOfRange), name + ": probabilities in [0, 1]");
        double worstSum = Double.parseDouble(one(duck, "SELECT max(abs(" + String.join(" + ", p) + " - 1)) FROM " + o));
        assertTrue(worstSum < 1e-9, name + ": the probabilities of a row sum to 1, off by up to " + worstSum);
        String greatest = "greatest(" + String.join(", ", p) + ")";
        String best = "CASE " + labels.stream().map(l -> "WHEN \"p_" + l + "\" = " + greatest + " THEN '" + l + "'")
                .collect(Collectors.joining(" ")) + " END";
        assertEquals("0", one(duck, "SELECT count(*) FROM " + o + " WHERE prediction IS DISTINCT FROM " + best),
                name + ": the prediction is the most probable class");
        return rows;
    }

    /** {@code out} and {@code expected} row for row: the same labels, probabilities within {@link #SAME}. */
    static void assertSame(Connection duck, String name, Path out, Path expected, List<String> labels) throws SQLException {
        String a = "read_parquet('" + out + "', file_row_number = true)";
        String b = "read_parquet('" + expected + "', file_row_number = true)";
        String differ = "a.prediction IS DISTINCT FROM b.prediction OR " + probabilityColumns(labels).stream()
                .map(c -> "abs(a." + c + " - b." + c + ") > " + SAME + " OR a." + c + " IS NULL OR b." + c + " IS NULL")
                .collect(Collectors.joining(" OR "));
        assertEquals(one(duck, "SELECT count(*) FROM " + a), one(duck, "SELECT count(*) FROM " + b), name + ": rows");
        assertEquals("0", one(duck, "SELECT count(*) FROM " + a + " a FULL JOIN " + b + " b USING (file_row_number) WHERE "
                + differ), name + ": the workflow's predictions are canopy predict's");
    }

    /** {@code "p_<label>"} for each label, quoted as SQL names. */
    private static List<String> probabilityColumns(List<String> labels) {
        List<String> out = new ArrayList<>();
        labels.forEach(l -> out.add("\"p_" + l + "\""));
        return out;
    }
}
