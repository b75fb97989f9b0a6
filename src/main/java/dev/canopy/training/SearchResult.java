package dev.canopy.training;

import java.util.List;

/**
 * A search's outcome: every configuration that ran ranked by {@code cvMse} (FAILED last), and the best one. The
 * supervisor refits the best configuration of each algorithm on the whole training split; those models
 * are the run's result rows. {@code state} is {@code DONE} when every configuration ran, {@code PARTIAL} when
 * the supervisor's deadline came first: the configurations not started ({@code notRun}) are not ranked, and
 * the best is the best of those that ran.
 */
public record SearchResult(int configurations, Integer folds, int trials, int failedTrials, int maxConcurrency,
                           long seed, Trial best, List<Trial> ranking, String state, int notRun) {

    public SearchResult(int configurations, Integer folds, int trials, int failedTrials, int maxConcurrency,
                        long seed, Trial best, List<Trial> ranking) {
        this(configurations, folds, trials, failedTrials, maxConcurrency, seed, best, ranking, "DONE", 0);
    }
}
