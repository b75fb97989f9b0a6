package dev.canopy.training;

/** Receives "built {@code done} of {@code total}" while a model trains. Called from training threads. */
@FunctionalInterface
public interface ProgressListener {
    void onProgress(int done, int total);

    ProgressListener NONE = (d, t) -> {
    };
}
