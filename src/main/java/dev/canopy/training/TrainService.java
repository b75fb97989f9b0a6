package dev.canopy.training;

import dev.canopy.data.Table;
import dev.canopy.data.TableReader;
import dev.canopy.error.CanopyException;
import dev.canopy.error.InvalidInputException;
import dev.canopy.model.FeatureEncoding;
import dev.canopy.model.MissingPolicy;
import dev.canopy.model.ModelCodec;
import dev.canopy.model.SmileTrees;
import dev.canopy.model.TreeCodec;
import dev.canopy.model.TreeEnsemble;
import dev.canopy.model.TreeModel;
import dev.canopy.json.Json;
import dev.canopy.log.LogContext;
import dev.canopy.storage.ObjectStore;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

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

    /** Tables kept by {@link #table}; two: a run's data and its test data. */
    static final int CACHED_TABLES = 2;

    private final ObjectStore store;
    private final StatusBoard board;
    /** Guarded by itself; access order, so the least recently used table is evicted. */
    private final Map<String, CompletableFuture<Table>> tables = new LinkedHashMap<>(4, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, CompletableFuture<Table>> eldest) {
            return size() > CACHED_TABLES;
        }
    };
    private final Clock clock;
    private final String defaultOut;

    public TrainService(ObjectStore store, Clock clock, String defaultOut) {
        this.store = store;
        this.board = new StatusBoard(store, clock);
        this.clock = clock;
        this.defaultOut = defaultOut;
    }

    public TrainResult train(TrainRequest req) {
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
        String alg = algorithm.id();
        // attempt 1: the supervisor invokes each trainer once (a second trainer would race the first's
        // status writes); a retried invocation is a new request.
        try (LogContext ignored = LogContext.push(LogContext.FUNCTION, "train", LogContext.RUN_ID, runId,
                LogContext.ALGORITHM, alg, LogContext.ATTEMPT, 1)) {
            return train(req, algorithm, runId, out, params);
        }
    }

    private TrainResult train(TrainRequest req, Algorithm algorithm, String runId, String out, Map<String, Number> params) {
        String alg = algorithm.id();
        Folds.check("folds", req.folds());
        if (req.folds() == null ? req.fold() != null : req.fold() == null || req.fold() < 0 || req.fold() >= req.folds()) {
            throw new InvalidInputException("fold", req.fold(), req.folds() == null ? "needs folds"
                    : "must be between 0 and folds - 1 (" + (req.folds() - 1) + ")");
        }
        // a search's trials save nothing and publish nothing: the supervisor reports them
        StatusBoard board = req.isTrial() ? null : this.board;
        try {
            LOG.infof("training %s on %s", alg, LogContext.location(req.data()));
            publish(board, out, runId, alg, TrainerState.INITIALIZED, 0, "waiting", null);
            publish(board, out, runId, alg, TrainerState.LOADING_DATA, 0, "reading " + LogContext.location(req.data()), null);
            Prepared data = prepare(req);
            long seed = req.seed() == null ? DEFAULT_SEED : req.seed();
            double[][] trainRows = data.trainRows;
            double[][] validation = null;
            if (req.folds() != null) {
                Folds folds = Folds.of(trainRows.length, req.folds(), seed);
                validation = gatherRows(trainRows, folds.heldOut(req.fold()));
                trainRows = gatherRows(trainRows, folds.kept(req.fold()));
            }

            publish(board, out, runId, alg, TrainerState.TRAINING, 0, "starting", null);
            long t0 = System.nanoTime();
            Progress progress = new Progress(board, out, runId, alg, algorithm == Algorithm.DECISION_TREE ? "tree" : "trees");
            Object model;
            try {
                model = SmileTrainer.fit(algorithm, params, trainRows, data.names(), seed, progress);
            } finally {
                progress.close();
            }
            long trainMillis = (System.nanoTime() - t0) / 1_000_000;
            LOG.infof("fitted on %d rows in %d ms", trainRows.length, trainMillis);

            publish(board, out, runId, alg, TrainerState.EVALUATING, 1, "scoring " + data.testY.length + " test rows", null);
            TreeEnsemble ensemble = SmileTrees.compile(model);
            // scored as predict will score it: the same encoding and missing-value policy
            Scored scored = scoreTest(new TreeModel(data.encoding(), ensemble), data);
            double[] predicted = scored.predicted();
            Metrics m = Metrics.of(scored.y(), predicted);
            Double validationMse = validation == null ? null : validationMse(ensemble, validation);
            if (req.isTrial()) {
                LOG.infof("trial done: validation mse %s, test mse %.4f", validationMse, m.mse());
                return new TrainResult(alg, TrainerState.DONE, m.mse(), m.rmse(), m.mae(), m.r2(), trainMillis,
                        null, null, params, null, data.summary, validationMse);
            }

            byte[] bytes = ModelCodec.write(model);
            store.write(RunLayout.model(out, runId, alg), bytes, "application/x-java-serialized-object");
            // What predictors load: the same trees as plain numbers, which no file can turn into code.
            String modelUri = RunLayout.trees(out, runId, alg);
            store.write(modelUri, TreeCodec.write(ensemble), "application/octet-stream");
            ModelMetadata meta = new ModelMetadata(ModelMetadata.FORMAT, alg, params, data.summary.features(),
                    data.summary.target(), m, trainMillis, bytes.length, data.summary, seed,
                    req.testFraction() == null ? DEFAULT_TEST_FRACTION : req.testFraction(), libraries(), runId,
                    Instant.now(clock).toString(), data.encoding());
            store.write(RunLayout.metadata(out, runId, alg), Json.write(meta), "application/json");
            store.write(RunLayout.insights(out, runId, alg), Json.write(ModelInsights.of(alg, data.summary.features(),
                    model, scored.y(), predicted)), "application/json");

            publish(board, out, runId, alg, TrainerState.DONE, 1, String.format("mse %.4f", m.mse()), null);
            LOG.infof("done: mse %.4f on %d test rows, model %d bytes", m.mse(), data.testY.length, bytes.length);
            return new TrainResult(alg, TrainerState.DONE, m.mse(), m.rmse(), m.mae(), m.r2(), trainMillis,
                    (long) bytes.length, modelUri, params, null, data.summary, validationMse);
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

    private static void publish(StatusBoard board, String out, String runId, String alg, TrainerState state,
                                double progress, String detail, String error) {
        if (board != null) {
            board.publish(out, runId, alg, state, progress, detail, error);
        }
    }

    private static double[][] gatherRows(double[][] rows, int[] idx) {
        double[][] out = new double[idx.length][];
        for (int i = 0; i < idx.length; i++) {
            out[i] = rows[idx[i]];
        }
        return out;
    }

    /** MSE on rows laid out as the training rows are (features, then the target). */
    private static double validationMse(TreeEnsemble ensemble, double[][] rows) {
        int p = rows[0].length - 1;
        double[][] columns = new double[p][rows.length];
        double[] y = new double[rows.length];
        for (int i = 0; i < rows.length; i++) {
            for (int j = 0; j < p; j++) {
                columns[j][i] = rows[i][j];
            }
            y[i] = rows[i][p];
        }
        double[] predicted = new double[rows.length];
        ensemble.predict(columns, rows.length, predicted);
        return Metrics.of(y, predicted).mse();
    }

    /** The test rows the model gives a prediction, with their true values. */
    private record Scored(double[] y, double[] predicted) {
    }

    /**
     * Scores the test rows: under {@code drop}, a test row with a category never seen in training gets no
     * prediction, and is left out rather than scored as a number it is not.
     */
    private static Scored scoreTest(TreeModel model, Prepared data) {
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

        Progress(StatusBoard board, String out, String runId, String alg, String unit) {
            this.board = board;
            this.out = out;
            this.runId = runId;
            this.alg = alg;
            this.unit = unit;
        }

        @Override
        public synchronized void onProgress(int done, int total) {
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

    private static Map<String, String> libraries() {
        Map<String, String> libs = new LinkedHashMap<>();
        libs.put("smile", version(smile.regression.RandomForest.class, "6.3.0"));
        libs.put("java", Runtime.version().toString());
        libs.put("canopy", version(TrainService.class, "dev"));
        return libs;
    }

    private static String version(Class<?> c, String fallback) {
        String v = c.getPackage() == null ? null : c.getPackage().getImplementationVersion();
        return v == null ? fallback : v;
    }

    /**
     * The training rows (row-major, target last), the test rows (column-major, as the model takes them), what
     * they came from, and the encoding saved with the model.
     */
    record Prepared(double[][] trainRows, double[][] testColumns, double[] testY, DatasetSummary summary,
                    FeatureEncoding encoding, List<String> warnings) {
        String[] names() {
            List<String> n = new ArrayList<>(summary.features());
            n.add(summary.target());
            return n.toArray(String[]::new);
        }
    }

    Prepared prepare(TrainRequest req) {
        DataPreparation.Options opt = DataPreparation.options(req.delimiter(), req.missing(), req.categorical(),
                req.maxCategories());
        String target = req.target() == null || req.target().isBlank() ? DEFAULT_TARGET : req.target();
        Double fraction = req.testFraction();
        if (req.testData() == null) {
            double f = fraction == null ? DEFAULT_TEST_FRACTION : fraction;
            if (!(f > 0 && f < 1)) {
                throw new InvalidInputException("testFraction", fraction, "must be greater than 0 and less than 1");
            }
        }
        String version = req.dataVersion() != null ? req.dataVersion() : store.head(req.data()).version();
        Table table = table("data", req.data(), version, opt.delimiter());
        if (table.rows() == 0) {
            throw new InvalidInputException("data", req.data(), "the data set is empty: it has a header but no rows");
        }
        double[] y = table.numeric("target", target);
        checkFinite("target", target, y);
        DataPreparation.Selection sel = DataPreparation.select(table, target, req.features(), req.exclude(), opt);
        Map<String, Integer> gaps = DataPreparation.gaps(sel, req.data());
        if (opt.missing() == MissingPolicy.ERROR) {
            DataPreparation.refuseGaps(gaps, table.rows(), req.data());
        }
        int rows = table.rows();
        int[] usable = opt.missing() == MissingPolicy.DROP ? DataPreparation.complete(sel, rows) : identity(rows);
        if (usable.length == 0) {
            throw new InvalidInputException("data", req.data(), "every row lacks a value in some feature (gaps: " + gaps
                    + "); with missing=drop no row is left");
        }

        int[] trainIdx;
        double[][] testColumns;
        double[] testY;
        FeatureEncoding encoding;
        FeatureEncoding.Encoder encoder;
        if (req.testData() == null) {
            DataSplit split = DataSplit.of(usable.length, fraction == null ? DEFAULT_TEST_FRACTION : fraction,
                    req.seed() == null ? DEFAULT_SEED : req.seed());
            trainIdx = pick(usable, split.train());
            int[] testIdx = pick(usable, split.test());
            encoding = DataPreparation.encode(sel, usable, trainIdx, y, opt);
            encoder = new FeatureEncoding.Encoder(encoding);
            testColumns = DataPreparation.columns(sel, encoder, testIdx);
            testY = gather(y, testIdx);
        } else {
            trainIdx = usable;
            encoding = DataPreparation.encode(sel, usable, trainIdx, y, opt);
            encoder = new FeatureEncoding.Encoder(encoding);
            String tv = req.testDataVersion() != null ? req.testDataVersion() : store.head(req.testData()).version();
            Table test = table("testData", req.testData(), tv, opt.delimiter());
            if (test.rows() == 0) {
                throw new InvalidInputException("testData", req.testData(), "the test data set has no rows");
            }
            double[] ty = test.numeric("testData.target", target);
            checkFinite("testData.target", target, ty);
            DataPreparation.Selection testSel = DataPreparation.same(test, sel);
            if (opt.missing() == MissingPolicy.ERROR) {
                DataPreparation.refuseGaps(DataPreparation.gaps(testSel, req.testData()), test.rows(), req.testData());
            }
            int[] testIdx = opt.missing() == MissingPolicy.DROP ? DataPreparation.complete(testSel, test.rows())
                    : identity(test.rows());
            testColumns = DataPreparation.columns(testSel, encoder, testIdx);
            testY = gather(ty, testIdx);
        }
        if (trainIdx.length < 2 || testY.length < 1) {
            throw new InvalidInputException("data", req.data(), "too few rows to train and test: " + rows
                    + " rows give " + trainIdx.length + " training and " + testY.length + " test rows");
        }
        double[][] x = DataPreparation.columns(sel, encoder, trainIdx);
        encoder.fill(x, trainIdx.length); // impute: the saved fill values; drop and error left no gaps
        double[][] trainRows = new double[trainIdx.length][x.length + 1];
        for (int i = 0; i < trainIdx.length; i++) {
            double[] r = trainRows[i];
            for (int j = 0; j < x.length; j++) {
                r[j] = x[j][i];
            }
            r[x.length] = y[trainIdx[i]];
        }
        List<String> categorical = encoding.features().stream().filter(FeatureEncoding.Feature::categorical)
                .map(FeatureEncoding.Feature::name).toList();
        DatasetSummary summary = new DatasetSummary(req.data(), version, rows, trainIdx.length, testY.length, target,
                List.copyOf(sel.names()), categorical, sel.leftOut(), opt.missing().id(), gaps, rows - usable.length);
        return new Prepared(trainRows, testColumns, testY, summary, encoding, sel.warnings());
    }

    private static int[] identity(int n) {
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = i;
        }
        return out;
    }

    private static int[] pick(int[] rows, int[] idx) {
        int[] out = new int[idx.length];
        for (int i = 0; i < idx.length; i++) {
            out[i] = rows[idx[i]];
        }
        return out;
    }

    /**
     * The table at {@code uri} and {@code version}, parsed once per trainer instance: a search sends one
     * instance trial after trial on the same pinned data, and parsing it again each time was the trials'
     * largest cost after the fit itself. A pinned version names the bytes, so a hit is the same table. Keeps
     * the {@value #CACHED_TABLES} most recently used (data and test data). Cached tables are shared between
     * trainers: nothing may write into their columns (prepare copies what it changes). Concurrent trainers
     * asking for the same table wait for one parse. A key must hold everything the parse depends on.
     */
    Table table(String field, String uri, String version, Character delimiter) {
        if (version == null) {
            return TableReader.read(field, uri, store.read(uri), delimiter);
        }
        String key = uri + '\n' + version + '\n' + delimiter;
        CompletableFuture<Table> table;
        boolean parse = false;
        synchronized (tables) {
            table = tables.get(key);
            if (table == null) {
                table = new CompletableFuture<>();
                tables.put(key, table);
                parse = true;
            }
        }
        if (parse) {
            try {
                table.complete(TableReader.read(field, uri, store.read(uri, version), delimiter));
            } catch (RuntimeException e) {
                synchronized (tables) {
                    tables.remove(key, table);
                }
                table.completeExceptionally(e);
                throw e;
            }
        }
        try {
            return table.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw e;
        }
    }

    private static double[] gather(double[] v, int[] idx) {
        double[] out = new double[idx.length];
        for (int i = 0; i < idx.length; i++) {
            out[i] = v[idx[i]];
        }
        return out;
    }

    private static void checkFinite(String field, String column, double[] v) {
        for (int i = 0; i < v.length; i++) {
            if (!Double.isFinite(v[i])) {
                throw new InvalidInputException(field, column, "the target must be a finite number in every row; row "
                        + (i + 1) + " holds " + v[i]);
            }
        }
    }
}
