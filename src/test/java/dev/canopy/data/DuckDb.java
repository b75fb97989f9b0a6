package dev.canopy.data;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * DuckDB (in process, through its JDBC driver) as an independent Parquet writer and as the oracle: what its
 * SQL reads from a file is what Canopy must read. Values come back as text and are turned into doubles by
 * {@link BigDecimal#doubleValue()}, the correctly rounded conversion, so no second double conversion of ours
 * stands between DuckDB and the comparison.
 */
public final class DuckDb implements AutoCloseable {
    private final Connection connection;

    public DuckDb() throws SQLException {
        connection = DriverManager.getConnection("jdbc:duckdb:");
        try (Statement s = connection.createStatement()) {
            s.execute("SET threads TO 1"); // frugal, and rows come back in file order
            s.execute("SET preserve_insertion_order TO true");
        }
    }

    /** {@code COPY (select) TO file (FORMAT parquet, options)}. */
    public void write(Path file, String select, String options) throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.execute("COPY (" + select + ") TO '" + file + "' (FORMAT parquet" + (options.isEmpty() ? "" : ", " + options) + ")");
        }
    }

    /** The values of a SQL expression over the file's rows, in file order; NULL is NaN. */
    public double[] read(Path file, String expression) throws SQLException {
        List<Double> out = new ArrayList<>();
        try (Statement s = connection.createStatement();
             ResultSet r = s.executeQuery("SELECT CAST(" + expression + " AS VARCHAR) FROM read_parquet('" + file + "')")) {
            while (r.next()) {
                String v = r.getString(1);
                out.add(v == null ? Double.NaN : v.equals("true") ? 1.0 : v.equals("false") ? 0.0
                        : new BigDecimal(v).doubleValue());
            }
        }
        return out.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /** One value of a query. */
    public String query(String sql) throws SQLException {
        try (Statement s = connection.createStatement(); ResultSet r = s.executeQuery(sql)) {
            r.next();
            return r.getString(1);
        }
    }

    @Override
    public void close() throws SQLException {
        connection.close();
    }
}
