/**
 * Batch inference: {@code PredictService}, one predictor instance with its model cache, and
 * {@code BatchPredictService}, Ray's ActorPool pattern over {@code predict} invocations, with its outputs,
 * manifest, resume and progress. Plain Java: no Quarkus, CDI or AWS (DependencyRulesTest).
 */
package dev.canopy.inference;
