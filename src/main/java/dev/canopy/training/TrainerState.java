package dev.canopy.training;

/**
 * The states a trainer publishes, in order; DONE and FAILED are terminal. LOST is never published: status
 * reports it for a trainer whose last report, not a terminal one, is older than a trainer can run (it died).
 */
public enum TrainerState {
    INITIALIZED, LOADING_DATA, TRAINING, EVALUATING, DONE, FAILED, LOST
}
