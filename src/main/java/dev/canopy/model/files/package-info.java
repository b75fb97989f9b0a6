/**
 * Model files told apart by their first bytes ({@code ModelFiles}), and the ones trained in Python converted
 * through {@code model.xgboost} and {@code model.lightgbm}. It sits above both readers and {@code model},
 * which know nothing of it, so the model packages form no cycle. Plain Java.
 */
package dev.canopy.model.files;
