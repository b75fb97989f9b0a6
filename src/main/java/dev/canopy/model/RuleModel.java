package dev.canopy.model;

import dev.canopy.error.InvalidInputException;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The seed's rule model: {@code rule:passenger_count>=2} scores 1 where the comparison holds and 0
 * elsewhere. Operators: {@code >=, >, <=, <, ==, !=}. A null compares false under every operator, as
 * pandas' nullable types do when the mask's NA is filled with False — so a null never scores 1.
 */
public final class RuleModel implements Model {
    public static final String PREFIX = "rule:";
    private static final Pattern RULE = Pattern.compile("\\s*([A-Za-z_][A-Za-z0-9_.]*)\\s*(>=|<=|==|!=|>|<)\\s*(\\S+)\\s*");

    private final String column;
    private final String op;
    private final double value;

    private RuleModel(String column, String op, double value) {
        this.column = column;
        this.op = op;
        this.value = value;
    }

    @Override
    public String algorithm() {
        return "rule";
    }

    public static boolean isRule(String uri) {
        return uri != null && uri.startsWith(PREFIX);
    }

    public static RuleModel parse(String field, String uri) {
        Matcher m = RULE.matcher(uri.substring(PREFIX.length()));
        if (!m.matches()) {
            throw new InvalidInputException(field, uri, "not a rule; expected rule:<column><op><number> with op one of >=, >, <=, <, ==, !=");
        }
        double v;
        try {
            v = Double.parseDouble(m.group(3));
        } catch (NumberFormatException e) {
            throw new InvalidInputException(field, uri, "the rule's right-hand side must be a number");
        }
        if (!Double.isFinite(v)) {
            throw new InvalidInputException(field, uri, "the rule's right-hand side must be finite");
        }
        return new RuleModel(m.group(1), m.group(2), v);
    }

    @Override
    public List<String> columns() {
        return List.of(column);
    }

    @Override
    public void score(double[][] columns, int rows, double[] out) {
        double[] x = columns[0];
        double v = value;
        // Branch-free: the outcome of a comparison is as unpredictable as the data (a third of trips have
        // two or more passengers), and a mispredicted branch per row cost three times the whole loop. The
        // sign bit of (a - b) + 0.0 is 1 exactly when a < b (the + 0.0 turns -0.0 into +0.0), which holds for
        // every finite or infinite row because the rule's value is finite; NaN rows are masked to 0, as
        // pandas compares a null as false. One loop per operator keeps the switch out of the inner loop.
        switch (op) {
            case ">=" -> {
                for (int i = 0; i < rows; i++) {
                    out[i] = (1 - below(x[i], v)) & notNaN(x[i]);
                }
            }
            case ">" -> {
                for (int i = 0; i < rows; i++) {
                    out[i] = below(v, x[i]) & notNaN(x[i]);
                }
            }
            case "<=" -> {
                for (int i = 0; i < rows; i++) {
                    out[i] = (1 - below(v, x[i])) & notNaN(x[i]);
                }
            }
            case "<" -> {
                for (int i = 0; i < rows; i++) {
                    out[i] = below(x[i], v) & notNaN(x[i]);
                }
            }
            case "==" -> {
                for (int i = 0; i < rows; i++) {
                    out[i] = (1 - below(x[i], v)) & (1 - below(v, x[i])) & notNaN(x[i]);
                }
            }
            default -> {
                for (int i = 0; i < rows; i++) {
                    out[i] = (below(x[i], v) | below(v, x[i])) & notNaN(x[i]);
                }
            }
        }
    }

    /** 1 when {@code a < b}, else 0, for non-NaN values of which at least one is finite. */
    private static long below(double a, double b) {
        return Double.doubleToRawLongBits((a - b) + 0.0) >>> 63;
    }

    /** 1 unless {@code x} is NaN: its magnitude bits exceed those of infinity exactly when it is. */
    private static long notNaN(double x) {
        return ((Double.doubleToRawLongBits(x) & 0x7FFF_FFFF_FFFF_FFFFL) - 0x7FF0_0000_0000_0001L) >>> 63;
    }

    @Override
    public long bytes() {
        return 64;
    }

    @Override
    public String toString() {
        return PREFIX + column + op + value;
    }
}
