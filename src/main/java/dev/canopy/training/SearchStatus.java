package dev.canopy.training;

/**
 * A search's progress, published by the supervisor ({@link RunLayout#searchStatus}) and shown by
 * {@code status}: trials done (failed ones included) of {@code total}, and the best configuration among
 * those whose every fold is done. {@code phase} is SEARCHING, REFITTING or DONE.
 */
public record SearchStatus(String phase, int total, int done, int failed, Trial bestSoFar, String updatedAt) {
}
