package dev.canopy.training;

import dev.canopy.deadline.InvocationDeadline;
import dev.canopy.deadline.InvocationDeadline.Deadline;
import dev.canopy.error.CanopyException;
import dev.canopy.error.InvalidInputException;
import dev.canopy.invoke.FunctionInvoker;
import dev.canopy.log.LogContext;
import dev.canopy.model.SmileTrees;
import dev.canopy.model.TreeEnsemble;
import dev.canopy.model.TreeModel;
import dev.canopy.pool.Backoff;
import dev.canopy.storage.ObjectStore;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One trainer: loads the data at the pinned version, splits it, fits one algorithm, evaluates it on the
 * test rows, saves the model and its metadata, and publishes its state at every step.
 */
public final class TrainService {
    private static final Logger LOG = Logger.getLogger(TrainService.class);
    public static final String DEFAULT_TARGET = "MedHouseVal";
    public static final double DEFAULT_TEST_FRACTION = 0.2;
    public static final long DEFAULT_SEED = 42;

    /** Progress writes cost a storage call each; more often than this is noise. */
    private static final long PROGRESS_INTERVAL_MILLIS = 300;

    private final StatusBoard board;
    /** The data's tables, parsed once per instance: see {@link DataPreparation#dataset}. */
    private final DataPreparation preparation;
    private final ModelArtifacts artifacts;
    private final ClassificationRun classification;
    private final Clock clock;
    private final String defaultOut;
    /** Null: forests never fan out (no invoker to reach other trainers). */
    private final ForestFanOut fanOut;
    private final long modelMaxBytes;

    /** The default of {@code canopy.model.max-bytes}, as {@code CanopyConfig} names it. */
    public static final String DEFAULT_MODEL_MAX_BYTES_TEXT = "268435456";
    /** The largest model the predictor is asked to load, by default: {@code canopy.model.max-bytes}. */
    public static final long DEFAULT_MODEL_MAX_BYTES = Long.parseLong(DEFAULT_MODEL_MAX_BYTES_TEXT);

    /** The setting that bounds a trainer's time when the Lambda context gives none, or a later one. */
    static final String TIME_BUDGET_SETTING = "canopy.train.time-budget";

    /**
     * The default of canopy.train.time-budget, as {@code CanopyConfig} names it: the template's 840 s trainer
     * timeout minus a minute.
     */
    public static final String DEFAULT_TIME_BUDGET_TEXT = "PT13M";
    public static final Duration DEFAULT_TIME_BUDGET = Duration.parse(DEFAULT_TIME_BUDGET_TEXT);
    /** What evaluating and saving need after a fit: a fit still running this close to the deadline is stopped. */
    static final double SAVE_SHARE = 0.05;
    static final long MIN_SAVE_MILLIS = 20_000;
    private static final java.util.concurrent.ScheduledExecutorService WATCHDOG =
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().daemon()
                    .name("canopy-train-deadline").unstarted(r));

    private final Duration timeBudget;

    public TrainService(ObjectStore store, Clock clock, String defaultOut) {
        this(store, clock, defaultOut, DEFAULT_TIME_BUDGET, null, ForestFanOut.Settings.DEFAULT, DEFAULT_MODEL_MAX_BYTES,
                Backoff.DEFAULT, false);
    }

    /**
     * @param timeBudget    how long one invocation may run (canopy.train.time-budget)
     * @param invoker       reaches other {@code train} functions, for a forest that fans out; a transport that
     *                      makes one attempt per call (the fan-out's pool retries); null: no fan-out
     * @param modelMaxBytes {@code canopy.model.max-bytes}: the bound on the model the predictor loads
     * @param ownHeap       whether a trainer has its process's heap to itself, as a Lambda instance has; false
     *                      when a run's trainers share one process ({@link TrainingBudget#heapNeed})
     */
    public TrainService(ObjectStore store, Clock clock, String defaultOut, Duration timeBudget, FunctionInvoker invoker,
                        ForestFanOut.Settings fanOut, long modelMaxBytes, Backoff backoff, boolean ownHeap) {
        this.timeBudget = timeBudget;
        this.board = new StatusBoard(store, clock);
        this.preparation = new DataPreparation(store, ownHeap);
        this.artifacts = new ModelArtifacts(store);
        this.classification = new ClassificationRun(artifacts, clock);
        this.clock = clock;
        this.defaultOut = defaultOut;
        this.fanOut = invoker == null ? null : new ForestFanOut(store, invoker, fanOut, backoff);
        this.modelMaxBytes = modelMaxBytes;
    }

    /** Trainers running in this process now (several on one machine, one on a Lambda instance). */
    private static final AtomicInteger RUNNING = new AtomicInteger();

    /** Trainers running in this process, this one included; at least 1. */
    static int trainersRunning() {
        return Math.max(1, RUNNING.get());
    }

    public TrainResult train(TrainRequest req) {
        RUNNING.incrementAndGet();
        try {
            return trainCounted(req);
        } finally {
            RUNNING.decrementAndGet();
        }
    }

    private TrainResult trainCounted(TrainRequest req) {
        if (req == null) {
            throw new InvalidInputException("request", null, "a train request body is required");
        }
        Algorithm algorithm = Algorithm.parse("algorithm", req.algorithm());
        String runId = RunLayout.checkRunId(req.runId());
        if (req.data() == null || req.data().isBlank()) {
            throw new InvalidInputException("data", req.data(), "required: the data set's URI (s3://bucket/key or a path)");
        }
        String out = req.out() == null || req.out().isBlank() ? defaultOut : req.out();
        Map<String, Number> params = TrainingParams.resolve(algorithm, req.params());
        if (req.share() != null) {
            ForestFanOut.check(req.share(), algorithm);
        }
        String alg = algorithm.id();
        // attempt 1: the supervisor invokes each trainer once (a second trainer would race the first's
        // status writes); a retried invocation is a new request.
        try (LogContext ignored = LogContext.push(LogContext.FUNCTION, "train", LogContext.RUN_ID, runId,
                LogContext.ALGORITHM, alg, LogContext.ATTEMPT, 1)) {
            // the Lambda context's remaining time when there is one and it is shorter, else the configured budget
            return train(req, algorithm, runId, out, params,
                    InvocationDeadline.within(timeBudget.toNanos(), TIME_BUDGET_SETTING));
        }
    }

    /** Milliseconds to the point where a fit must stop so that evaluation and saving still fit the budget. */
    private long fitMillisLeft(Deadline deadline) {
        long left = deadline.millisLeft();
        // a short deadline (a function timeout of seconds) keeps a quarter of itself, not the usual 20 s
        long save = Math.min(Math.max(MIN_SAVE_MILLIS, (long) (timeBudget.toMillis() * SAVE_SHARE)), Math.max(0, left / 4));
        return left - save;
    }

    private TrainResult train(TrainRequest req, Algorithm algorithm, String runId, String out, Map<String, Number> params,
                              Deadline deadline) {
        String alg = algorithm.id();
        Folds.check("folds", req.folds());
        if (req.folds() == null ? req.fold() != null : req.fold() == null || req.fold() < 0 || req.fold() >= req.folds()) {
            throw new InvalidInputException("fold", req.fold(), req.folds() == null ? "needs folds"
                    : "must be between 0 and folds - 1 (" + (req.folds() - 1) + ")");
        }
        // a search's trials save nothing and publish nothing: the supervisor reports them; a forest's worker
        // publishes nothing either: the trainer that invoked it does
        ForestFanOut.Share share = req.share();
        StatusBoard board = req.isTrial() || share != null ? null : this.board;
        try {
            LOG.infof("training %s on %s", alg, LogContext.location(req.data()));
            publish(board, out, runId, alg, TrainerState.INITIALIZED, 0, "waiting", null);
            publish(board, out, runId, alg, TrainerState.LOADING_DATA, 0, "reading " + LogContext.location(req.data()), null);
            DataPreparation.Prepared data = preparation.prepare(req, algorithm, params, fitMillisLeft(deadline),
                    deadline.source());
            if (data.classification()) {
                // known only once the target is read: a classifier's defaults are not a regression's
                params = TrainingParams.resolve(algorithm, req.params(), true);
            }
            long seed = req.seed() == null ? DEFAULT_SEED : req.seed();
            FeatureMatrix trainSet = data.train();
            FeatureMatrix validation = null;
            if (req.folds() != null && data.classification()) {
                int[][] keptAndHeld = ClassificationRun.fold(trainSet, req.folds(), req.fold(), seed);
                validation = trainSet.rows(keptAndHeld[1]);
                trainSet = trainSet.rows(keptAndHeld[0]);
            } else if (req.folds() != null) {
                Folds folds = Folds.of(trainSet.rows(), req.folds(), seed);
                validation = trainSet.rows(folds.heldOut(req.fold()));
                trainSet = trainSet.rows(folds.kept(req.fold()));
            }

            String rowsRead = rowsRead(data.summary());
            // refused here, before any tree grows, when the model could not fit the predictor
            params = ModelSize.bound(algorithm, params, trainSet.rows(), modelMaxBytes,
                    data.classification() && data.classes().size() > 2 ? data.classes().size() : 1);
            // a classifier forest grows in one trainer: the fan-out merges regression forests
            int workers = algorithm == Algorithm.RANDOM_FOREST && fanOut != null && !req.isTrial() && share == null
                    && !data.classification() ? fanOut.workers(trainSet.rows(), params) : 1;
            publish(board, out, runId, alg, TrainerState.TRAINING, 0, (workers > 1 ? "starting " + workers + " workers"
                    : "starting") + " on " + rowsRead, null);
            long t0 = System.nanoTime();
            Progress progress = new Progress(board, out, runId, alg, algorithm == Algorithm.DECISION_TREE ? "tree"
                    : workers > 1 ? "trees over " + workers + " workers" : "trees");
            Object model;
            List<TrainInvocation> workerCalls = null;
            long stopIn = fitMillisLeft(deadline);
            var watchdog = WATCHDOG.schedule(progress::stopFit, Math.max(0, stopIn), java.util.concurrent.TimeUnit.MILLISECONDS);
            try {
                if (workers > 1) {
                    ForestFanOut.Merged merged = fanOut.fit(req, out, params, trainSet, seed, workers, progress);
                    model = merged.forest();
                    workerCalls = merged.workers();
                } else if (data.classification()) {
                    model = ClassifierTrainer.fit(algorithm, params, trainSet, data.classes().size(),
                            data.taskOptions().balanced(), seed, progress);
                } else if (algorithm == Algorithm.GRADIENT_BOOSTING) {
                    model = XgboostTrainer.fit(params, XgboostTrainer.Input.of(trainSet), seed, progress);
                } else {
                    model = SmileTrainer.fit(algorithm, params, trainSet, share == null ? seed : share.seed(), progress);
                }
            } catch (RuntimeException e) {
                if (progress.stopped()) {
                    throw overBudget(alg, req.data(), progress, t0, trainSet, deadline, e);
                }
                throw e;
            } finally {
                watchdog.cancel(false);
                progress.close();
            }
            if (progress.stopped()) {
                throw overBudget(alg, req.data(), progress, t0, trainSet, deadline, null);
            }
            long trainMillis = (System.nanoTime() - t0) / 1_000_000;
            LOG.infof("fitted on %d rows in %d ms", trainSet.rows(), trainMillis);
            if (share != null) {
                ModelArtifacts.Written part = artifacts.writeForestPart(out, runId, share.index(), model);
                LOG.infof("share %d of %d: %d trees saved, %d bytes", share.index(), share.workers(), share.trees(), part.bytes());
                return new TrainResult(alg, TrainerState.DONE, null, null, null, null, trainMillis, part.bytes(),
                        part.uri(), params, null, null);
            }

            publish(board, out, runId, alg, TrainerState.EVALUATING, 1, "scoring " + data.testY().length + " test rows", null);
            if (data.classification()) {
                return classification.finish(req, algorithm, runId, out, params, model, data, validation, trainMillis,
                        seed, rowsRead, detail -> publish(board, out, runId, alg, TrainerState.DONE, 1, detail, null));
            }
            // The model's own format is encoded beside the scoring, on a second CPU when this trainer's share has
            // one: a forest's Java serialization is the longest step after its fit (California housing: 260 ms of 450)
            Object fitted = model;
            SharedCpus.Both<ModelArtifacts.Encoded, Evaluated> both = SharedCpus.both(() -> req.isTrial() ? null
                    : ModelArtifacts.encodeModel(fitted), () -> evaluate(fitted, data, !req.isTrial()));
            TreeEnsemble ensemble = both.second().ensemble();
            double[] predicted = both.second().scored().predicted();
            Metrics m = Metrics.of(both.second().scored().y(), predicted);
            Double validationMse = validation == null ? null : validationMse(ensemble, validation);
            if (req.isTrial()) {
                LOG.infof("trial done: validation mse %s, test mse %.4f", validationMse, m.mse());
                return new TrainResult(alg, TrainerState.DONE, m.mse(), m.rmse(), m.mae(), m.r2(), trainMillis,
                        null, null, params, null, data.summary(), validationMse);
            }

            long bytes = artifacts.write(out, runId, alg, both.first()).bytes();
            String modelUri = artifacts.write(out, runId, alg, both.second().trees()).uri();
            artifacts.writeMetadata(out, runId, new ModelMetadata(ModelMetadata.FORMAT, alg, params,
                    data.summary().features(), data.summary().target(), m, trainMillis, bytes, data.summary(), seed,
                    DataPreparation.testFraction(req.testFraction(), req.testData()), libraries(algorithm), runId,
                    Instant.now(clock).toString(), data.encoding()));
            artifacts.writeInsights(out, runId, ModelInsights.of(alg, data.summary().features(), model,
                    both.second().scored().y(), predicted));

            publish(board, out, runId, alg, TrainerState.DONE, 1, String.format(java.util.Locale.ROOT, "mse %.4f on %s",
                    m.mse(), rowsRead), null);
            LOG.infof("done: mse %.4f on %d test rows, model %d bytes", m.mse(), data.testY().length, bytes);
            return new TrainResult(alg, TrainerState.DONE, m.mse(), m.rmse(), m.mae(), m.r2(), trainMillis,
                    bytes, modelUri, params, null, data.summary(), validationMse, workerCalls);
        } catch (RuntimeException e) {
            String error = describe(e);
            LOG.warnf("failed: %s", error);
            try {
                publish(board, out, runId, alg, TrainerState.FAILED, 0, "failed", error);
            } catch (RuntimeException statusFailure) {
                e.addSuppressed(statusFailure);
            }
            if (e instanceof CanopyException ce) {
                ce.with("algorithm", alg).with("runId", runId);
            }
            throw e;
        }
    }

    private InvalidInputException overBudget(String alg, String uri, Progress progress, long t0, FeatureMatrix data,
                                             Deadline deadline, RuntimeException cause) {
        InvalidInputException e = new InvalidInputException("data", uri, String.format(java.util.Locale.ROOT,
                "%s on %,d training rows was stopped after %d s, %s, so that this answer arrives before %s runs out "
                        + "(%,d s left); train on a sample (--sample-rows, or --fit-to-budget), with lighter parameters, "
                        + "or with a longer budget (canopy.train.time-budget; on Lambda, the function's timeout)",
                alg, data.rows(), (System.nanoTime() - t0) / 1_000_000_000, progress.built(), deadline.source(),
                Math.max(0, deadline.millisLeft() / 1000)));
        if (cause != null) {
            e.addSuppressed(cause);
        }
        return e;
    }

    /** "800,000 training rows of 1,000,000 in 12 parts": what status shows of the data a trainer fits. */
    static String rowsRead(DatasetSummary d) {
        String of = String.format(java.util.Locale.ROOT, "%,d training rows of %,d", d.trainRows(), d.rows());
        if (d.sampledFrom() != null) {
            of += String.format(java.util.Locale.ROOT, " sampled from %,d", d.sampledFrom());
        }
        return d.parts() == null ? of : of + " in " + d.parts().size() + " parts";
    }

    private static void publish(StatusBoard board, String out, String runId, String alg, TrainerState state,
                                double progress, String detail, String error) {
        if (board != null) {
            board.publish(out, runId, alg, state, progress, detail, error);
        }
    }

    /** MSE of the model on rows it did not train on (a fold's held-out rows). */
    private static double validationMse(TreeEnsemble ensemble, FeatureMatrix rows) {
        double[] predicted = new double[rows.rows()];
        ensemble.predict(rows.doubleColumns(), rows.rows(), predicted);
        return Metrics.of(rows.labels(), predicted).mse();
    }

    /** The test rows the model gives a prediction, with their true values. */
    private record Scored(double[] y, double[] predicted) {
    }

    /** A fitted model's trees, its scores on the test rows, and the trees encoded when they are to be saved. */
    private record Evaluated(TreeEnsemble ensemble, Scored scored, ModelArtifacts.Encoded trees) {
    }

    private static Evaluated evaluate(Object model, DataPreparation.Prepared data, boolean save) {
        // XGBoost's JSON read by the converter that also reads users' XGBoost models: no native code to score it
        TreeEnsemble ensemble = model instanceof XgboostTrainer.Fitted x ? x.model().ensemble()
                : SmileTrees.compile(model);
        // scored as predict will score it: the same encoding and missing-value policy
        Scored scored = scoreTest(new TreeModel(data.encoding(), ensemble), data);
        return new Evaluated(ensemble, scored, save ? ModelArtifacts.encodeTrees(ensemble) : null);
    }

    /**
     * Scores the test rows: under {@code drop}, a test row with a category never seen in training gets no
     * prediction, and is left out rather than scored as a number it is not.
     */
    private static Scored scoreTest(TreeModel model, DataPreparation.Prepared data) {
        int n = data.testY().length;
        double[] all = new double[n];
        model.score(data.testColumns(), n, all);
        int kept = 0;
        double[] y = new double[n];
        double[] predicted = new double[n];
        for (int i = 0; i < n; i++) {
            if (!Double.isNaN(all[i])) {
                y[kept] = data.testY()[i];
                predicted[kept++] = all[i];
            }
        }
        if (kept == 0) {
            throw new InvalidInputException("testData", data.summary().uri(), "no test row could be scored: every one "
                    + "lacks a value or holds a category never seen in training");
        }
        return new Scored(Arrays.copyOf(y, kept), Arrays.copyOf(predicted, kept));
    }

    static String describe(Throwable e) {
        String type = e instanceof CanopyException ce ? ce.errorType() : e.getClass().getSimpleName();
        return type + ": " + e.getMessage();
    }

    /**
     * Publishes TRAINING progress at most every {@link #PROGRESS_INTERVAL_MILLIS}. Smile delivers its
     * per-tree events asynchronously, so some may arrive after the fit has returned; once closed, this
     * publishes nothing, and close waits for a publish in flight, so a late TRAINING can never overwrite
     * EVALUATING or DONE.
     */
    private static final class Progress implements ProgressListener {
        private final StatusBoard board;
        private final String out;
        private final String runId;
        private final String alg;
        private final String unit;
        private long last;
        private boolean closed;
        private Runnable stop;
        private boolean stopped;
        private int done = -1;
        private int total;

        Progress(StatusBoard board, String out, String runId, String alg, String unit) {
            this.board = board;
            this.out = out;
            this.runId = runId;
            this.alg = alg;
            this.unit = unit;
        }

        @Override
        public synchronized void onStart(Runnable stop) {
            this.stop = stop;
        }

        /** Ends the fit at its next tree (the deadline's watchdog calls this). */
        synchronized void stopFit() {
            stopped = true;
            if (stop != null) {
                stop.run();
            }
        }

        synchronized boolean stopped() {
            return stopped;
        }

        synchronized String built() {
            return done < 0 ? "before its first tree was built" : done + " of " + total + " " + unit + " built";
        }

        @Override
        public synchronized void onProgress(int done, int total) {
            this.done = Math.max(this.done, done);
            this.total = total;
            long now = System.currentTimeMillis();
            if (board == null || closed || (done != total && now - last < PROGRESS_INTERVAL_MILLIS)) {
                return;
            }
            last = now;
            board.publish(out, runId, alg, TrainerState.TRAINING, (double) done / total, done + "/" + total + " " + unit, null);
        }

        synchronized void close() {
            closed = true;
        }
    }

    static Map<String, String> libraries(Algorithm algorithm) {
        Map<String, String> libs = new LinkedHashMap<>();
        if (algorithm == Algorithm.GRADIENT_BOOSTING) {
            libs.put("xgboost", XgboostTrainer.VERSION);
        } else {
            libs.put("smile", version(smile.regression.RandomForest.class, "6.3.0"));
        }
        libs.put("java", Runtime.version().toString());
        libs.put("canopy", version(TrainService.class, "dev"));
        return libs;
    }

    private static String version(Class<?> c, String fallback) {
        String v = c.getPackage() == null ? null : c.getPackage().getImplementationVersion();
        return v == null ? fallback : v;
    }
}
