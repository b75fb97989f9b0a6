package dev.canopy.training;

import dev.canopy.error.InvalidInputException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Issue 24, item 10: {@code RandomForest} got no "did you mean random_forest". */
class AlgorithmSuggestionTest {
    private static String refusal(String given) {
        return assertThrows(InvalidInputException.class, () -> Algorithm.parse("algorithms[0]", given)).getMessage();
    }

    @Test
    void anotherSpellingOrATypoGetsTheIdItWasMeantAs() {
        assertTrue(refusal("RandomForest").contains("did you mean random_forest?"), refusal("RandomForest"));
        assertTrue(refusal("random forest").contains("did you mean random_forest?"));
        assertTrue(refusal("DecisionTree").contains("did you mean decision_tree?"));
        assertTrue(refusal("gradient_bosting").contains("did you mean gradient_boosting?"));
        assertTrue(!refusal("svm").contains("did you mean"), refusal("svm"));
    }
}
