package dev.canopy.training;

import dev.canopy.cost.CostMeter;
import dev.canopy.cost.PriceTable;
import dev.canopy.data.DatasetParts;
import dev.canopy.error.CanopyException;
import dev.canopy.error.ConflictException;
import dev.canopy.deadline.InvocationDeadline;
import dev.canopy.deadline.InvocationDeadline.Deadline;
import dev.canopy.invoke.FunctionInvocationException;
import dev.canopy.error.InvalidInputException;
import dev.canopy.error.ObjectNotFoundException;
import dev.canopy.invoke.FunctionInvoker;
import dev.canopy.json.Json;
import dev.canopy.log.LogContext;
import dev.canopy.pool.Backoff;
import dev.canopy.pool.CallState;
import dev.canopy.pool.FunctionPool;
import dev.canopy.pool.PoolResult;
import dev.canopy.pool.Throttle;
import dev.canopy.pool.RetryPolicy;
import dev.canopy.storage.ObjectInfo;
import dev.canopy.storage.ObjectStore;
import dev.canopy.storage.StorageUri;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/**
 * The root of the training tree: invokes one {@code train} function per algorithm, all at once and all on
 * the same pinned data version and split, then ranks the answers. A trainer that fails becomes a FAILED
 * row carrying its error; it never takes the other rows down with it.
 *
 * <p>A request with a {@link SearchSpace} is a search: one {@code train} invocation per (configuration,
 * fold), at most {@code maxConcurrency} in flight, ranked by mean cross-validated MSE; then the best
 * configuration of each algorithm is refitted on the whole training split and saved as that algorithm's
 * model. Trials save nothing (see {@link TrainRequest}).
 *
 * <p><b>Retries.</b> Every {@code train} call runs in a {@link FunctionPool}, the one layer that retries it
 * ({@link RetryPolicy} states the rule), over an invoker that makes one attempt: a call is made again only
 * when the invocation failed around the function (throttled, unreachable, a 5xx of the service), at most
 * {@value RetryPolicy#DEFAULT_MAX_ATTEMPTS} times. A trainer is not idempotent (it writes its status and
 * model), so a call that timed out or got no answer is never made again; nor is one the trainer failed.
 */
public final class SupervisorService {
    private static final Logger LOG = Logger.getLogger(SupervisorService.class);
    public static final String TRAIN_FUNCTION = "train";
    private static final DateTimeFormatter RUN_ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    /**
     * Bounds on searches: {@code canopy.search.max-trials}, {@code canopy.search.max-concurrency} and
     * {@code canopy.search.time-budget} (the earlier of it and the Lambda context's remaining time is the deadline).
     */
    public record Limits(int maxTrials, int maxConcurrency, Duration timeBudget) {
        public static final Duration DEFAULT_TIME_BUDGET = Duration.ofMinutes(14);
        public static final Limits DEFAULT = new Limits(500, 256, DEFAULT_TIME_BUDGET);

        public Limits(int maxTrials, int maxConcurrency) {
            this(maxTrials, maxConcurrency, DEFAULT_TIME_BUDGET);
        }
    }

    /** Kept after the last refit for ranking and writing the result. */
    static final Duration FINISH_MARGIN = Duration.ofSeconds(30);

    private final ObjectStore store;
    private final FunctionInvoker invoker;
    private final Clock clock;
    private final String defaultOut;
    private final Limits limits;
    private final Backoff backoff;
    private final PriceTable prices;
    /** Milliseconds for the search's progress throttle; a test holds it still. */
    private LongSupplier progressClock = System::currentTimeMillis;

    public SupervisorService(ObjectStore store, FunctionInvoker invoker, Clock clock, String defaultOut) {
        this(store, invoker, clock, defaultOut, Limits.DEFAULT, Backoff.DEFAULT);
    }

    /** @param invoker a transport that makes one attempt per call: the supervisor's pools retry */
    public SupervisorService(ObjectStore store, FunctionInvoker invoker, Clock clock, String defaultOut, Limits limits,
                             Backoff backoff) {
        this(store, invoker, clock, defaultOut, limits, backoff, PriceTable.DEFAULT);
    }

    /** @param prices the price table of the result's cost report */
    public SupervisorService(ObjectStore store, FunctionInvoker invoker, Clock clock, String defaultOut, Limits limits,
                             Backoff backoff, PriceTable prices) {
        this.prices = prices;
        this.store = store;
        this.invoker = invoker;
        this.clock = clock;
        this.defaultOut = defaultOut;
        this.limits = limits;
        this.backoff = backoff;
    }

    /** Tests: the clock of the search's progress throttle. */
    SupervisorService progressClock(LongSupplier clock) {
        this.progressClock = clock;
        return this;
    }

    public SuperviseResult supervise(SuperviseRequest req) {
        long t0 = System.nanoTime();
        // read here, on the invocation's thread: a search stops starting configurations in time for it
        Deadline deadline = InvocationDeadline.within(limits.timeBudget().toNanos(), "canopy.search.time-budget");
        if (req == null) {
            throw new InvalidInputException("request", null, "a supervise request body is required");
        }
        List<Algorithm> algorithms = algorithms(req.algorithms());
        Map<Algorithm, Map<String, Number>> params = params(req.params(), algorithms);
        if (req.testData() == null && req.testFraction() != null
                && !(req.testFraction() > 0 && req.testFraction() < 1)) {
            throw new InvalidInputException("testFraction", req.testFraction(), "must be greater than 0 and less than 1");
        }
        long seed = req.seed() == null ? TrainService.DEFAULT_SEED : req.seed();
        Search search = req.search() == null ? null : plan(req.search(), algorithms, params, seed);
        DataPreparation.options(req.delimiter(), req.missing(), req.categorical(), req.maxCategories()); // refused before any trainer runs
        String runId = req.runId() == null || req.runId().isBlank() ? newRunId() : RunLayout.checkRunId(req.runId());
        String out = req.out() == null || req.out().isBlank() ? defaultOut : req.out();
        try (LogContext ignored = LogContext.push(LogContext.FUNCTION, "supervise", LogContext.RUN_ID, runId,
                LogContext.ATTEMPT, 1)) {

            // Pin the data version once: every trainer reads exactly these bytes or fails with a conflict.
            ObjectInfo data = DatasetParts.plan(store, "data", checkUri("data", req.data())).info();
            String testVersion = req.testData() == null ? null : store.head(req.testData()).version();
            // a data error every trainer would hit fails here, once, before any trainer and the run folder
            DatasetSummary checked = DataPreflight.check(store, clock, req, data, testVersion, runId, out, algorithms);
            claimRunId(out, runId, RunFingerprint.of(req, data.size(), data.version(), testVersion, algorithms, params),
                    Boolean.TRUE.equals(req.overwrite()));
            Run run = new Run(req, runId, out, data.version(), testVersion, t0, new StatusBoard(store, clock),
                    new CostMeter(prices), checked, deadline);

            LOG.infof("training %s on %s", algorithms.stream().map(Algorithm::id).toList(), LogContext.location(req.data()));
            SuperviseResult r = search == null ? train(run, algorithms, params) : search(run, search, algorithms, params);
            SuperviseResult result = new SuperviseResult(r.runId(), r.wallMillis(), r.dataset(), r.results(), r.best(),
                    r.search(), r.invocations(), run.meter().report("supervise", run.millis()));
            store.write(RunLayout.result(out, runId), Json.write(result), "application/json");
            return result;
        }
    }

    /** The run's fixed facts, shared by its calls, and the meter that counts what they cost. */
    /** @param checked the data's summary from {@link DataPreflight}, null when the data was too large to check */
    private record Run(SuperviseRequest req, String runId, String out, String dataVersion, String testVersion, long t0,
                       StatusBoard board, CostMeter meter, DatasetSummary checked, Deadline deadline) {
        long millis() {
            return (System.nanoTime() - t0) / 1_000_000;
        }

        TrainRequest request(Algorithm a, Map<String, Object> params, Integer folds, Integer fold, Boolean trial) {
            return new TrainRequest(runId, req.data(), dataVersion, req.target(), req.features(), a.id(),
                    req.testFraction(), req.seed(), req.testData(), testVersion, params, out, folds, fold, trial,
                    req.delimiter(), req.missing(), req.categorical(), req.maxCategories(), req.exclude(),
                    req.sampleRows(), req.fitToBudget());
        }
    }

    /** One train call of a run: its place in the run's list of calls, and what it is for. */
    private record Job(int index, String kind, Algorithm algorithm, Integer config, Integer fold, TrainRequest request) {
    }

    // ---- one trainer per algorithm ------------------------------------------------------------

    private SuperviseResult train(Run run, List<Algorithm> algorithms, Map<Algorithm, Map<String, Number>> params) {
        SuperviseRequest req = run.req();
        for (Algorithm a : algorithms) {
            run.board().publish(run.out(), run.runId(), a.id(), TrainerState.INITIALIZED, 0, "invoking trainer", null);
        }
        List<Job> jobs = new ArrayList<>();
        for (Algorithm a : algorithms) {
            jobs.add(new Job(jobs.size(), "train", a, null, null, run.request(a,
                    req.params() == null ? null : req.params().get(key(req.params(), a)), null, null, null)));
        }
        List<TrainInvocation> invocations = new ArrayList<>();
        List<TrainResult> results = new ArrayList<>();
        for (PoolResult<Job, TrainResult> r : call(run, jobs, jobs.size(), invocations, null)) {
            results.add(row(run, r, params.get(r.input().algorithm())));
        }
        results.sort(Comparator.comparing((TrainResult r) -> r.state() != TrainerState.DONE)
                .thenComparing(r -> r.mse() == null ? Double.MAX_VALUE : r.mse()));
        String best = results.stream().filter(r -> r.state() == TrainerState.DONE).map(TrainResult::algorithm)
                .findFirst().orElse(null);
        LOG.infof("ranked %d trainers in %d ms; best: %s", results.size(), run.millis(), best);
        return new SuperviseResult(run.runId(), run.millis(), dataset(run, results),
                results.stream().map(TrainResult::withoutDataset).toList(), best, null, invocations);
    }

    /** A finished train call as a result row; a failure is published, as the trainer may have died before it could. */
    private static TrainResult row(Run run, PoolResult<Job, TrainResult> r, Map<String, Number> params) {
        String alg = r.input().algorithm().id();
        if (r.succeeded()) {
            return r.value();
        }
        String error = error(r);
        try (LogContext trainer = LogContext.push(LogContext.ALGORITHM, alg)) {
            LOG.warnf("trainer failed: %s", error);
        }
        // The trainer may have died before it could publish FAILED (a crash, a timeout on Lambda):
        // publish it here so status never shows a dead trainer as still running.
        try {
            run.board().publish(run.out(), run.runId(), alg, TrainerState.FAILED, 0, "failed", error);
        } catch (CanopyException ignored) {
            // the row below still carries the error
        }
        return TrainResult.failed(alg, params, error);
    }

    private static String error(PoolResult<?, ?> r) {
        Throwable e = r.error();
        if (e == null) {
            return r.state() == CallState.CANCELLED ? "cancelled before it ran" : String.valueOf(r.state());
        }
        if (e instanceof FunctionInvocationException f) {
            return f.errorType() + ": " + f.errorMessage();
        }
        return TrainService.describe(e);
    }

    /**
     * Runs {@code jobs} in a pool of {@code size} slots and returns their results in job order; appends one
     * {@link TrainInvocation} per job to {@code invocations}.
     */
    private List<PoolResult<Job, TrainResult>> call(Run run, List<Job> jobs, int size, List<TrainInvocation> invocations,
                                                    FunctionPool.ProgressListener<Job, TrainResult> progress) {
        return call(run, jobs, size, invocations, progress, j -> true);
    }

    /**
     * {@link #call} that submits a job only while {@code mayStart} says so; the results are those of the jobs
     * submitted, in job order (a prefix of {@code jobs}).
     */
    private List<PoolResult<Job, TrainResult>> call(Run run, List<Job> jobs, int size, List<TrainInvocation> invocations,
                                                    FunctionPool.ProgressListener<Job, TrainResult> progress,
                                                    Predicate<Job> mayStart) {
        long[] start = new long[jobs.size()];
        long[] end = new long[jobs.size()];
        // a run makes several rounds of calls (trials, then refits): the meter's items are the run's invocations
        int first = invocations.size();
        List<PoolResult<Job, TrainResult>> results = new ArrayList<>(jobs.size());
        // written by the slots, read after close(), which joins them
        try (FunctionPool<Job, TrainResult> pool = FunctionPool.<Job, TrainResult>builder(Math.max(1, size))
                .backoff(backoff)
                .retryable(FunctionInvocationException::invocationFault)
                // a trainer writes its status and model: not idempotent, so a call without an answer is not repeated
                .timeouts(FunctionInvocationException::noResponse)
                .retryTimeouts(false)
                .progress(progress == null ? (r, c, s) -> { } : progress)
                .build((job, slot, attempt) -> {
                    if (attempt == 1) {
                        start[job.index()] = run.millis();
                    }
                    try (LogContext trainer = LogContext.push(LogContext.FUNCTION, "supervise", LogContext.RUN_ID,
                            run.runId(), LogContext.ALGORITHM, job.algorithm().id(), LogContext.ATTEMPT, attempt)) {
                        var r = invoker.invokeBilled(TRAIN_FUNCTION, job.request(), TrainResult.class, slot);
                        run.meter().record(TRAIN_FUNCTION, first + job.index(), r.billing());
                        return r.value();
                    } catch (RuntimeException e) {
                        run.meter().recordFailure(TRAIN_FUNCTION, first + job.index(), e);
                        throw e;
                    } finally {
                        end[job.index()] = run.millis();
                    }
                })) {
            for (Job j : jobs) {
                // submit() blocks while the pool's queue is full, so this is asked as a slot frees up
                if (!mayStart.test(j)) {
                    break;
                }
                pool.submit(j);
            }
            while (pool.hasNext()) {
                results.add(pool.getNext());
            }
        }
        for (PoolResult<Job, TrainResult> r : results) {
            Job j = r.input();
            invocations.add(new TrainInvocation(j.kind(), j.algorithm().id(), j.config(), j.fold(), r.slot(),
                    start[j.index()], Math.max(start[j.index()], end[j.index()]), r.attempts(),
                    r.succeeded() ? TrainerState.DONE.name() : r.state() == CallState.FAILED ? TrainerState.FAILED.name()
                            : r.state().name(), run.meter().billedMillis(first + j.index())));
            if (r.succeeded() && r.value().workers() != null) {
                invocations.addAll(ForestFanOut.timeline(r.value().workers(), start[j.index()], r.slot(), size));
            }
        }
        return results;
    }

    private static DatasetSummary dataset(Run run, List<TrainResult> results) {
        SuperviseRequest req = run.req();
        if (run.checked() != null) {
            return run.checked(); // what the trainers prepared too; there even when every trainer failed
        }
        return results.stream().filter(r -> r.dataset() != null).map(TrainResult::dataset)
                .findFirst().orElse(new DatasetSummary(req.data(), run.dataVersion(), 0, 0, 0,
                        req.target() == null ? TrainService.DEFAULT_TARGET : req.target(),
                        req.features() == null ? List.of() : req.features()));
    }

    // ---- search ------------------------------------------------------------------------------

    private record Search(List<SearchPlan.Config> configs, Integer folds, int maxConcurrency, long seed) {
        int trials() {
            return configs.size() * (folds == null ? 1 : folds);
        }
    }

    private Search plan(SearchSpace space, List<Algorithm> algorithms, Map<Algorithm, Map<String, Number>> params, long seed) {
        if (space.folds() != null) {
            Folds.check("search.folds", space.folds());
        }
        int concurrency = space.maxConcurrency() == null ? SearchSpace.DEFAULT_CONCURRENCY : space.maxConcurrency();
        if (concurrency < 1 || concurrency > limits.maxConcurrency()) {
            throw new InvalidInputException("search.maxConcurrency", space.maxConcurrency(),
                    "must be between 1 and " + limits.maxConcurrency() + " (canopy.search.max-concurrency)");
        }
        Search s = new Search(SearchPlan.expand(space, algorithms, params, seed), space.folds(), concurrency, seed);
        if (s.trials() > limits.maxTrials()) {
            throw new InvalidInputException("search", s.trials() + " trials", s.configs().size() + " configurations × "
                    + (s.folds() == null ? 1 : s.folds()) + " folds = " + s.trials() + " train invocations, more than "
                    + "canopy.search.max-trials=" + limits.maxTrials() + "; narrow the grid, draw fewer samples or use fewer folds");
        }
        return s;
    }

    private SuperviseResult search(Run run, Search search, List<Algorithm> algorithms,
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
        List<PoolResult<Job, TrainResult>> trials = call(run, jobs, Math.min(search.maxConcurrency(), jobs.size()),
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
            ranking.add(trial(c, trials.subList(c.id() * k, c.id() * k + k)));
        }
        ranking.sort(RANKING);
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
        for (PoolResult<Job, TrainResult> r : call(run, refits, refits.size(), invocations, null)) {
            results.add(row(run, r, best.get(r.input().algorithm()).params()));
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
        String bestAlgorithm = results.stream().filter(r -> r.state() == TrainerState.DONE).map(TrainResult::algorithm)
                .findFirst().orElse(null);
        Trial winner = bestAlgorithm == null ? null : best.get(Algorithm.parse("algorithm", bestAlgorithm));
        String state = notRun > 0 ? "PARTIAL" : "DONE";
        progress.publish(state);
        LOG.infof("searched %d trials (%d failed, %d not run) in %d ms; best: %s %s", trials.size(), failedTrials,
                jobs.size() - trials.size(), run.millis(), bestAlgorithm, winner == null ? "" : winner.params());
        List<TrainResult> all = new ArrayList<>(results);
        trials.stream().filter(PoolResult::succeeded).map(PoolResult::value).forEach(all::add);
        return new SuperviseResult(run.runId(), run.millis(), dataset(run, all),
                results.stream().map(TrainResult::withoutDataset).toList(), bestAlgorithm,
                new SearchResult(search.configs().size(), search.folds(), trials.size(), failedTrials,
                        search.maxConcurrency(), search.seed(), winner, ranking, state, notRun), invocations);
    }

    /** DONE before FAILED, then by mean CV MSE, then by plan order: a total order, so ties rank the same every time. */
    static final Comparator<Trial> RANKING = Comparator.comparing((Trial t) -> t.state() != TrainerState.DONE)
            .thenComparingDouble(t -> t.cvMse() == null ? Double.MAX_VALUE : t.cvMse())
            .thenComparingInt(Trial::config);

    /** One configuration's row from its trials (one per fold, in fold order). */
    private static Trial trial(SearchPlan.Config c, List<PoolResult<Job, TrainResult>> folds) {
        List<Double> mses = new ArrayList<>();
        double test = 0;
        long millis = 0;
        int failed = 0;
        String error = null;
        for (PoolResult<Job, TrainResult> r : folds) {
            if (r.succeeded()) {
                TrainResult v = r.value();
                mses.add(v.validationMse() != null ? v.validationMse() : v.mse());
                test += v.mse();
                millis += v.trainMillis() == null ? 0 : v.trainMillis();
            } else {
                failed++;
                if (error == null) {
                    error = error(r);
                }
            }
        }
        if (failed > 0) {
            return new Trial(c.id(), c.algorithm().id(), c.params(), TrainerState.FAILED, null, null, null, mses, failed,
                    error, millis);
        }
        double mean = mses.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        double var = mses.stream().mapToDouble(m -> (m - mean) * (m - mean)).sum() / mses.size();
        return new Trial(c.id(), c.algorithm().id(), c.params(), TrainerState.DONE, mean, Math.sqrt(var),
                test / folds.size(), mses, 0, null, millis);
    }

    /**
     * The search's published progress. The pool calls {@link #completed} one result at a time (see its
     * listener contract); {@link #publish} may also come from the supervisor's thread, hence the lock.
     */
    private final class Progress {
        private final Run run;
        private final Search search;
        private final int total;
        private final Map<Integer, List<Double>> foldMses = new HashMap<>();
        private int done;
        private int failed;
        private Trial bestSoFar;
        private final Throttle throttle = new Throttle(progressClock, Throttle.PROGRESS_INTERVAL_MILLIS);

        Progress(Run run, Search search, int total) {
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
                TrainResult v = r.value();
                m.add(v.validationMse() != null ? v.validationMse() : v.mse());
                if (m.size() == k) {
                    double mean = m.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
                    if (bestSoFar == null || mean < bestSoFar.cvMse()) {
                        SearchPlan.Config c = search.configs().get(job.config());
                        bestSoFar = new Trial(c.id(), c.algorithm().id(), c.params(), TrainerState.DONE, mean, null,
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

    // ---- run ids -----------------------------------------------------------------------------

    /**
     * Makes {@code runId} under {@code out} this request's, before any trainer runs. A folder with no objects
     * is taken; one whose stored fingerprint equals this request's is the same run again (it is run again,
     * writing the same objects); anything else is refused unless {@code overwrite}, which first deletes the
     * objects {@link RunLayout#owns} names there, and nothing else.
     */
    private void claimRunId(String out, String runId, RunFingerprint fingerprint, boolean overwrite) {
        String dir = RunLayout.runDir(out, runId);
        List<ObjectInfo> existing = store.list(dir + "/");
        if (!existing.isEmpty()) {
            List<String> differences = differences(out, runId, fingerprint);
            if (!differences.isEmpty() && !overwrite) {
                throw new ConflictException("runId=\"" + runId + "\" is taken at " + dir + " by a run with a different "
                        + "request (" + String.join("; ", differences) + "); use a new --run-id, or --overwrite "
                        + "(overwrite: true) to delete that run's objects and train again");
            }
            if (!differences.isEmpty()) {
                int deleted = 0;
                List<String> kept = new ArrayList<>();
                for (ObjectInfo o : existing) {
                    if (RunLayout.owns(StorageUri.relative(dir, o.uri()))) {
                        store.delete(o.uri());
                        deleted++;
                    } else {
                        kept.add(o.uri());
                    }
                }
                LOG.infof("overwrite: deleted the %d objects of the previous run %s at %s (%s); left %d objects Canopy "
                        + "did not name there%s", deleted, runId, dir, String.join("; ", differences), kept.size(),
                        kept.isEmpty() ? "" : ": " + kept.subList(0, Math.min(3, kept.size())));
            } else {
                LOG.infof("run %s at %s has this request's fingerprint: running it again over the same objects", runId, dir);
            }
        }
        if (!existing.isEmpty()) {
            store.write(RunLayout.request(out, runId), Json.write(fingerprint), "application/json");
        } else if (!store.writeIfAbsent(RunLayout.request(out, runId), Json.write(fingerprint), "application/json")) {
            // another supervisor claimed the id between the listing and this write: the same request may share it
            List<String> differences = differences(out, runId, fingerprint);
            if (!differences.isEmpty()) {
                throw new ConflictException("runId=\"" + runId + "\" was just claimed at " + dir + " by a run with a "
                        + "different request (" + String.join("; ", differences) + "); use a new --run-id");
            }
        }
    }

    /** How the request stored for {@code runId} differs from {@code now}; one entry when none is stored. */
    private List<String> differences(String out, String runId, RunFingerprint now) {
        com.fasterxml.jackson.databind.JsonNode before;
        try {
            before = Json.MAPPER.readTree(store.read(RunLayout.request(out, runId)));
        } catch (ObjectNotFoundException e) {
            return List.of("no request recorded there (written by an older Canopy, or not by a run)");
        } catch (java.io.IOException e) {
            return List.of("its request record " + RunLayout.request(out, runId) + " is unreadable");
        }
        return now.differences(before);
    }

    // ---- requests ----------------------------------------------------------------------------

    private String newRunId() {
        return RUN_ID_TIME.format(clock.instant()) + "-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0x10000));
    }

    private static String checkUri(String field, String uri) {
        if (uri == null || uri.isBlank()) {
            throw new InvalidInputException(field, uri, "required: the data set's URI (path, file:, s3:// or https://)");
        }
        return uri;
    }

    static List<Algorithm> algorithms(List<String> names) {
        if (names == null || names.isEmpty()) {
            return List.of(Algorithm.values());
        }
        Set<Algorithm> out = new LinkedHashSet<>();
        for (int i = 0; i < names.size(); i++) {
            Algorithm a = Algorithm.parse("algorithms[" + i + "]", names.get(i));
            if (!out.add(a)) {
                throw new InvalidInputException("algorithms[" + i + "]", names.get(i), "algorithm listed twice");
            }
        }
        return List.copyOf(out);
    }

    private static Map<Algorithm, Map<String, Number>> params(Map<String, Map<String, Object>> given,
                                                             List<Algorithm> algorithms) {
        Map<Algorithm, Map<String, Number>> out = new HashMap<>();
        if (given != null) {
            for (String k : given.keySet()) {
                Algorithm a = Algorithm.parse("params." + k, k);
                if (!algorithms.contains(a)) {
                    throw new InvalidInputException("params." + k, k, "parameters given for an algorithm this run does not train; "
                            + "it trains " + algorithms);
                }
            }
        }
        for (Algorithm a : algorithms) {
            out.put(a, TrainingParams.resolve(a, given == null ? null : given.get(key(given, a))));
        }
        return out;
    }

    /** The key the caller used for {@code a} in the params map ("xgboost" and "gradient_boosting" both work). */
    private static String key(Map<String, ?> given, Algorithm a) {
        for (String k : given.keySet()) {
            if (Algorithm.parse("params." + k, k) == a) {
                return k;
            }
        }
        return a.id();
    }
}
