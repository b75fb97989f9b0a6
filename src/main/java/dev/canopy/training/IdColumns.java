package dev.canopy.training;

import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Columns that identify rows rather than describe them. A model that splits on an id learns the order in
 * which rows were numbered, not the target: such a column is left out by default ({@code left out:} says so)
 * and is a feature only when {@code features} names it.
 */
final class IdColumns {
    /** {@code id}, {@code *_id}, {@code *Id}, {@code uuid}, {@code guid}, pandas' and pyarrow's index columns. */
    private static final Pattern NAMED_LIKE_AN_ID = Pattern.compile(
            "(?i:id|uuid|guid|.*[_\\-.](id|uuid|guid|key)|row_?num(ber)?|__index_level_\\d+__)|.*[a-z](Id|ID|Uuid|UUID)");
    /** Fewer rows than this say nothing about whether an integer column is an id. */
    static final int MIN_ROWS = 50;

    private IdColumns() {
    }

    static boolean namedLikeAnId(String name) {
        return name != null && NAMED_LIKE_AN_ID.matcher(name.strip()).matches();
    }

    static String reason() {
        return "named like an identifier; name it in features to use it";
    }

    /** Whether every value is a whole number and no two are equal: what an id column holds. */
    static boolean distinctIntegers(double[] v) {
        if (v.length < MIN_ROWS) {
            return false;
        }
        Set<Double> seen = new HashSet<>(v.length * 2);
        for (double x : v) {
            if (Double.isNaN(x) || x != Math.rint(x) || !seen.add(x)) {
                return false;
            }
        }
        return true;
    }

    static String warning(String column, int rows) {
        return String.format(Locale.ROOT, "feature %s: all %d values are distinct integers; it looks like an identifier, "
                + "which a model should not learn from: leave it out with exclude (--exclude %s) unless it is a feature",
                column, rows, column);
    }
}
