package dev.canopy.model;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** A classifier's labels: the type of its prediction column, its probability columns, and np.argmax's tie rule. */
class ModelClassesTest {

    @Test
    void thePredictionTypeFollowsTheLabelsText() {
        assertEquals(ModelClasses.Kind.INTEGER, ModelClasses.codes(3).kind());
        assertEquals(ModelClasses.Kind.INTEGER, ModelClasses.of(List.of("-3", "0", "12")).kind());
        assertEquals(ModelClasses.Kind.DECIMAL, ModelClasses.of(List.of("1", "2.5")).kind(), "Canopy writes whole classes without a fraction");
        assertEquals(ModelClasses.Kind.TEXT, ModelClasses.of(List.of("007", "8")).kind(), "007 does not read back as written");
        assertEquals(ModelClasses.Kind.TEXT, ModelClasses.of(List.of("1e5", "2")).kind());
        assertEquals(ModelClasses.Kind.TEXT, ModelClasses.of(List.of("NaN", "1")).kind());
        assertEquals(ModelClasses.Kind.TEXT, ModelClasses.of(List.of("false", "true")).kind());
        assertEquals(9_007_199_254_740_993L, ModelClasses.of(List.of("0", "9007199254740993")).integer(1), "exact beyond 2^53");
        assertThrows(IllegalArgumentException.class, () -> ModelClasses.of(List.of("a")));
        assertThrows(IllegalArgumentException.class, () -> ModelClasses.of(List.of("a", "a")));
    }

    @Test
    void binaryHasOneProbabilityColumnAndMultiClassOnePerClass() {
        assertEquals(List.of("probability"), ModelClasses.of(List.of("no", "yes")).probabilityColumns());
        assertEquals(List.of("p_cash", "p_card", "p_a b"), ModelClasses.of(List.of("cash", "card", "a b")).probabilityColumns());
    }

    @Test
    void argmaxTakesTheFirstOfEqualProbabilitiesAndNoneForARowWithout() {
        double[][] p = {{0.25, 0.5, Double.NaN, 0.2}, {0.5, 0.5, Double.NaN, 0.2}, {0.25, 0.0, Double.NaN, 0.6}};
        assertEquals(1, ModelClasses.argmax(p, 0));
        assertEquals(0, ModelClasses.argmax(p, 1), "a tie goes to the first class, as np.argmax");
        assertEquals(-1, ModelClasses.argmax(p, 2));
        assertEquals(2, ModelClasses.argmax(p, 3));
    }
}
