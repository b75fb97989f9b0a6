package dev.canopy.predictions;

import dev.canopy.data.KeptColumns;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.List;
import java.util.Map;

import static dev.canopy.testing.DuckDb.one;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A classifier's columns as both writers write them: int64, string and double values, each null where the model
 * gave no prediction (and only then optional), an empty label apart from a null in the CSV.
 */
class OutputColumnsTest {
    static final List<OutputColumn> COLUMNS = List.of(
            OutputColumn.longs("prediction", new long[]{3, 0, -9_007_199_254_740_993L}, new boolean[]{false, true, false}),
            OutputColumn.texts("label", new String[]{"a,b", null, ""}),
            OutputColumn.doubles("p_a", new double[]{0.25, Double.NaN, 1e-300}),
            OutputColumn.doubles("p_b", new double[]{0.75, 0.5, 1}));

    @Test
    void parquetHoldsTheTypesAndTheNulls(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("p.parquet");
        Files.write(file, ParquetPredictionsWriter.write(COLUMNS, 3, KeptColumns.none(), Map.of()));
        try (Connection duck = DriverManager.getConnection("jdbc:duckdb:")) {
            String f = "'" + file + "'";
            assertEquals("prediction BIGINT YES, label VARCHAR YES, p_a DOUBLE YES, p_b DOUBLE NO", one(duck,
                    "SELECT string_agg(name || ' ' || CASE type WHEN 'INT64' THEN 'BIGINT' WHEN 'BYTE_ARRAY' THEN 'VARCHAR' "
                            + "ELSE type END || ' ' || CASE repetition_type WHEN 'OPTIONAL' THEN 'YES' ELSE 'NO' END, ', ') "
                            + "FROM parquet_schema(" + f + ") WHERE type IS NOT NULL"));
            assertEquals("3|a,b|0.25|0.75;NULL|NULL|NULL|0.5;-9007199254740993||1e-300|1.0", one(duck,
                    "SELECT string_agg(coalesce(prediction::VARCHAR, 'NULL') || '|' || coalesce(label, 'NULL') || '|' || "
                            + "coalesce(p_a::VARCHAR, 'NULL') || '|' || p_b::VARCHAR, ';') FROM " + f));
        }
    }

    @Test
    void csvWritesNullsAsEmptyFieldsAndQuotesAnEmptyLabel() {
        String csv = new String(PredictionsCsv.write(COLUMNS, 3, KeptColumns.none()), StandardCharsets.UTF_8);
        assertEquals("prediction,label,p_a,p_b\r\n3,\"a,b\",0.25,0.75\r\n,,,0.5\r\n-9007199254740993,\"\",1.0E-300,1.0\r\n", csv);
    }
}
