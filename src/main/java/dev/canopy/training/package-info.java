/**
 * The training tree: {@code SupervisorService} invokes one {@code train} per algorithm (or per trial of a
 * search) on the same pinned data and split and ranks the answers; {@code TrainService} is one trainer (data
 * preparation, split, Smile fit, metrics, model files, published status); {@code StatusService} reads their
 * states. Plain Java and Smile: no Quarkus, CDI or AWS (DependencyRulesTest).
 */
package dev.canopy.training;
