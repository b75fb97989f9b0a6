package dev.canopy.inference;

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

    @Test
    void badRulesNameTheField() {
        for (String bad : new String[]{"rule:", "rule:passenger_count", "rule:passenger_count>>2", "rule:passenger_count>=two",
                "rule:a>=NaN", "rule:>=2"}) {
            InvalidInputException e = assertThrows(InvalidInputException.class, () -> RuleModel.parse("modelUri", bad), bad);
            assertTrue(e.getMessage().startsWith("modelUri="), e.getMessage());
        }
    }
}
