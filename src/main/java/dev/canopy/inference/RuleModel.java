package dev.canopy.inference;

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
        // One loop per operator keeps the comparison out of the inner loop. NaN fails every test below:
        // IEEE comparisons with NaN are false, and != is written as (< or >) so that it is false too.
        switch (op) {
            case ">=" -> {
                for (int i = 0; i < rows; i++) {
                    out[i] = x[i] >= v ? 1 : 0;
                }
            }
            case ">" -> {
                for (int i = 0; i < rows; i++) {
                    out[i] = x[i] > v ? 1 : 0;
                }
            }
            case "<=" -> {
                for (int i = 0; i < rows; i++) {
                    out[i] = x[i] <= v ? 1 : 0;
                }
            }
            case "<" -> {
                for (int i = 0; i < rows; i++) {
                    out[i] = x[i] < v ? 1 : 0;
                }
            }
            case "==" -> {
                for (int i = 0; i < rows; i++) {
                    out[i] = x[i] == v ? 1 : 0;
                }
            }
            default -> {
                for (int i = 0; i < rows; i++) {
                    out[i] = (x[i] < v || x[i] > v) ? 1 : 0;
                }
            }
        }
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
