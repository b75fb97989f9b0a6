package dev.canopy.training;

import dev.canopy.model.TreeEnsemble;

/**
 * A fitted XGBoost model in the predictor's form: its JSON read by the model package's converter (the
 * one that also reads users' XGBoost models), so the predictor scores it without XGBoost's native code.
 */
final class XgboostTrees {

    private XgboostTrees() {
    }

    static TreeEnsemble convert(XgboostTrainer.Fitted fitted) {
        throw new UnsupportedOperationException("XGBoost JSON to .trees: the converter (wip/i20) is not merged yet");
    }
}
