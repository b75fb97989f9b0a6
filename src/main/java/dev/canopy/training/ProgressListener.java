package dev.canopy.training;

/** Receives "built {@code done} of {@code total}" while a model trains. Called from training threads. */
@FunctionalInterface
public interface ProgressListener {
    void onProgress(int done, int total);

    /**
     * Called once as a fit starts with what stops it: after {@code stop} runs, the fit ends at its next tree
     * (boosting returns, a forest fails at its next finished tree). A single tree cannot be stopped.
     */
    default void onStart(Runnable stop) {
    }

    ProgressListener NONE = (d, t) -> {
    };
}
