package dev.canopy.training;

/** The states a trainer publishes, in order; DONE and FAILED are terminal. */
public enum TrainerState {
    INITIALIZED, LOADING_DATA, TRAINING, EVALUATING, DONE, FAILED
}
