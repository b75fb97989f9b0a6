package dev.canopy.training;

import dev.canopy.error.CanopyException;
import dev.canopy.error.InvalidInputException;
import dev.canopy.invoke.FunctionInvoker;
import dev.canopy.json.Json;
import dev.canopy.log.LogContext;
import dev.canopy.storage.ObjectInfo;
import dev.canopy.storage.ObjectStore;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The root of the training tree: invokes one {@code train} function per algorithm, all at once and all on
 * the same pinned data version and split, then ranks the answers. A trainer that fails becomes a FAILED
 * row carrying its error; it never takes the other rows down with it.
 */
public final class SupervisorService {
    private static final Logger LOG = Logger.getLogger(SupervisorService.class);
    public static final String TRAIN_FUNCTION = "train";
    private static final DateTimeFormatter RUN_ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    private final ObjectStore store;
    private final FunctionInvoker invoker;
    private final Clock clock;
    private final String defaultOut;

    public SupervisorService(ObjectStore store, FunctionInvoker invoker, Clock clock, String defaultOut) {
        this.store = store;
        this.invoker = invoker;
        this.clock = clock;
        this.defaultOut = defaultOut;
    }

    public SuperviseResult supervise(SuperviseRequest req) {
        long t0 = System.nanoTime();
        if (req == null) {
            throw new InvalidInputException("request", null, "a supervise request body is required");
        }
        List<Algorithm> algorithms = algorithms(req.algorithms());
        Map<Algorithm, Map<String, Number>> params = params(req.params(), algorithms);
        if (req.testData() == null && req.testFraction() != null
                && !(req.testFraction() > 0 && req.testFraction() < 1)) {
            throw new InvalidInputException("testFraction", req.testFraction(), "must be greater than 0 and less than 1");
        }
        DataPreparation.options(req.delimiter(), req.missing(), req.categorical(), req.maxCategories()); // refused before any trainer runs
        String runId = req.runId() == null || req.runId().isBlank() ? newRunId() : RunLayout.checkRunId(req.runId());
        String out = req.out() == null || req.out().isBlank() ? defaultOut : req.out();
        try (LogContext ignored = LogContext.push(LogContext.FUNCTION, "supervise", LogContext.RUN_ID, runId,
                LogContext.ATTEMPT, 1)) {

            // Pin the data version once: every trainer reads exactly these bytes or fails with a conflict.
            ObjectInfo data = store.head(checkUri("data", req.data()));
            String testVersion = req.testData() == null ? null : store.head(req.testData()).version();

            LOG.infof("training %s on %s", algorithms.stream().map(Algorithm::id).toList(), LogContext.location(req.data()));
            StatusBoard board = new StatusBoard(store, clock);
            for (Algorithm a : algorithms) {
                board.publish(out, runId, a.id(), TrainerState.INITIALIZED, 0, "invoking trainer", null);
            }

            List<TrainResult> results = new ArrayList<>();
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                Map<Algorithm, Future<TrainResult>> futures = new HashMap<>();
                for (Algorithm a : algorithms) {
                    TrainRequest tr = new TrainRequest(runId, req.data(), data.version(), req.target(), req.features(),
                            a.id(), req.testFraction(), req.seed(), req.testData(), testVersion,
                            req.params() == null ? null : req.params().get(key(req.params(), a)), out,
                            req.delimiter(), req.missing(), req.categorical(), req.maxCategories());
                    futures.put(a, pool.submit(() -> {
                        // the call runs on a virtual thread of its own: the context is pushed there
                        try (LogContext trainer = LogContext.push(LogContext.FUNCTION, "supervise", LogContext.RUN_ID,
                                runId, LogContext.ALGORITHM, a.id(), LogContext.ATTEMPT, 1)) {
                            return invoker.invoke(TRAIN_FUNCTION, tr, TrainResult.class);
                        }
                    }));
                }
                for (Algorithm a : algorithms) {
                    results.add(collect(a, futures.get(a), params.get(a), out, runId, board));
                }
            }
            results.sort(Comparator.comparing((TrainResult r) -> r.state() != TrainerState.DONE)
                    .thenComparing(r -> r.mse() == null ? Double.MAX_VALUE : r.mse()));
            DatasetSummary dataset = results.stream().filter(r -> r.dataset() != null).map(TrainResult::dataset)
                    .findFirst().orElse(new DatasetSummary(req.data(), data.version(), 0, 0, 0,
                            req.target() == null ? TrainService.DEFAULT_TARGET : req.target(),
                            req.features() == null ? List.of() : req.features()));
            String best = results.stream().filter(r -> r.state() == TrainerState.DONE).map(TrainResult::algorithm)
                    .findFirst().orElse(null);
            LOG.infof("ranked %d trainers in %d ms; best: %s", results.size(), (System.nanoTime() - t0) / 1_000_000, best);
            SuperviseResult result = new SuperviseResult(runId, (System.nanoTime() - t0) / 1_000_000, dataset,
                    results.stream().map(TrainResult::withoutDataset).toList(), best);
            store.write(RunLayout.result(out, runId), Json.write(result), "application/json");
            return result;
        }
    }

    private static TrainResult collect(Algorithm a, Future<TrainResult> f, Map<String, Number> params, String out,
                                       String runId, StatusBoard board) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return TrainResult.failed(a.id(), params, "interrupted while waiting for the trainer");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            String error = TrainService.describe(cause);
            if (cause instanceof dev.canopy.error.FunctionInvocationException fie) {
                error = fie.errorType() + ": " + fie.errorMessage();
            }
            try (LogContext trainer = LogContext.push(LogContext.ALGORITHM, a.id())) {
                LOG.warnf("trainer failed: %s", error);
            }
            // The trainer may have died before it could publish FAILED (a crash, a timeout on Lambda):
            // publish it here so status never shows a dead trainer as still running.
            try {
                board.publish(out, runId, a.id(), TrainerState.FAILED, 0, "failed", error);
            } catch (CanopyException ignored) {
                // the row below still carries the error
            }
            return TrainResult.failed(a.id(), params, error);
        }
    }

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
