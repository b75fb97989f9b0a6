package dev.canopy.training;

import dev.canopy.error.CanopyException;
import dev.canopy.error.InvalidInputException;
import dev.canopy.json.Json;
import dev.canopy.pool.PoolResult;
import dev.canopy.pool.Throttle;
import dev.canopy.storage.ObjectStore;
import dev.canopy.training.TrainCalls.Job;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * A supervise request's {@link SearchSpace}: one {@code train} invocation per (configuration, fold), at most
 * {@code maxConcurrency} in flight, ranked by mean cross-validated MSE (a classification by its ranking metric,
 * {@link Ranking}); then the best configuration of each
 * algorithm is refitted on the whole training split and saved as that algorithm's model. Trials save nothing
 * (see {@link TrainRequest}); the search's progress is {@link RunLayout#searchStatus}.
 */
final class ParameterSearch {
    /** The supervisor's category: these lines are the supervisor's. */
    private static final Logger LOG = Logger.getLogger(SupervisorService.class);

    /** Kept after the last refit for ranking and writing the result. */
    static final Duration FINISH_MARGIN = Duration.ofSeconds(30);

    /** A search's configurations, checked against the limits, and how they run; {@code metric} ranks a classification. */
    record Plan(List<SearchPlan.Config> configs, Integer folds, int maxConcurrency, long seed, ClassificationMetric metric) {
        int trials() {
            return configs.size() * (folds == null ? 1 : folds);
        }
    }

    private final ObjectStore store;
    private final Clock clock;
    private final TrainCalls calls;
    private final SupervisorService.Limits limits;
    /** Milliseconds for the progress throttle. */
    private final LongSupplier progressClock;

    ParameterSearch(ObjectStore store, Clock clock, TrainCalls calls, SupervisorService.Limits limits,
                    LongSupplier progressClock) {
        this.store = store;
        this.clock = clock;
        this.calls = calls;
        this.limits = limits;
        this.progressClock = progressClock;
    }

    /** The configurations of {@code space}, refused before anything runs when they exceed the limits. */
    Plan plan(SearchSpace space, List<Algorithm> algorithms, Map<Algorithm, Map<String, Number>> params, long seed) {
        return plan(space, algorithms, params, seed, ClassificationMetric.DEFAULT);
    }

    /** @param metric what ranks the configurations of a classification */
    Plan plan(SearchSpace space, List<Algorithm> algorithms, Map<Algorithm, Map<String, Number>> params, long seed,
              ClassificationMetric metric) {
        if (space.folds() != null) {
            Folds.check("search.folds", space.folds());
        }
        int concurrency = space.maxConcurrency() == null ? SearchSpace.DEFAULT_CONCURRENCY : space.maxConcurrency();
        if (concurrency < 1 || concurrency > limits.maxConcurrency()) {
            throw new InvalidInputException("search.maxConcurrency", space.maxConcurrency(),
                    "must be between 1 and " + limits.maxConcurrency() + " (canopy.search.max-concurrency)");
        }
        Plan s = new Plan(SearchPlan.expand(space, algorithms, params, seed), space.folds(), concurrency, seed, metric);
        if (s.trials() > limits.maxTrials()) {
            throw new InvalidInputException("search", s.trials() + " trials", s.configs().size() + " configurations × "
                    + (s.folds() == null ? 1 : s.folds()) + " folds = " + s.trials() + " train invocations, more than "
                    + "canopy.search.max-trials=" + limits.maxTrials() + "; narrow the grid, draw fewer samples or use fewer folds");
        }
        return s;
    }

    /** Runs the trials of {@code search}, ranks the configurations and refits each algorithm's best. */
    SuperviseResult run(SuperviseRun run, Plan search, List<Algorithm> algorithms,
                        Map<Algorithm, Map<String, Number>> params) {
        int k = search.folds() == null ? 1 : search.folds();
        for (Algorithm a : algorithms) {
            long n = search.configs().stream().filter(c -> c.algorithm() == a).count();
            run.board().publish(run.out(), run.runId(), a.id(), TrainerState.INITIALIZED, 0,
                    "searching " + n + " configurations", null);
        }
        List<Job> jobs = new ArrayList<>();
        for (SearchPlan.Config c : search.configs()) {
            for (int f = 0; f < k; f++) {
                jobs.add(new Job(jobs.size(), "trial", c.algorithm(), c.id(), search.folds() == null ? null : f,
                        run.request(c.algorithm(), new LinkedHashMap<>(c.params()), search.folds(),
                                search.folds() == null ? null : f, true)));
            }
        }
        LOG.infof("searching %d configurations × %d folds = %d trials, %d at once", search.configs().size(), k,
                jobs.size(), search.maxConcurrency());
        Progress progress = new Progress(run, search, jobs.size());
        progress.publish("SEARCHING");
        List<TrainInvocation> invocations = new ArrayList<>();
        // A configuration starts (all its folds) only while a refit of about the longest trial so far still fits
        // before the deadline; the first wave always starts. The rest is not run: the search is PARTIAL.
        AtomicLong longestTrial = new AtomicLong();
        double refitRows = search.folds() == null ? 1 : (double) search.folds() / (search.folds() - 1);
        List<PoolResult<Job, TrainResult>> trials = calls.call(run, jobs, Math.min(search.maxConcurrency(), jobs.size()),
                invocations, (r, done, submitted) -> {
                    if (r.succeeded() && r.value().trainMillis() != null) {
                        longestTrial.accumulateAndGet(r.value().trainMillis(), Math::max);
                    }
                    progress.completed(r);
                }, j -> j.fold() != null && j.fold() > 0 || run.deadline().millisLeft()
                        > (long) (longestTrial.get() * refitRows * 2) + FINISH_MARGIN.toMillis());
        int ranConfigs = trials.size() / k;
        int notRun = search.configs().size() - ranConfigs;
        if (notRun > 0) {
            LOG.warnf("search stopped by its deadline (%s): %d of %d configurations ran; the ranking is of those",
                    run.deadline().source(), ranConfigs, search.configs().size());
        }

        List<Trial> ranking = new ArrayList<>();
        for (SearchPlan.Config c : search.configs().subList(0, ranConfigs)) {
            ranking.add(trial(c, trials.subList(c.id() * k, c.id() * k + k), search.metric()));
        }
        ranking.sort(Ranking.trials(search.metric()));
        int failedTrials = (int) trials.stream().filter(r -> !r.succeeded()).count();
        progress.publish("REFITTING");

        // the best configuration of each algorithm, refitted on the whole training split and saved
        Map<Algorithm, Trial> best = new LinkedHashMap<>();
        for (Trial t : ranking) {
            if (t.state() == TrainerState.DONE) {
                best.putIfAbsent(Algorithm.parse("algorithm", t.algorithm()), t);
            }
        }
        List<Job> refits = new ArrayList<>();
        for (Map.Entry<Algorithm, Trial> e : best.entrySet()) {
            run.board().publish(run.out(), run.runId(), e.getKey().id(), TrainerState.INITIALIZED, 0,
                    "refitting configuration " + e.getValue().config(), null);
            refits.add(new Job(refits.size(), "refit", e.getKey(), e.getValue().config(), null,
                    run.request(e.getKey(), new LinkedHashMap<>(e.getValue().params()), null, null, null)));
        }
        List<TrainResult> results = new ArrayList<>();
        for (PoolResult<Job, TrainResult> r : calls.call(run, refits, refits.size(), invocations, null)) {
            results.add(TrainCalls.row(run, r, best.get(r.input().algorithm()).params()));
        }
        for (Algorithm a : algorithms) {
            if (!best.containsKey(a)) {
                String error = ranking.stream().filter(t -> t.algorithm().equals(a.id())).map(Trial::error)
                        .findFirst().orElse(notRun > 0 ? "none ran before the search's deadline ("
                                + run.deadline().source() + ")" : "no configuration");
                run.board().publish(run.out(), run.runId(), a.id(), TrainerState.FAILED, 0, "every configuration failed", error);
                results.add(TrainResult.failed(a.id(), params.get(a), "every configuration failed; the first: " + error));
            }
        }
        // results follow the search's ranking (by cross-validation), failures last
        results.sort(Comparator.comparing((TrainResult r) -> r.state() != TrainerState.DONE));
        String bestAlgorithm = SuperviseRun.best(results);
        Trial winner = bestAlgorithm == null ? null : best.get(Algorithm.parse("algorithm", bestAlgorithm));
        String state = notRun > 0 ? "PARTIAL" : "DONE";
        progress.publish(state);
        LOG.infof("searched %d trials (%d failed, %d not run) in %d ms; best: %s %s", trials.size(), failedTrials,
                jobs.size() - trials.size(), run.millis(), bestAlgorithm, winner == null ? "" : winner.params());
        List<TrainResult> all = new ArrayList<>(results);
        trials.stream().filter(PoolResult::succeeded).map(PoolResult::value).forEach(all::add);
        DatasetSummary dataset = run.dataset(all);
        return new SuperviseResult(run.runId(), run.millis(), dataset, SuperviseRun.beside(dataset, results),
                bestAlgorithm,
                new SearchResult(search.configs().size(), search.folds(), trials.size(), failedTrials,
                        search.maxConcurrency(), search.seed(), winner, ranking, state, notRun), invocations);
    }

    /** One configuration's row from its trials (one per fold, in fold order). */
    private static Trial trial(SearchPlan.Config c, List<PoolResult<Job, TrainResult>> folds, ClassificationMetric metric) {
        List<Double> mses = new ArrayList<>();
        double test = 0;
        long millis = 0;
        int failed = 0;
        String error = null;
        boolean classification = false;
        for (PoolResult<Job, TrainResult> r : folds) {
            if (r.succeeded()) {
                TrainResult v = r.value();
                classification = v.classification() != null;
                mses.add(validation(v, metric));
                test += classification ? metric.of(v.classification()) : v.mse();
                millis += v.trainMillis() == null ? 0 : v.trainMillis();
            } else {
                failed++;
                if (error == null) {
                    error = TrainCalls.error(r);
                }
            }
        }
        if (failed > 0) {
            return new Trial(c.id(), c.algorithm().id(), c.params(), TrainerState.FAILED, null, null, null, mses, failed,
                    error, millis);
        }
        double mean = mean(mses);
        double var = mses.stream().mapToDouble(m -> (m - mean) * (m - mean)).sum() / mses.size();
        if (classification) {
            return new Trial(c.id(), c.algorithm().id(), c.params(), TrainerState.DONE, null, Math.sqrt(var), null, null,
                    0, null, millis, metric.id(), mean, test / folds.size(), mses);
        }
        return new Trial(c.id(), c.algorithm().id(), c.params(), TrainerState.DONE, mean, Math.sqrt(var),
                test / folds.size(), mses, 0, null, millis);
    }

    /**
     * What a trial is ranked by: its held-out fold's MSE, or the test rows' without folds; for a classification
     * the run's metric on the same rows.
     */
    private static double validation(TrainResult v, ClassificationMetric metric) {
        if (v.classification() != null) {
            return v.validationScore() != null ? v.validationScore() : metric.of(v.classification());
        }
        return v.validationMse() != null ? v.validationMse() : v.mse();
    }

    private static double mean(List<Double> mses) {
        return mses.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
    }

    /**
     * The search's published progress. The pool calls {@link #completed} one result at a time (see its
     * listener contract); {@link #publish} may also come from the supervisor's thread, hence the lock.
     */
    private final class Progress {
        private final SuperviseRun run;
        private final Plan search;
        private final int total;
        private final Map<Integer, List<Double>> foldMses = new HashMap<>();
        private int done;
        private int failed;
        private Trial bestSoFar;
        private final Throttle throttle = new Throttle(progressClock, Throttle.PROGRESS_INTERVAL_MILLIS);

        Progress(SuperviseRun run, Plan search, int total) {
            this.run = run;
            this.search = search;
            this.total = total;
        }

        synchronized void completed(PoolResult<Job, TrainResult> r) {
            done++;
            Job job = r.input();
            int k = search.folds() == null ? 1 : search.folds();
            if (!r.succeeded()) {
                failed++;
                foldMses.put(job.config(), null); // a failed configuration is never best
            } else if (!foldMses.containsKey(job.config()) || foldMses.get(job.config()) != null) {
                List<Double> m = foldMses.computeIfAbsent(job.config(), c -> new ArrayList<>());
                m.add(validation(r.value(), search.metric()));
                boolean classification = r.value().classification() != null;
                if (m.size() == k) {
                    double mean = mean(m);
                    if (bestSoFar == null || Ranking.better(search.metric(), mean, Ranking.score(bestSoFar), classification)) {
                        SearchPlan.Config c = search.configs().get(job.config());
                        bestSoFar = classification
                                ? new Trial(c.id(), c.algorithm().id(), c.params(), TrainerState.DONE, null, null, null,
                                        null, 0, null, 0, search.metric().id(), mean, null, List.copyOf(m))
                                : new Trial(c.id(), c.algorithm().id(), c.params(), TrainerState.DONE, mean, null,
                                        null, List.copyOf(m), 0, null, 0);
                    }
                }
            }
            // written on the completing slot's thread, inside the pool's completion: at most once a second
            // (the batch's policy), so a search of many quick trials does not make one PUT per trial
            if (throttle.due()) {
                write("SEARCHING");
            }
        }

        /** A phase change (searching, refitting, done), written at once. */
        synchronized void publish(String phase) {
            throttle.wrote();
            write(phase);
        }

        private void write(String phase) {
            try {
                store.write(RunLayout.searchStatus(run.out(), run.runId()), Json.write(new SearchStatus(phase, total, done,
                        failed, bestSoFar, Instant.now(clock).toString())), "application/json");
            } catch (CanopyException e) {
                LOG.warnf("could not publish the search's progress: %s", e.getMessage());
            }
        }
    }
}
