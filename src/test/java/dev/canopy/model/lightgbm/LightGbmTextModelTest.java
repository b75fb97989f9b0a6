package dev.canopy.model.lightgbm;

import dev.canopy.model.ModelFormatException;
import dev.canopy.model.TreeEnsemble;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The LightGBM text reader on small hand-written models: names, objectives, and what it refuses. */
class LightGbmTextModelTest {

    /** One tree: a <= 0.5 ? 1 : (b <= 2 ? 2 : 3), with decision types and objective to vary. */
    static String model(String objective, String names, String decisionTypes, String extraHeader) {
        return """
                tree
                version=v4
                num_class=1
                num_tree_per_iteration=1
                label_index=0
                max_feature_idx=1
                objective=%s
                %sfeature_names=%s
                feature_infos=[0:1] [0:5]
                tree_sizes=300

                Tree=0
                num_leaves=3
                num_cat=0
                split_feature=0 1
                split_gain=1 1
                threshold=0.5 2
                decision_type=%s
                left_child=-1 -2
                right_child=1 -3
                leaf_value=1 2 3
                leaf_weight=1 1 1
                leaf_count=1 1 1
                internal_value=0 0
                internal_weight=0 0
                internal_count=3 2
                is_linear=0
                shrinkage=1


                end of trees

                feature_importances:
                a=1

                parameters:
                end of parameters

                pandas_categorical:null
                """.formatted(objective, extraHeader, names, decisionTypes);
    }

    static LightGbmTextModel parse(String text) {
        return LightGbmTextModel.parse(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void regressionAndBinaryScoreAsLightgbmDoes() {
        LightGbmTextModel m = parse(model("regression", "a b", "2 2", ""));
        assertEquals(List.of("a", "b"), m.featureNames());
        assertEquals("lightgbm-text v4", m.format());
        TreeEnsemble e = m.ensemble();
        assertEquals(1, e.predict(new double[]{0.5, 9}), "x <= threshold goes left, in double");
        assertEquals(2, e.predict(new double[]{Math.nextUp(0.5), 2}));
        assertEquals(1, e.predict(new double[]{Double.NaN, 9}), "missing type None: NaN is 0.0, which is <= 0.5");
        assertEquals(3, e.predict(new double[]{1, 3}));

        LightGbmTextModel b = parse(model("binary sigmoid:2", "Column_0 Column_1", "8 10", ""));
        assertTrue(b.featureNames().isEmpty(), "LightGBM's own names name nothing");
        assertEquals(TreeEnsemble.Output.SIGMOID, b.output());
        assertEquals(1 / (1 + Math.exp(-2 * 3.0)), b.ensemble().predict(new double[]{1, 9}), 1e-15);
        // missing type NaN, default right at node 0: a gap goes right, then default left at node 1
        assertEquals(1 / (1 + Math.exp(-2 * 2.0)), b.ensemble().predict(new double[]{Double.NaN, Double.NaN}), 1e-15);

        LightGbmTextModel avg = parse(model("regression", "a b", "2 2", "average_output\n"));
        assertEquals(3.0 / 1, avg.ensemble().predict(new double[]{1, 3}), "one tree: the mean is the leaf");
    }

    @Test
    void unsupportedModelsAreRefusedNamingWhatWasFound() {
        assertRefused(model("multiclassova num_class:3 sigmoid:1", "a b", "2 2", ""), "the objective is multiclassova");
        assertRefused(model("multiclass num_class:3", "a b", "2 2", ""), "objective multiclass with num_class 1");
        assertRefused(model("regression", "a b", "2 2", "").replace("num_class=1", "num_class=3"),
                "objective regression with num_class 3");
        assertRefused(model("multiclass num_class:3", "a b", "2 2", "").replace("num_class=1", "num_class=3")
                .replace("num_tree_per_iteration=1", "num_tree_per_iteration=3"), "1 trees, not a multiple of its 3 classes");
        assertRefused(model("poisson", "a b", "2 2", ""), "the objective is poisson");
        assertRefused(model("regression sqrt", "a b", "2 2", ""), "reg_sqrt");
        assertRefused(model("regression", "a b", "1 2", ""), "node 0 is a categorical split on a");
        assertRefused(model("regression", "a b", "2 2", "").replace("num_cat=0", "num_cat=1"), "categorical splits (num_cat 1)");
        assertRefused(model("regression", "a b", "2 2", "").replace("is_linear=0", "is_linear=1"), "linear tree");
        assertRefused(model("regression", "a b", "2 2", "").replace("version=v4", "version=v9"), "version v9");
        assertRefused(model("regression", "a b c", "2 2", ""), "3 feature names for 2 features");
        assertRefused(model("regression", "a b", "2 2", "").replace("end of trees", ""), "truncated");
        assertRefused("{\"learner\":{}}", "not a LightGBM text model");
    }

    private static void assertRefused(String text, String reason) {
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> parse(text));
        assertTrue(e.getMessage().contains(reason), () -> "expected \"" + reason + "\" in: " + e.getMessage());
    }
}
