package dev.canopy.training;

import dev.canopy.cost.CostMeter;
import dev.canopy.cost.PriceTable;
import dev.canopy.data.DatasetParts;
import dev.canopy.deadline.InvocationDeadline;
import dev.canopy.deadline.InvocationDeadline.Deadline;
import dev.canopy.error.InvalidInputException;
import dev.canopy.invoke.FunctionInvoker;
import dev.canopy.json.Json;
import dev.canopy.log.LogContext;
import dev.canopy.pool.Backoff;
import dev.canopy.pool.PoolResult;
import dev.canopy.storage.ObjectInfo;
import dev.canopy.storage.ObjectStore;
import dev.canopy.training.TrainCalls.Job;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * The root of the training tree: invokes one {@code train} function per algorithm, all at once and all on
 * the same pinned data version and split, then ranks the answers. A trainer that fails becomes a FAILED
 * row carrying its error; it never takes the other rows down with it.
 *
 * <p>This class checks the request and composes the run's parts: the run id and its claim
 * ({@link RunIdClaim}), the data's preflight ({@link DataPreflight}), the calls to trainers ({@link TrainCalls},
 * which holds the retry rule) and, for a request with a {@link SearchSpace}, the search
 * ({@link ParameterSearch}).
 */
public final class SupervisorService {
    private static final Logger LOG = Logger.getLogger(SupervisorService.class);
    public static final String TRAIN_FUNCTION = "train";

    /**
     * Bounds on searches: {@code canopy.search.max-trials}, {@code canopy.search.max-concurrency} and
     * {@code canopy.search.time-budget} (the earlier of it and the Lambda context's remaining time is the deadline).
     * The {@code DEFAULT_*} texts are those settings' defaults ({@code CanopyConfig} names them).
     */
    public record Limits(int maxTrials, int maxConcurrency, Duration timeBudget) {
        public static final String DEFAULT_MAX_TRIALS = "500";
        public static final String DEFAULT_MAX_CONCURRENCY = "256";
        public static final String DEFAULT_TIME_BUDGET_TEXT = "PT14M";
        public static final Duration DEFAULT_TIME_BUDGET = Duration.parse(DEFAULT_TIME_BUDGET_TEXT);
        public static final Limits DEFAULT = new Limits(Integer.parseInt(DEFAULT_MAX_TRIALS),
                Integer.parseInt(DEFAULT_MAX_CONCURRENCY), DEFAULT_TIME_BUDGET);

        public Limits(int maxTrials, int maxConcurrency) {
            this(maxTrials, maxConcurrency, DEFAULT_TIME_BUDGET);
        }
    }

    private final ObjectStore store;
    private final Clock clock;
    private final String defaultOut;
    private final Limits limits;
    private final PriceTable prices;
    private final RunIdClaim runIds;
    private final TrainCalls calls;
    private final ParameterSearch search;
    /** Milliseconds for the search's progress throttle; a test holds it still. */
    private volatile LongSupplier progressClock = System::currentTimeMillis;

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
        this.clock = clock;
        this.defaultOut = defaultOut;
        this.limits = limits;
        this.runIds = new RunIdClaim(store, clock);
        this.calls = new TrainCalls(invoker, backoff);
        this.search = new ParameterSearch(store, clock, calls, limits, () -> progressClock.getAsLong());
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
        DataPreparation.testFraction(req.testFraction(), req.testData());
        long seed = req.seed() == null ? TrainService.DEFAULT_SEED : req.seed();
        // refused before any trainer runs; each trainer checks its own request again with the same methods
        TaskOptions taskOptions = req.taskOptions();
        ParameterSearch.Plan plan = req.search() == null ? null
                : search.plan(req.search(), algorithms, params, seed, taskOptions.rankBy());
        DataPreparation.options(req.delimiter(), req.missing(), req.categorical(), req.maxCategories());
        String runId = runIds.runId(req.runId());
        String out = req.out() == null || req.out().isBlank() ? defaultOut : req.out();
        try (LogContext ignored = LogContext.push(LogContext.FUNCTION, "supervise", LogContext.RUN_ID, runId,
                LogContext.ATTEMPT, 1)) {

            // Pin the data version once: every trainer reads exactly these bytes or fails with a conflict.
            ObjectInfo data = DatasetParts.plan(store, "data", checkUri("data", req.data())).info();
            String testVersion = req.testData() == null ? null : store.head(req.testData()).version();
            // a data error every trainer would hit fails here, once, before any trainer and the run folder
            DatasetSummary checked = DataPreflight.check(store, req, data, testVersion, runId, out, algorithms);
            if (classifies(checked, taskOptions)) {
                // the task is known now: a search's trials carry full parameter maps, so they take a classifier's
                // defaults from here (TrainingParams); a trainer that is not a trial resolves its own
                params = params(req.params(), algorithms, true);
                plan = plan == null ? null : search.plan(req.search(), algorithms, params, seed, taskOptions.rankBy());
            }
            runIds.claim(out, runId, RunFingerprint.of(req, data.size(), data.version(), testVersion, algorithms, params,
                            taskOptions),
                    Boolean.TRUE.equals(req.overwrite()));
            SuperviseRun run = new SuperviseRun(req, runId, out, data.version(), testVersion, t0, new StatusBoard(store, clock),
                    new CostMeter(prices), checked, deadline);

            LOG.infof("training %s on %s", algorithms.stream().map(Algorithm::id).toList(), LogContext.location(req.data()));
            SuperviseResult r = plan == null ? train(run, algorithms, params, taskOptions.rankBy())
                    : search.run(run, plan, algorithms, params);
            boolean classification = r.results().stream().anyMatch(t -> t.classification() != null)
                    || r.dataset() != null && r.dataset().classes() != null;
            SuperviseResult result = new SuperviseResult(r.runId(), r.wallMillis(), r.dataset(), r.results(), r.best(),
                    r.search(), r.invocations(), run.meter().report("supervise", run.millis()),
                    classification ? taskOptions.rankBy().id() : null);
            store.write(RunLayout.result(out, runId), Json.write(result), "application/json");
            return result;
        }
    }

    // ---- one trainer per algorithm ------------------------------------------------------------

    /** @param rankBy what ranks the models of a classification (a regression's are ranked by MSE) */
    private SuperviseResult train(SuperviseRun run, List<Algorithm> algorithms, Map<Algorithm, Map<String, Number>> params,
                                  ClassificationMetric rankBy) {
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
        for (PoolResult<Job, TrainResult> r : calls.call(run, jobs, jobs.size(), invocations, null)) {
            results.add(TrainCalls.row(run, r, params.get(r.input().algorithm())));
        }
        results.sort(Ranking.results(rankBy));
        String best = SuperviseRun.best(results);
        LOG.infof("ranked %d trainers in %d ms; best: %s", results.size(), run.millis(), best);
        DatasetSummary dataset = run.dataset(results);
        return new SuperviseResult(run.runId(), run.millis(), dataset, SuperviseRun.beside(dataset, results), best,
                null, invocations);
    }

    // ---- requests ----------------------------------------------------------------------------

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

    /**
     * Whether the run is a classification, as far as the supervisor can tell: the checked data's task, or without
     * it (data too large to check here) the task asked for. On {@code auto} with unchecked data, a search's trials
     * keep the regression's defaults.
     */
    private static boolean classifies(DatasetSummary checked, TaskOptions options) {
        if (checked != null && checked.task() != null) {
            return !Task.REGRESSION.id().equals(checked.task());
        }
        return options.task().isClassification();
    }

    private static Map<Algorithm, Map<String, Number>> params(Map<String, Map<String, Object>> given,
                                                             List<Algorithm> algorithms) {
        return params(given, algorithms, false);
    }

    private static Map<Algorithm, Map<String, Number>> params(Map<String, Map<String, Object>> given,
                                                             List<Algorithm> algorithms, boolean classifier) {
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
            out.put(a, TrainingParams.resolve(a, given == null ? null : given.get(key(given, a)), classifier));
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

