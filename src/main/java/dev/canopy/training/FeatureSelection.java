package dev.canopy.training;

import dev.canopy.data.Table;
import dev.canopy.error.InvalidInputException;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The first step of {@link DataPreparation}: which columns of a {@link Table} are features (numeric columns,
 * and text columns as categories when named or with {@code categorical=auto}), every column left out with
 * why, the gaps per feature, and the rows the missing-value policy keeps.
 */
final class FeatureSelection {

    private FeatureSelection() {
    }

    /** The chosen features of a table: for each, its numbers (numeric) or its text (categorical). */
    record Selection(List<String> names, List<double[]> numbers, List<String[]> text, Map<String, String> leftOut,
                     List<String> warnings) {
        Selection(List<String> names, List<double[]> numbers, List<String[]> text, Map<String, String> leftOut) {
            this(names, numbers, text, leftOut, List.of());
        }
    }

    /**
     * The features: those named (a text column named is categorical), or every numeric column but the
     * target and, with {@code auto}, every text column. Every other column is in {@code leftOut} with why.
     */
    static Selection select(Table table, String target, List<String> named, DataPreparation.Options opt) {
        return select(table, target, named, null, opt);
    }

    /**
     * As {@link #select(Table, String, List, DataPreparation.Options)}, never choosing the {@code exclude}d
     * columns, nor, unless named, a column named like an identifier ({@link IdColumns}); a chosen integer
     * column whose values are all distinct is kept with a warning.
     */
    static Selection select(Table table, String target, List<String> named, List<String> exclude,
                            DataPreparation.Options opt) {
        List<String> excluded = exclude == null ? List.of() : exclude;
        for (String x : excluded) {
            table.column("exclude", x); // a column that is not there: a typo, refused naming the columns
            if (x.equals(target)) {
                throw new InvalidInputException("exclude", x, "is the target column");
            }
            if (named != null && named.contains(x)) {
                throw new InvalidInputException("exclude", x, "is also named in features");
            }
        }
        Map<String, String> leftOut = new LinkedHashMap<>();
        for (String notice : table.notices()) {
            leftOut.put("(unnamed first column)", notice);
        }
        List<String> names = new ArrayList<>();
        List<double[]> numbers = new ArrayList<>();
        List<String[]> text = new ArrayList<>();
        if (named != null && !named.isEmpty()) {
            if (named.contains(target)) {
                throw new InvalidInputException("features", target, "the target column cannot also be a feature");
            }
            if (named.stream().distinct().count() != named.size()) {
                throw new InvalidInputException("features", named, "a feature is listed twice");
            }
            for (String n : named) {
                Table.Column c = table.column("features", n);
                if (c.numeric()) {
                    add(names, numbers, text, n, c.values(), null);
                } else if (c.isText()) {
                    add(names, numbers, text, n, null, c.text());
                } else {
                    table.numeric("features", n); // throws, naming the column's type
                }
            }
            for (Table.Column c : table.columns()) {
                if (!c.name().equals(target) && !named.contains(c.name())) {
                    leftOut.put(c.name(), excluded.contains(c.name()) ? "excluded" : "not named in features");
                }
            }
        } else {
            for (Table.Column c : table.columns()) {
                if (c.name().equals(target)) {
                    continue;
                }
                if (excluded.contains(c.name())) {
                    leftOut.put(c.name(), "excluded");
                } else if (IdColumns.namedLikeAnId(c.name())) {
                    leftOut.put(c.name(), IdColumns.reason());
                } else if (c.numeric()) {
                    add(names, numbers, text, c.name(), c.values(), null);
                } else if (c.isText() && opt.autoCategorical()) {
                    add(names, numbers, text, c.name(), null, c.text());
                } else if (c.isText()) {
                    leftOut.put(c.name(), "text (row " + c.firstBadRow() + " holds \"" + c.firstBadValue()
                            + "\"); name it in features or set categorical=auto to use it as categories");
                } else {
                    leftOut.put(c.name(), "not numeric (" + c.firstBadValue() + ")");
                }
            }
            if (names.isEmpty()) {
                throw new InvalidInputException("features", table.names(), "no numeric feature columns besides the target"
                        + (leftOut.isEmpty() ? "" : "; left out: " + leftOut.keySet()));
            }
        }
        List<String> warnings = new ArrayList<>();
        for (int j = 0; j < names.size(); j++) {
            if (numbers.get(j) != null && IdColumns.distinctIntegers(numbers.get(j))) {
                warnings.add(IdColumns.warning(names.get(j), numbers.get(j).length));
            }
        }
        return new Selection(names, numbers, text, leftOut, List.copyOf(warnings));
    }

    /** The same features, of the same kinds, in another table (the test data). */
    static Selection same(Table test, Selection of) {
        List<double[]> numbers = new ArrayList<>();
        List<String[]> text = new ArrayList<>();
        for (int j = 0; j < of.names().size(); j++) {
            String n = of.names().get(j);
            if (of.numbers().get(j) != null) {
                numbers.add(test.numeric("testData.features", n));
                text.add(null);
            } else {
                Table.Column c = test.column("testData.features", n);
                if (!c.isText()) {
                    throw new InvalidInputException("testData.features", n, "is a text (categorical) column in data "
                            + "but not in testData");
                }
                numbers.add(null);
                text.add(c.text());
            }
        }
        return new Selection(of.names(), numbers, text, Map.of());
    }

    private static void add(List<String> names, List<double[]> numbers, List<String[]> text, String n, double[] v, String[] t) {
        names.add(n);
        numbers.add(v);
        text.add(t);
    }

    /** Gaps per feature, in feature order; ±Infinity in a feature is refused here. */
    static Map<String, Integer> gaps(Selection s, String uri) {
        Map<String, Integer> out = new LinkedHashMap<>();
        for (int j = 0; j < s.names().size(); j++) {
            int n = 0;
            double[] v = s.numbers().get(j);
            String[] t = s.text().get(j);
            int rows = v != null ? v.length : t.length;
            for (int i = 0; i < rows; i++) {
                if (v != null && Double.isInfinite(v[i])) {
                    throw new InvalidInputException("features", s.names().get(j), "row " + (i + 1) + " of " + uri
                            + " holds " + v[i] + "; features may be missing but not infinite");
                }
                if (v != null ? Double.isNaN(v[i]) : t[i] == null) {
                    n++;
                }
            }
            out.put(s.names().get(j), n);
        }
        return out;
    }

    /** Under {@code error}, any gap fails the run, naming each column with gaps and its count. */
    static void refuseGaps(Map<String, Integer> gaps, int rows, String uri) {
        Map<String, Integer> with = new LinkedHashMap<>();
        gaps.forEach((k, v) -> {
            if (v > 0) {
                with.put(k, v);
            }
        });
        if (!with.isEmpty()) {
            String first = with.keySet().iterator().next();
            throw new InvalidInputException("features", first, "has " + with.get(first) + " of " + rows
                    + " rows without a value in " + uri + " (columns with gaps: " + with + "); the missing-value policy "
                    + "is error: set missing (--missing) to drop to leave such rows out, or impute to fill them");
        }
    }

    /** Rows whose every feature has a value, in order. */
    static int[] complete(Selection s, int rows) {
        int[] keep = new int[rows];
        int n = 0;
        for (int i = 0; i < rows; i++) {
            boolean ok = true;
            for (int j = 0; j < s.names().size() && ok; j++) {
                double[] v = s.numbers().get(j);
                ok = v != null ? !Double.isNaN(v[i]) : s.text().get(j)[i] != null;
            }
            if (ok) {
                keep[n++] = i;
            }
        }
        return Arrays.copyOf(keep, n);
    }
}
