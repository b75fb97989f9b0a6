/**
 * What training writes and inference reads: {@code Model} and its kinds ({@code RuleModel}, {@code TreeModel}
 * over {@code TreeEnsemble}, trees flattened into arrays laid out for a lock-step walk, {@code LockStepWalk}; a
 * classifier's trees by class, {@code ClassLayout}, and its labels, {@code ModelClasses}), the numbers-only
 * {@code .trees} format
 * ({@code TreeCodec}), Smile models read through an allow-list ({@code ModelCodec}), models trained in Python
 * once converted ({@code ConvertedModel}), and how features are encoded
 * (categories, missing values). Plain Java, Smile and Jackson.
 */
package dev.canopy.model;
