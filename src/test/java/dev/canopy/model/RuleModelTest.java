package dev.canopy.model;

import dev.canopy.error.InvalidInputException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RuleModelTest {
    static final double[] X = {0, 1, 2, 3, Double.NaN, -48};

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "passenger_count>=2 | 0,0,1,1,0,0",
            "passenger_count>2  | 0,0,0,1,0,0",
            "passenger_count<=2 | 1,1,1,0,0,1",
            "passenger_count<2  | 1,1,0,0,0,1",
            "passenger_count==2 | 0,0,1,0,0,0",
            "passenger_count!=2 | 1,1,0,1,0,1"})
    void everyOperatorAndNullComparesFalse(String rule, String expected) {
        RuleModel m = RuleModel.parse("modelUri", "rule:" + rule.trim());
        assertEquals(List.of("passenger_count"), m.columns());
        double[] out = new double[X.length];
        m.score(new double[][]{X}, X.length, out);
        double[] want = java.util.Arrays.stream(expected.trim().split(",")).mapToDouble(Double::parseDouble).toArray();
        assertArrayEquals(want, out);
    }

    /** The branch-free comparisons agree with Java's own on the values where floating point is tricky. */
    @Test
    void branchFreeScoringMatchesJavaComparisonsOnEdgeValues() {
        double[] xs = {0.0, -0.0, 1, -1, 2, 2.0000000000000004, 1.9999999999999998, Double.MIN_VALUE, -Double.MIN_VALUE,
                Double.MAX_VALUE, -Double.MAX_VALUE, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NaN,
                Double.longBitsToDouble(0xFFF8_0000_0000_0000L), 1e300, -1e300, 4.9e-324, 123456.789};
        String[] values = {"0", "-0.0", "2", "-1e308", "1e308", "4.9e-324", "-2.5"};
        for (String op : new String[]{">=", ">", "<=", "<", "==", "!="}) {
            for (String value : values) {
                RuleModel m = RuleModel.parse("modelUri", "rule:c" + op + value);
                double v = Double.parseDouble(value);
                double[] out = new double[xs.length];
                m.score(new double[][]{xs}, xs.length, out);
                for (int i = 0; i < xs.length; i++) {
                    double x = xs[i];
                    boolean want = switch (op) {
                        case ">=" -> x >= v;
                        case ">" -> x > v;
                        case "<=" -> x <= v;
                        case "<" -> x < v;
                        case "==" -> x == v;
                        default -> x < v || x > v;
                    };
                    assertEquals(want ? 1.0 : 0.0, out[i], "c" + op + value + " at " + x);
                }
            }
        }
    }

    @Test
    void badRulesNameTheField() {
        for (String bad : new String[]{"rule:", "rule:passenger_count", "rule:passenger_count>>2", "rule:passenger_count>=two",
                "rule:a>=NaN", "rule:>=2"}) {
            InvalidInputException e = assertThrows(InvalidInputException.class, () -> RuleModel.parse("modelUri", bad), bad);
            assertTrue(e.getMessage().startsWith("modelUri="), e.getMessage());
        }
    }
}
