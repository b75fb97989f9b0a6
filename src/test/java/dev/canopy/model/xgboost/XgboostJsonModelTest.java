package dev.canopy.model.xgboost;

import dev.canopy.model.ModelFormatException;
import dev.canopy.model.TreeEnsemble;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The converter on small hand-written models in the layouts XGBoost 1.7 and 3.x write; the models the
 * libraries train themselves are checked against their own predictions in {@code PythonModelsInteropTest}.
 */
class XgboostJsonModelTest {

    /** One tree: a < 0.5 (gap: default_left) ? -1 : 2, in XGBoost 1.7's layout. */
    static String model(String objective, String baseScore, String defaultLeft, String extraLearner) {
        return """
                {"learner":{"attributes":{},%s"feature_types":["float","float"],
                 "gradient_booster":{"model":{"gbtree_model_param":{"num_parallel_tree":"1","num_trees":"1","size_leaf_vector":"0"},
                  "tree_info":[0],"trees":[{"base_weights":[0,0,0],"categories":[],"categories_nodes":[],
                  "categories_segments":[],"categories_sizes":[],"default_left":[%s,0,0],"id":0,
                  "left_children":[1,-1,-1],"loss_changes":[1,0,0],"parents":[2147483647,0,0],"right_children":[2,-1,-1],
                  "split_conditions":[5E-1,-1E0,2E0],"split_indices":[0,0,0],"split_type":[0,0,0],"sum_hessian":[1,1,1],
                  "tree_param":{"num_deleted":"0","num_feature":"2","num_nodes":"3","size_leaf_vector":"0"}}]},"name":"gbtree"},
                 "learner_model_param":{"base_score":"%s","boost_from_average":"1","num_class":"0","num_feature":"2","num_target":"1"},
                 "objective":{"name":"%s","reg_loss_param":{"scale_pos_weight":"1"}}},"version":[1,7,4]}
                """.formatted(extraLearner, defaultLeft, baseScore, objective);
    }

    static XgboostJsonModel parse(String json) {
        return XgboostJsonModel.parse(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void regressionScoresLikeXgboost() {
        XgboostJsonModel m = parse(model("reg:squarederror", "5E-1", "1", "\"feature_names\":[\"a\",\"b\"],"));
        assertEquals(List.of("a", "b"), m.featureNames());
        assertEquals("reg:squarederror", m.objective());
        assertEquals("1.7.4", m.libraryVersion());
        assertEquals("xgboost-json 1.7.4", m.format());
        assertEquals(TreeEnsemble.Output.IDENTITY, m.output());
        TreeEnsemble e = m.ensemble();
        assertEquals(0.5 - 1, e.predict(new double[]{0.49, 0}));
        assertEquals(0.5 + 2, e.predict(new double[]{0.5, 0}), "0.5 is not < 0.5");
        // doubles just below 0.5 that round to the float 0.5 go right too; the float below 0.5 is 0.5 - 2^-25
        assertEquals(0.5 + 2, e.predict(new double[]{Math.nextDown(0.5), 0}));
        assertEquals(0.5 + 2, e.predict(new double[]{0.5 - 1e-9, 0}));
        assertEquals(0.5 - 1, e.predict(new double[]{Double.NaN, 0}), "default_left");
        // a double just above 0.5 that rounds to the float 0.5 goes right, as in XGBoost
        assertEquals(0.5 + 2, e.predict(new double[]{0.5 + 1e-12, 0}));
        assertEquals(0.5 - 1, e.predict(new double[]{0.5 - 2e-8, 0}));
    }

    @Test
    void gapsGoRightWhenDefaultLeftIsFalseAndBooleansAreRead() {
        XgboostJsonModel m = parse(model("reg:squarederror", "0E0", "false", ""));
        assertEquals(2.0, m.ensemble().predict(new double[]{Double.NaN, 0}));
        assertTrue(m.featureNames().isEmpty());
    }

    @Test
    void logisticBaseScoreIsAProbabilityIncludingThe3xVectorForm() {
        XgboostJsonModel m = parse(model("binary:logistic", "[2E-1]", "1", ""));
        assertEquals(TreeEnsemble.Output.SIGMOID, m.output());
        double margin = -Math.log(1 / 0.2 - 1) + 2;
        assertEquals(1 / (1 + Math.exp(-margin)), m.ensemble().predict(new double[]{3, 0}), 1e-7);
        XgboostJsonModel half = parse(model("reg:logistic", "5E-1", "1", ""));
        assertEquals(1 / (1 + Math.exp(1)), half.ensemble().predict(new double[]{0, 0}), 1e-12);
    }

    @Test
    void unsupportedModelsAreRefusedNamingWhatWasFound() {
        assertRefused(model("rank:pairwise", "5E-1", "1", ""), "the objective is rank:pairwise");
        assertRefused(model("multi:softprob", "5E-1", "1", ""), "objective multi:softprob with num_class 0");
        assertRefused(model("reg:squarederror", "5E-1", "1", "").replace("\"num_class\":\"0\"", "\"num_class\":\"3\""),
                "num_class 3 with objective reg:squarederror");
        assertRefused(model("multi:softprob", "5E-1", "1", "").replace("\"num_class\":\"0\"", "\"num_class\":\"3\"")
                .replace("\"tree_info\":[0]", "\"tree_info\":[3]"), "tree 0 belongs to output group 3 of num_class 3");
        assertRefused(model("multi:softprob", "[1E0,2E0]", "1", "").replace("\"num_class\":\"0\"", "\"num_class\":\"3\""),
                "holds 2 values; expected 1 or num_class 3");
        assertRefused(model("reg:squarederror", "5E-1", "1", "").replace("\"name\":\"gbtree\"", "\"name\":\"dart\""),
                "the booster is dart");
        assertRefused(model("reg:squarederror", "5E-1", "1", "").replace("[\"float\",\"float\"]", "[\"float\",\"c\"]"),
                "categorical");
        assertRefused(model("reg:squarederror", "5E-1", "1", "").replace("\"split_type\":[0,0,0]", "\"split_type\":[1,0,0]"),
                "categorical split");
        assertRefused(model("reg:squarederror", "[5E-1,1E0]", "1", ""), "holds 2 values; only single-output models convert");
        assertRefused("{\"algorithm\":\"gradient_boosting\",\"features\":[\"a\"]}", "without XGBoost's \"learner\"");
        assertRefused("{L\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0007learner", "UBJSON");
        assertRefused("\u0080\u0004\u0095 pickle", "not an XGBoost JSON model");
    }

    @Test
    void forgedTreesAreRefused() {
        String good = model("reg:squarederror", "5E-1", "1", "");
        assertRefused(good.replace("\"left_children\":[1,-1,-1]", "\"left_children\":[0,-1,-1]"), "reaches node 0 twice");
        assertRefused(good.replace("\"left_children\":[1,-1,-1]", "\"left_children\":[7,-1,-1]"), "child 7 of 3");
        assertRefused(good.replace("\"split_indices\":[0,0,0]", "\"split_indices\":[5,0,0]"), "feature 5 of 2");
        assertRefused(good.replace("\"right_children\":[2,-1,-1]", "\"right_children\":[2,-1]"), "differ in length");
        assertRefused(good.replace("\"num_trees\":\"1\"", "\"num_trees\":\"1000000000\""), "declares 1000000000 trees");
        for (int cut = 1; cut < good.length(); cut += 37) {
            assertThrows(ModelFormatException.class, () -> parse(good.substring(0, good.length() / 2)));
        }
    }

    private static void assertRefused(String json, String reason) {
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> parse(json));
        assertTrue(e.getMessage().contains(reason), () -> "expected \"" + reason + "\" in: " + e.getMessage());
    }
}
