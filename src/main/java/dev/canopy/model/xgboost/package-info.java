/**
 * XGBoost models saved as JSON (versions 1.x to 3.x), converted into a {@code TreeEnsemble} that scores as
 * XGBoost's {@code predict} does: float32 splits as exact double thresholds, gaps by each split's default
 * direction, the logistic objectives' sigmoid, and the multi-class objectives' trees by class with the softmax
 * of their margins. Plain Java and Jackson's streaming parser.
 */
package dev.canopy.model.xgboost;
