package dev.canopy.data;

import dev.canopy.error.InvalidInputException;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A column-oriented table read from CSV or Parquet. Numeric columns hold doubles, missing values as NaN. A
 * column whose values are not all numbers is kept by name with {@link Column#numeric()} false and the first
 * offending value, so that asking to train on it as a number gives an error that names the column and the
 * value; when the reader has its values as text ({@link Column#text()}, missing values null), it can be a
 * categorical feature. {@link #notices()} says what the reader left out of the file and why.
 */
public final class Table {

    /**
     * One column: numeric values, or the first value that was not a number and, when the reader kept them,
     * every value as text (null where missing).
     */
    public record Column(String name, double[] values, boolean numeric, String firstBadValue, long firstBadRow,
                         String[] text) {

        public Column(String name, double[] values, boolean numeric, String firstBadValue, long firstBadRow) {
            this(name, values, numeric, firstBadValue, firstBadRow, null);
        }

        /** A text column that can be used as a categorical feature. */
        public boolean isText() {
            return !numeric && text != null;
        }

        /** Missing cells: NaN in a numeric column, null in a text column; 0 for a column with neither. */
        public int missing() {
            int n = 0;
            if (numeric) {
                for (double v : values) {
                    if (Double.isNaN(v)) {
                        n++;
                    }
                }
            } else if (text != null) {
                for (String s : text) {
                    if (s == null) {
                        n++;
                    }
                }
            }
            return n;
        }
    }

    private final List<Column> columns;
    private final int rows;
    private final List<String> notices;
    private final String source;
    private final java.util.Set<String> indexColumns;

    public Table(List<Column> columns, int rows) {
        this(columns, rows, List.of(), null, java.util.Set.of());
    }

    /** @param source the file's URI, named in messages about its values; may be null */
    public Table(List<Column> columns, int rows, List<String> notices, String source) {
        this(columns, rows, notices, source, java.util.Set.of());
    }

    /**
     * {@code indexColumns}: columns that hold a row index (pandas stores its index as a column) rather than
     * data: not in the default feature set, though a request may still name them.
     */
    public Table(List<Column> columns, int rows, java.util.Set<String> indexColumns) {
        this(columns, rows, List.of(), null, indexColumns);
    }

    public Table(List<Column> columns, int rows, List<String> notices, String source, java.util.Set<String> indexColumns) {
        this.columns = List.copyOf(columns);
        this.rows = rows;
        this.notices = List.copyOf(notices);
        this.source = source;
        this.indexColumns = java.util.Set.copyOf(indexColumns);
    }

    public int rows() {
        return rows;
    }

    public List<Column> columns() {
        return columns;
    }

    /** Columns that hold a row index (pandas' index) rather than data. */
    public java.util.Set<String> indexColumns() {
        return indexColumns;
    }

    /** The file's URI named in messages, or null. */
    public String source() {
        return source;
    }

    /** What the reader skipped and why, e.g. an unnamed index column; empty when it kept everything. */
    public List<String> notices() {
        return notices;
    }

    public List<String> names() {
        return columns.stream().map(Column::name).toList();
    }

    /** This table without the column {@code name} (its values are no longer referenced from here). */
    public Table without(String name) {
        return new Table(columns.stream().filter(c -> !c.name().equals(name)).toList(), rows, notices, source,
                indexColumns);
    }

    public Column column(String field, String name) {
        for (Column c : columns) {
            if (c.name().equals(name)) {
                return c;
            }
        }
        throw new InvalidInputException(field, name, "no such column; the data has " + names() + delimiterHint());
    }

    /**
     * When the header read as one column that holds another delimiter ({@code id;MedInc;...} read with ','),
     * says so: the delimiter, not the column, is what is wrong.
     */
    private String delimiterHint() {
        if (names().size() != 1) {
            return "";
        }
        String only = names().getFirst();
        for (char d : new char[]{';', ',', '\t', '|'}) {
            if (only.indexOf(d) >= 0) {
                return "; the header read as one column, so the delimiter looks wrong: the header holds '"
                        + (d == '\t' ? "\\t" : String.valueOf(d)) + "', give delimiter " + (d == '\t' ? "\\t" : String.valueOf(d))
                        + " (--delimiter)";
            }
        }
        return "";
    }

    /** The values of a column that must be numeric and finite (features may hold NaN, never ±Inf). */
    public double[] numeric(String field, String name) {
        Column c = column(field, name);
        if (!c.numeric()) {
            throw new InvalidInputException(field, name, "column is not numeric: row " + c.firstBadRow()
                    + (source == null ? "" : " of " + source) + " holds \"" + c.firstBadValue() + "\"");
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
