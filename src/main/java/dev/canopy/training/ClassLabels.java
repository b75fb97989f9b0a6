package dev.canopy.training;

import dev.canopy.error.InvalidInputException;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * The classes of a classification target in their one defined order, which is the order of the class codes
 * {@code 0..k-1}, of the probability columns and of what is saved with the model. The order is scikit-learn's
 * ({@code LabelEncoder}, {@code np.unique}), so that class {@code k} here is class {@code k} there:
 * <ul>
 * <li>numbers in numeric order ({@code np.unique} of a float or int array), written as integers when they are
 *     whole ({@code 0}, {@code 1}, {@code -3}), otherwise as Java writes the double ({@code 2.5});</li>
 * <li>text in code-point order (Python's {@code sorted} of {@code str}, {@code np.unique} of a unicode
 *     array), which is not Java's {@link String#compareTo} (UTF-16 units) for characters beyond U+FFFF;</li>
 * <li>a text target whose every value is {@code true} or {@code false} in any case (pandas writes
 *     {@code True}/{@code False}) is boolean: its labels are {@code false}, {@code true}, as
 *     {@code np.unique} orders {@code False < True}, and any spelling of either maps to them.</li>
 * </ul>
 * For binary tasks the second class ({@code labels().get(1)}) is the positive one, as scikit-learn's
 * {@code roc_auc_score} and XGBoost's {@code binary:logistic} take the larger code.
 */
public final class ClassLabels {
    /** Code-point order, as Python compares {@code str}. */
    public static final java.util.Comparator<String> CODE_POINT_ORDER = ClassLabels::compareCodePoints;

    private final List<String> labels;
    private final double[] values;
    private final boolean bool;
    private final Map<String, Integer> codes = new HashMap<>();

    private ClassLabels(List<String> labels, double[] values, boolean bool) {
        this.labels = List.copyOf(labels);
        this.values = values;
        this.bool = bool;
        for (int i = 0; i < labels.size(); i++) {
            codes.put(labels.get(i), i);
        }
    }

    /** Classes that are numbers; NaN and infinities are refused. Duplicates are merged, order is numeric. */
    public static ClassLabels ofNumbers(double[] distinct) {
        double[] v = Arrays.stream(distinct).map(d -> d == 0 ? 0 : d).sorted().distinct().toArray(); // -0.0 is 0
        List<String> names = new ArrayList<>(v.length);
        for (double d : v) {
            if (!Double.isFinite(d)) {
                throw new IllegalArgumentException("class values must be finite: " + d);
            }
            names.add(label(d));
        }
        return new ClassLabels(names, v, false);
    }

    /** Classes that are text (nulls refused); boolean words become {@code false}, {@code true}. */
    public static ClassLabels ofText(Collection<String> distinct) {
        boolean bool = !distinct.isEmpty();
        for (String s : distinct) {
            bool &= isBooleanWord(s);
        }
        TreeSet<String> sorted = new TreeSet<>(CODE_POINT_ORDER);
        for (String s : distinct) {
            sorted.add(bool ? s.toLowerCase(Locale.ROOT) : s);
        }
        return new ClassLabels(new ArrayList<>(sorted), null, bool);
    }

    static boolean isBooleanWord(String s) {
        return "true".equalsIgnoreCase(s) || "false".equalsIgnoreCase(s);
    }

    /** How a numeric class is written: whole numbers without a fraction. */
    public static String label(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return Double.toString(v);
    }

    public List<String> labels() {
        return labels;
    }

    public int size() {
        return labels.size();
    }

    /** True when the classes came from a numeric column. */
    public boolean numeric() {
        return values != null;
    }

    /** True when the classes are the boolean words {@code false}, {@code true}. */
    public boolean bool() {
        return bool;
    }

    /** The code of a label as written (or of any spelling of a boolean word), -1 if it is not a class. */
    public int code(String label) {
        if (label == null) {
            return -1;
        }
        Integer c = codes.get(bool ? label.toLowerCase(Locale.ROOT) : label);
        return c == null ? -1 : c;
    }

    /** The code of a numeric class, -1 if it is not one (or the classes are text). */
    public int code(double value) {
        if (values == null || Double.isNaN(value)) {
            return -1;
        }
        int i = Arrays.binarySearch(values, value == 0 ? 0 : value);
        return i < 0 ? -1 : i;
    }

    /**
     * Codes of a numeric target column: -1 where the value is missing (NaN). A value that is no class is an
     * error naming {@code field}, the value and its row (1-based), e.g. a label of the test rows that the
     * training rows never had.
     */
    public int[] encode(String field, double[] column) {
        int[] out = new int[column.length];
        for (int i = 0; i < column.length; i++) {
            if (Double.isNaN(column[i])) {
                out[i] = -1;
            } else if ((out[i] = code(column[i])) < 0) {
                throw unknown(field, label(column[i]), i);
            }
        }
        return out;
    }

    /** Codes of a text target column: -1 where the value is missing (null); an unknown label is an error. */
    public int[] encode(String field, String[] column) {
        int[] out = new int[column.length];
        for (int i = 0; i < column.length; i++) {
            if (column[i] == null) {
                out[i] = -1;
            } else if ((out[i] = code(column[i])) < 0) {
                throw unknown(field, column[i], i);
            }
        }
        return out;
    }

    private InvalidInputException unknown(String field, String value, int row) {
        return new InvalidInputException(field, value, "row " + (row + 1) + " holds a class that is not one of the "
                + size() + " known classes " + shortList(labels, 10));
    }

    /** The first {@code max} items as {@code (a, b, c, …)}. */
    static String shortList(List<String> items, int max) {
        StringBuilder b = new StringBuilder("(");
        for (int i = 0; i < Math.min(max, items.size()); i++) {
            b.append(i == 0 ? "" : ", ").append(items.get(i));
        }
        return b.append(items.size() > max ? ", …)" : ")").toString();
    }

    static int compareCodePoints(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i);
            int cb = b.codePointAt(j);
            if (ca != cb) {
                return Integer.compare(ca, cb);
            }
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Boolean.compare(i < a.length(), j < b.length());
    }

    @Override
    public String toString() {
        return labels.toString();
    }
}
