/**
 * LightGBM models saved as text, converted into a {@code TreeEnsemble} that scores as LightGBM's
 * {@code predict} does, each split's missing type (None, Zero, NaN) and default direction included, and a
 * multiclass model's interleaved trees by class with the softmax of their margins. Plain Java.
 */
package dev.canopy.model.lightgbm;
