/**
 * The training tree: {@code SupervisorService} invokes one {@code train} per algorithm (or per trial of a
 * search, {@code ParameterSearch}) on the same pinned data and split and ranks the answers, its calls to
 * trainers in {@code TrainCalls} and its run-id claim in {@code RunIdClaim}; {@code TrainService} is one
 * trainer (fit, metrics, published status) over {@code DataPreparation} (data, features, split) and
 * {@code ModelArtifacts} (the model files); {@code StatusService} reads their states. A run is a regression or a
 * classification: {@code TaskDetector} decides from the target before the split ({@code TaskOptions} holds the
 * request's task options), {@code ClassifierTrainer} and {@code ClassificationRun} fit and evaluate classifiers,
 * and {@code Ranking} orders models by MSE or by the run's {@code ClassificationMetric}. Plain Java, Smile and
 * XGBoost: no Quarkus, CDI or AWS (DependencyRulesTest).
 */
package dev.canopy.training;
