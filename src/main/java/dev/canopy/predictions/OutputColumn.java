package dev.canopy.predictions;

import java.util.Objects;

/**
 * One column a shard's predictions hold after the kept input columns, its values for every row in row order:
 * doubles (a NaN is written as null), 64-bit integers (nulls marked) or text (a null string is a null). The
 * column may hold nulls, and is then declared optional, only when it has one.
 *
 * @param name   the column's name
 * @param values a {@code double[]}, {@code long[]} or {@code String[]} of at least the file's rows
 * @param nulls  for {@code long[]} values, the rows that are null (or null for none); null otherwise
 */
public record OutputColumn(String name, Object values, boolean[] nulls) {
    public OutputColumn {
        Objects.requireNonNull(name, "name");
        if (!(values instanceof double[] || values instanceof long[] || values instanceof String[])) {
            throw new IllegalArgumentException("column " + name + ": values must be double[], long[] or String[]");
        }
        if (nulls != null && !(values instanceof long[])) {
            throw new IllegalArgumentException("column " + name + ": only integers mark their nulls apart");
        }
    }

    /** Doubles, NaN for null. */
    public static OutputColumn doubles(String name, double[] values) {
        return new OutputColumn(name, values, null);
    }

    /** 64-bit integers; {@code nulls} marks the null rows, or is null for none. */
    public static OutputColumn longs(String name, long[] values, boolean[] nulls) {
        return new OutputColumn(name, values, nulls);
    }

    /** Text, null for null. */
    public static OutputColumn texts(String name, String[] values) {
        return new OutputColumn(name, values, null);
    }

    /** Whether row {@code i} is null. */
    public boolean isNull(int i) {
        return switch (values) {
            case double[] d -> Double.isNaN(d[i]);
            case long[] ignored -> nulls != null && nulls[i];
            case String[] s -> s[i] == null;
            default -> throw new IllegalStateException();
        };
    }

    /** Whether any of the first {@code rows} rows is null. */
    public boolean anyNull(int rows) {
        for (int i = 0; i < rows; i++) {
            if (isNull(i)) {
                return true;
            }
        }
        return false;
    }

    /** Row {@code i} as CSV text: a double so it parses back to the same double, an integer in full; null for a null. */
    public String text(int i) {
        if (isNull(i)) {
            return null;
        }
        return switch (values) {
            case double[] d -> Double.toString(d[i]);
            case long[] l -> Long.toString(l[i]);
            case String[] s -> s[i];
            default -> throw new IllegalStateException();
        };
    }

    /** Whether the values are text, which CSV quotes when empty so that an empty text differs from a null. */
    public boolean isText() {
        return values instanceof String[];
    }
}
