package dev.canopy.training;

import java.util.List;

/**
 * A search's outcome: every configuration ranked by {@code cvMse} (FAILED last), and the best one. The
 * supervisor refits the best configuration of each algorithm on the whole training split; those models
 * are the run's result rows.
 */
public record SearchResult(int configurations, Integer folds, int trials, int failedTrials, int maxConcurrency,
                           long seed, Trial best, List<Trial> ranking) {
}
