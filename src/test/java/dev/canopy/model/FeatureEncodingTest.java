package dev.canopy.model;

import dev.canopy.error.InvalidInputException;
import dev.canopy.json.Json;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FeatureEncodingTest {
    static FeatureEncoding encoding(String policy) {
        return new FeatureEncoding(policy, List.of(new FeatureEncoding.Feature("x", null, policy.equals("impute") ? 2.5 : null),
                new FeatureEncoding.Feature("c", List.of("low", "mid", "high"), policy.equals("impute") ? 1.0 : null)));
    }

    @Test
    void categoriesAreCodedInOrderAndGapsAreNaN() {
        FeatureEncoding.Encoder e = new FeatureEncoding.Encoder(encoding("drop"));
        assertNull(e.coder(0), "a numeric feature has no coder");
        assertArrayEquals(new double[]{2, 0, Double.NaN, Double.NaN}, e.codes(1, new String[]{"high", "low", null, "unseen"}, 4));
    }

    @Test
    void eachPolicyTreatsGapsAsDocumented() {
        double[][] cols = {{1, Double.NaN, 3}, {0, 1, Double.NaN}};
        InvalidInputException error = assertThrows(InvalidInputException.class,
                () -> new FeatureEncoding.Encoder(encoding("error")).fill(new double[][]{cols[0].clone(), cols[1].clone()}, 3));
        assertEquals("features=\"x\": 1 of 3 rows have no value (first: row 2); the model's missing-value policy is error "
                + "(train with missing=drop to skip such rows or missing=impute to fill them)", error.getMessage());
        assertTrue(assertThrows(InvalidInputException.class, () -> new FeatureEncoding.Encoder(encoding("error")).coder(1)
                .applyAsDouble("unseen")).getMessage().contains("\"unseen\", never seen in training (the model knows 3: [low, mid, high])"));

        double[][] imputed = {cols[0].clone(), cols[1].clone()};
        assertNull(new FeatureEncoding.Encoder(encoding("impute")).fill(imputed, 3));
        assertArrayEquals(new double[]{1, 2.5, 3}, imputed[0]);
        assertArrayEquals(new double[]{0, 1, 1}, imputed[1]);

        boolean[] drop = new FeatureEncoding.Encoder(encoding("drop")).fill(new double[][]{cols[0].clone(), cols[1].clone()}, 3);
        assertArrayEquals(new boolean[]{false, true, true}, drop);
    }

    @Test
    void aTreeModelGivesDroppedRowsNoPrediction() {
        // one stump on x: x <= 2 -> 10, else 20
        TreeEnsemble stump = new TreeEnsemble(new int[]{0}, new int[]{0, -1, -1}, new double[]{2, 0, 0}, new int[]{1, 0, 0},
                new int[]{2, 0, 0}, new double[]{0, 10, 20}, 0, 1, 2);
        double[] out = new double[3];
        new TreeModel(encoding("drop"), stump).score(new double[][]{{1, Double.NaN, 3}, {0, 0, 0}}, 3, out);
        assertArrayEquals(new double[]{10, Double.NaN, 20}, out);
        new TreeModel(encoding("impute"), stump).score(new double[][]{{1, Double.NaN, 3}, {0, 0, 0}}, 3, out);
        assertArrayEquals(new double[]{10, 20, 20}, out, "the gap takes the saved 2.5");
        // a model saved before encodings: numeric, gaps an error
        assertThrows(InvalidInputException.class, () -> new TreeModel(List.of("x", "c"), stump)
                .score(new double[][]{{Double.NaN}, {0}}, 1, new double[1]));
    }

    @Test
    void aLoadedEncodingIsCheckedAndRoundTrips() {
        FeatureEncoding e = encoding("impute");
        assertEquals(e, Json.read(Json.write(e), FeatureEncoding.class, "enc"));
        assertThrows(InvalidInputException.class, () -> new FeatureEncoding("impute",
                List.of(new FeatureEncoding.Feature("c", List.of("a"), 5.0))).checked("modelUri", "m.json"));
        assertThrows(InvalidInputException.class, () -> new FeatureEncoding("sometimes",
                List.of(new FeatureEncoding.Feature("x", null, null))).checked("modelUri", "m.json"));
        assertThrows(InvalidInputException.class, () -> new FeatureEncoding("drop", List.of()).checked("modelUri", "m.json"));
        assertEquals(MissingPolicy.ERROR, MissingPolicy.parse("missing", null));
    }
}
