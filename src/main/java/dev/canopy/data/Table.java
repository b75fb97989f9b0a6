package dev.canopy.data;

import dev.canopy.error.InvalidInputException;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A column-oriented table of doubles read from CSV or Parquet. Missing values are NaN. A column whose
 * values are not all numbers is kept by name with {@link Column#numeric()} false and the first offending
 * value, so that asking to train on it gives an error that names the column and the value.
 */
public final class Table {

    /** One column: numeric values, or the first value that was not a number. */
    public record Column(String name, double[] values, boolean numeric, String firstBadValue, long firstBadRow) {
    }

    private final List<Column> columns;
    private final int rows;
    private final java.util.Set<String> indexColumns;

    public Table(List<Column> columns, int rows) {
        this(columns, rows, java.util.Set.of());
    }

    /**
     * {@code indexColumns}: columns that hold a row index (pandas stores its index as a column) rather than
     * data: not in the default feature set, though a request may still name them.
     */
    public Table(List<Column> columns, int rows, java.util.Set<String> indexColumns) {
        this.columns = List.copyOf(columns);
        this.rows = rows;
        this.indexColumns = java.util.Set.copyOf(indexColumns);
    }

    public int rows() {
        return rows;
    }

    public List<Column> columns() {
        return columns;
    }

    public List<String> names() {
        return columns.stream().map(Column::name).toList();
    }

    public Column column(String field, String name) {
        for (Column c : columns) {
            if (c.name().equals(name)) {
                return c;
            }
        }
        throw new InvalidInputException(field, name, "no such column; the data has " + names());
    }

    /** The values of a column that must be numeric and finite (features may hold NaN, never ±Inf). */
    public double[] numeric(String field, String name) {
        Column c = column(field, name);
        if (!c.numeric()) {
            throw new InvalidInputException(field, name, "column is not numeric: row " + c.firstBadRow()
                    + " holds \"" + c.firstBadValue() + "\"");
        }
        return c.values();
    }

    /** Every numeric column except {@code exclude} and index columns, in file order: the default feature set. */
    public List<String> numericColumnsExcept(String exclude) {
        List<String> out = new ArrayList<>();
        for (Column c : columns) {
            if (c.numeric() && !c.name().equals(exclude) && !indexColumns.contains(c.name())) {
                out.add(c.name());
            }
        }
        return out;
    }

    @Override
    public String toString() {
        return "Table" + Arrays.toString(names().toArray()) + "×" + rows;
    }
}
