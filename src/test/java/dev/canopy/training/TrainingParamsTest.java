package dev.canopy.training;

import dev.canopy.error.InvalidInputException;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrainingParamsTest {

    @Test
    void defaultsMirrorTheSeed() {
        assertEquals(150, TrainingParams.resolve(Algorithm.RANDOM_FOREST, null).get("trees"));
        assertEquals(15, TrainingParams.resolve(Algorithm.DECISION_TREE, null).get("max_depth"));
        Map<String, Number> gb = TrainingParams.resolve(Algorithm.GRADIENT_BOOSTING, null);
        assertEquals(150, gb.get("n_estimators"));
        assertEquals(10, gb.get("max_depth"));
        assertEquals(0.1, gb.get("learning_rate"));
    }

    @Test
    void aClassifiersBoostingDefaultsAreXgbClassifiersAndGivenValuesStillWin() {
        Map<String, Number> gb = TrainingParams.resolve(Algorithm.GRADIENT_BOOSTING, null, true);
        assertEquals(100, gb.get("n_estimators"));
        assertEquals(6, gb.get("max_depth"));
        assertEquals(0.3, gb.get("learning_rate"));
        assertEquals(256, gb.get("max_bin"), "the others as a regression's");
        Map<String, Number> given = TrainingParams.resolve(Algorithm.GRADIENT_BOOSTING, Map.of("eta", 0.05,
                "max_depth", 10), true);
        assertEquals(0.05, given.get("learning_rate"));
        assertEquals(10, given.get("max_depth"));
        assertEquals(100, given.get("n_estimators"));
        assertEquals(TrainingParams.resolve(Algorithm.RANDOM_FOREST, null),
                TrainingParams.resolve(Algorithm.RANDOM_FOREST, null, true), "Smile's defaults do not depend on the task");
    }

    @Test
    void gradientBoostingTakesXgboostsNamesAndReadsOtherSpellingsAsThem() {
        Map<String, Number> p = TrainingParams.resolve(Algorithm.GRADIENT_BOOSTING,
                Map.of("trees", 20, "eta", 0.3, "min_leaf_size", 4, "lambda", 2));
        assertEquals(20, p.get("n_estimators"));
        assertEquals(0.3, p.get("learning_rate"));
        assertEquals(4.0, p.get("min_child_weight"));
        assertEquals(2.0, p.get("reg_lambda"));
        assertTrue(!p.containsKey("trees") && !p.containsKey("eta"), p.toString());

        InvalidInputException twice = assertThrows(InvalidInputException.class, () -> TrainingParams.resolve(
                Algorithm.GRADIENT_BOOSTING, new java.util.LinkedHashMap<>(Map.of("eta", 0.3, "learning_rate", 0.2))));
        assertTrue(twice.getMessage().contains("given twice") && twice.getMessage().contains("both are learning_rate"),
                twice.getMessage());
        InvalidInputException unknown = assertThrows(InvalidInputException.class,
                () -> TrainingParams.resolve(Algorithm.GRADIENT_BOOSTING, Map.of("mtry", 3)));
        assertTrue(unknown.getMessage().contains("n_estimators") && unknown.getMessage().contains("also as [alpha, eta"),
                unknown.getMessage());
    }

    @Test
    void overridesAcceptNumbersAndNumericStrings() {
        Map<String, Number> p = TrainingParams.resolve(Algorithm.RANDOM_FOREST, Map.of("trees", "300", "subsample", 0.5));
        assertEquals(300, p.get("trees"));
        assertEquals(0.5, p.get("subsample"));
    }

    @Test
    void unknownParameterListsTheValidOnes() {
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> TrainingParams.resolve(Algorithm.DECISION_TREE, Map.of("trees", 5)));
        assertEquals("params.decision_tree.trees", e.field());
        assertTrue(e.getMessage().contains("max_depth"), e.getMessage());
    }

    @Test
    void outOfRangeWrongTypeAndFractionsAreRejectedWithTheValue() {
        InvalidInputException range = assertThrows(InvalidInputException.class,
                () -> TrainingParams.resolve(Algorithm.RANDOM_FOREST, Map.of("trees", -1)));
        assertTrue(range.getMessage().contains("params.random_forest.trees=\"-1\"") && range.getMessage().contains("between 1 and 5000"),
                range.getMessage());
        assertTrue(assertThrows(InvalidInputException.class,
                () -> TrainingParams.resolve(Algorithm.GRADIENT_BOOSTING, Map.of("learning_rate", "fast")))
                .getMessage().contains("must be a number"));
        assertTrue(assertThrows(InvalidInputException.class,
                () -> TrainingParams.resolve(Algorithm.GRADIENT_BOOSTING, Map.of("trees", 10.5)))
                .getMessage().contains("whole number"));
        assertThrows(InvalidInputException.class,
                () -> TrainingParams.resolve(Algorithm.GRADIENT_BOOSTING, Map.of("learning_rate", Double.NaN)));
    }

    @Test
    void algorithmNamesAndAlias() {
        assertEquals(Algorithm.GRADIENT_BOOSTING, Algorithm.parse("algorithm", "xgboost"));
        assertEquals(Algorithm.RANDOM_FOREST, Algorithm.parse("algorithm", "Random-Forest"));
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> Algorithm.parse("algorithm", "svm"));
        assertTrue(e.getMessage().contains("algorithm=\"svm\"")
                && e.getMessage().contains("random_forest, decision_tree, gradient_boosting"), e.getMessage());
    }
}
