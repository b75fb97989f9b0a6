package dev.canopy.inference;

import dev.canopy.cost.CostMeter;
import dev.canopy.cost.PriceTable;
import dev.canopy.error.CanopyException;
import dev.canopy.invoke.FunctionInvocationException;
import dev.canopy.error.InvalidInputException;
import dev.canopy.invoke.FunctionInvoker;
import dev.canopy.json.Json;
import dev.canopy.log.LogContext;
import dev.canopy.pool.Backoff;
import dev.canopy.pool.CallState;
import dev.canopy.pool.FunctionPool;
import dev.canopy.pool.PoolResult;
import dev.canopy.pool.Throttle;
import dev.canopy.storage.ObjectInfo;
import dev.canopy.storage.ObjectStore;
import dev.canopy.storage.StorageUri;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * The batch inference orchestrator: Ray's ActorPool pattern over {@code predict} functions. At most
 * {@code poolSize} predictions run at once, one per warm predictor instance; every shard gets exactly one
 * row, whether it succeeded, failed, timed out or was never started.
 *
 * <p><b>Retries.</b> The pool is the one layer that retries a shard ({@link dev.canopy.pool.RetryPolicy}
 * states the rule): the invoker under it makes one attempt per call, so a shard is sent at most
 * {@code maxAttempts} times. A shard whose call timed out, and may still be running, is retried too: each
 * attempt writes only in the staging folder, under its own name ({@link ShardOutputs#stagedUri}), and the
 * batch moves the one attempt whose answer it accepted to the shard's final name. An abandoned call that
 * writes late therefore writes there, never under a final name, whatever the batch did meanwhile.
 *
 * <p><b>Outputs and resume.</b> Before any shard is read, {@link BatchOutputs} checks the output prefix (one
 * batch per prefix; a RUNNING manifest written first) and after the run removes outputs of shards that did
 * not succeed, and empties the staging folder. A request with {@code resumeFrom} runs only the shards its
 * manifest ({@link BatchManifests}) does not list as SUCCEEDED and merges the rows ({@link BatchPlan}).
 */
public final class BatchPredictService {
    private static final Logger LOG = Logger.getLogger(BatchPredictService.class);
    public static final String PREDICT_FUNCTION = "predict";
    /** Lambda's synchronous response limit is 6 MB; keep a margin for the envelope. */
    static final int MAX_RESPONSE_BYTES = 5_500_000;
    private static final Set<String> PERMANENT = Set.of("InvalidInputException", "ObjectNotFoundException",
            "ConflictException", "UnrecognizedPropertyException");

    /** Limits that protect the service from absurd requests. */
    public record Limits(int maxPoolSize, int maxShards) {
    }

    private final ObjectStore store;
    private final FunctionInvoker invoker;
    private final Limits limits;
    private final Backoff backoff;
    private final PriceTable prices;
    /** {@code canopy.output-uri}'s default. */
    static final String DEFAULT_OUTPUT = "canopy-out";
    private final String defaultOutput;
    /** Progress snapshots ({@link BatchProgress}) are published at most this often, plus a final one. */
    static final long PROGRESS_INTERVAL_MILLIS = Throttle.PROGRESS_INTERVAL_MILLIS;
    private LongSupplier progressClock = System::currentTimeMillis;
    /** The batches running in this process; {@link #stopRunning} stops them. */
    private final BatchStops stops = new BatchStops();

    public BatchPredictService(ObjectStore store, FunctionInvoker invoker, Limits limits, Backoff backoff) {
        this(store, invoker, limits, backoff, PriceTable.DEFAULT);
    }

    /** @param prices the price table of the result's cost report */
    public BatchPredictService(ObjectStore store, FunctionInvoker invoker, Limits limits, Backoff backoff,
                               PriceTable prices) {
        this(store, invoker, limits, backoff, prices, DEFAULT_OUTPUT);
    }

    /**
     * @param defaultOutput where a batch without an output prefix keeps its bookkeeping (its progress, and an
     *                      answer too large to return): the deployment's {@code canopy.output-uri}
     */
    public BatchPredictService(ObjectStore store, FunctionInvoker invoker, Limits limits, Backoff backoff,
                               PriceTable prices, String defaultOutput) {
        this.store = store;
        this.invoker = invoker;
        this.limits = limits;
        this.backoff = backoff;
        this.prices = prices;
        this.defaultOutput = defaultOutput;
    }

    /** The clock of the progress snapshots' times and throttle; a test's fake clock. */
    BatchPredictService progressClock(LongSupplier clock) {
        this.progressClock = clock;
        return this;
    }

    public BatchPredictResult run(BatchPredictRequest req) {
        return run(req, () -> Long.MAX_VALUE);
    }

    /**
     * Stops the batches running in this process as their time budget would (a Ctrl-C on the command line):
     * no shard starts any more, the running ones finish, and each batch writes its manifest with the shards
     * that succeeded, so that {@code resumeFrom} runs only the others.
     *
     * @return how many batches were told to stop
     */
    public int stopRunning() {
        return stops.stopAll();
    }

    /**
     * @param millisLeft how long the caller may still run (a Lambda's remaining time minus a margin for
     *                   the report); no new shard is started once it reaches 0, and the shards left are
     *                   reported CANCELLED
     */
    public BatchPredictResult run(BatchPredictRequest req, LongSupplier millisLeft) {
        if (req == null) {
            throw new InvalidInputException("request", null, "a batch-predict request body is required");
        }
        // the run id names the spilled result object, so it must be a safe key segment
        String runId = req.runId() == null || req.runId().isBlank()
                ? "batch-" + UUID.randomUUID().toString().substring(0, 8) : StorageUri.checkSegment("runId", req.runId());
        try (LogContext ignored = LogContext.push(LogContext.FUNCTION, "batch-predict", LogContext.RUN_ID, runId,
                LogContext.ATTEMPT, 1)) {
            BatchPredictResult r;
            try (BatchStops.Stop stop = stops.start()) {
                r = run(req, runId, stop.budget(millisLeft), stop::stopped);
            }
            LOG.infof("batch done: %d shards, %d succeeded, %d failed, %d rows, %d model loads on %d instances, %d ms",
                    r.succeeded() + r.failed(), r.succeeded(), r.failed(), r.rows(), r.modelLoads(), r.instances(), r.wallMillis());
            return r;
        }
    }

    private BatchPredictResult run(BatchPredictRequest req, String runId, LongSupplier millisLeft,
                                   java.util.function.BooleanSupplier stopped) {
        long t0 = System.nanoTime();
        int poolSize = req.poolSize() == null ? 6 : req.poolSize();
        if (poolSize < 1 || poolSize > limits.maxPoolSize()) {
            throw new InvalidInputException("poolSize", req.poolSize(), "must be between 1 and " + limits.maxPoolSize());
        }
        int maxAttempts = req.maxAttempts() == null ? 3 : req.maxAttempts();
        if (maxAttempts < 1 || maxAttempts > 10) {
            throw new InvalidInputException("maxAttempts", req.maxAttempts(), "must be between 1 and 10");
        }
        int timeout = req.shardTimeoutSeconds() == null ? 300 : req.shardTimeoutSeconds();
        if (timeout < 1 || timeout > 900) {
            throw new InvalidInputException("shardTimeoutSeconds", req.shardTimeoutSeconds(),
                    "must be between 1 and 900 (Lambda's maximum)");
        }
        double tolerated = req.toleratedFailurePercentage() == null ? 0 : req.toleratedFailurePercentage();
        if (!(tolerated >= 0 && tolerated <= 100)) {
            throw new InvalidInputException("toleratedFailurePercentage", req.toleratedFailurePercentage(),
                    "must be between 0 and 100");
        }
        BatchPredictResult resumed = null;
        if (req.resumeFrom() != null && !req.resumeFrom().isBlank()) {
            resumed = BatchManifests.load(store, req);
            req = BatchManifests.continued(req, resumed); // the manifest's model, shards and outputs
        }
        if (req.modelUri() == null || req.modelUri().isBlank()) {
            throw new InvalidInputException("modelUri", req.modelUri(), "required: a model URI or rule:<expr>");
        }
        // Fail fast on a missing model or a bad rule, rather than once per shard.
        String modelVersion = ModelLoader.version(store, req.modelUri());
        if (resumed != null) {
            BatchManifests.checkModel(req, resumed, modelVersion);
        }
        List<String> keepColumns = OutputOptions.keepColumns(req.keepColumns());
        if (OutputOptions.csv(req.outputFormat()) && (req.outputPrefix() == null || req.outputPrefix().isBlank())) {
            throw new InvalidInputException("outputFormat", req.outputFormat(), "a CSV copy needs outputPrefix");
        }
        if (!keepColumns.isEmpty() && (req.outputPrefix() == null || req.outputPrefix().isBlank())) {
            throw new InvalidInputException("keepColumns", keepColumns, "kept columns go into the predictions files; give outputPrefix");
        }
        List<String> shards = shards(req);
        String outputPrefix = req.outputPrefix() == null || req.outputPrefix().isBlank() ? null : req.outputPrefix();
        BatchPlan plan = new BatchPlan(runId, req.modelUri(), modelVersion, shards,
                resumed != null ? resumed.shardPrefix() : req.shardPrefix(), outputPrefix, req.keepColumns(),
                req.outputFormat(), resumed, req.resumeFrom());
        List<Integer> todo = plan.todo();
        if (todo.isEmpty()) {
            LOG.infof("nothing to resume: every shard of %s succeeded; returning the manifest unchanged", req.resumeFrom());
            BatchPredictResult done = with(resumed, resumed.shards(), plan.manifestUri(), null);
            return Boolean.TRUE.equals(req.summaryOnly()) ? with(done, List.of(), done.manifestUri(), null) : done;
        }
        // What every shard would fail on (the model, the kept columns) fails the batch once, before any call.
        BatchPreflight.check(store, req.modelUri(), modelVersion, shards.get(todo.getFirst()), keepColumns,
                OutputOptions.csv(req.outputFormat()));
        // Before any shard is read: the outputs may be written there, and mixing with another batch is refused.
        BatchOutputs outputs = new BatchOutputs(store, plan);
        outputs.prepare(Boolean.TRUE.equals(req.overwrite()), poolSize);
        LOG.infof("scoring %d shards with %s, pool of %d%s", todo.size(), LogContext.location(req.modelUri()), poolSize,
                resumed == null ? "" : " (resuming " + req.resumeFrom() + ": " + (shards.size() - todo.size())
                        + " shards succeeded before)");
        boolean ordered = req.ordered() == null || req.ordered();
        BatchPredictRequest effective = req; // for a resume, completed from the manifest

        List<ShardResult> rows = new ArrayList<>(shards.size());
        CostMeter meter = new CostMeter(prices);
        ProgressPublisher progress = new ProgressPublisher(store, BatchProgress.uri(outputPrefix, defaultOutput, runId), runId,
                todo.size(), progressClock, PROGRESS_INTERVAL_MILLIS);
        try (FunctionPool<Integer, PredictResult> pool = FunctionPool.<Integer, PredictResult>builder(poolSize)
                .progress(progress::onResult)
                .callTimeout(Duration.ofSeconds(timeout))
                .maxAttempts(maxAttempts)
                .backoff(backoff)
                .retryable(BatchPredictService::transientFault)
                // predict is idempotent (see the class comment): a timed-out shard may be sent again
                .timeouts(FunctionInvocationException::noResponse)
                .retryTimeouts(true)
                .build((i, slot, attempt) -> predict(effective, modelVersion, shards.get(i), outputPrefix, runId, slot,
                        attempt, meter, i, stopped, millisLeft))) {
            int next = 0;
            // submit() blocks while the pool's bounded queue is full, so this loop advances no faster than
            // slots free up, and checks the time before every new shard.
            while (next < todo.size() && millisLeft.getAsLong() > 0) {
                pool.submit(todo.get(next++));
            }
            while (pool.hasNext()) {
                rows.add(row(pool.getNextUnordered(), shards, meter));
            }
            for (int i = next; i < todo.size(); i++) {
                rows.add(BatchStops.notStarted(todo.get(i), shards.get(todo.get(i))));
            }
        }
        // the progress counts this run's shards: a resumed batch's carried rows were done before it started
        long ranOk = rows.stream().filter(r -> r.state() == CallState.SUCCEEDED).count();
        long ranRows = rows.stream().filter(r -> r.state() == CallState.SUCCEEDED).mapToLong(ShardResult::rows).sum();
        int ran = rows.size();
        rows.addAll(plan.carried());
        if (ordered || resumed != null) {
            rows.sort(java.util.Comparator.comparingInt(ShardResult::index));
        }
        BatchPredictResult result = finish(plan, outputs, poolSize, rows, tolerated,
                Boolean.TRUE.equals(req.summaryOnly()), t0, meter);
        progress.finish(ran, ran - (int) ranOk, ranRows);
        return result;
    }

    /**
     * One attempt at one shard, on a pool thread: its log lines carry the shard and the attempt. Its billing,
     * failed or not, goes to the meter under the shard's index.
     */
    private PredictResult predict(BatchPredictRequest req, String modelVersion, String shard, String outputPrefix,
                                  String runId, int slot, int attempt, CostMeter meter, int index,
                                  BooleanSupplier stopped, LongSupplier millisLeft) {
        if (stopped.getAsBoolean()) {
            throw new BatchStops.NotStarted(); // queued before the batch was stopped: not sent
        }
        // Past the deadline nothing more is sent: a queued shard does not start, a failed one is not tried
        // again, so the last attempt is one started before the budget ran out and the arithmetic of
        // docs/guarantees.md ("Time") holds whatever maxAttempts says.
        if (millisLeft.getAsLong() <= 0) {
            if (attempt == 1) {
                throw new BatchStops.NotStarted();
            }
            throw new BatchStops.NotRetried(attempt - 1);
        }
        try (LogContext ignored = LogContext.push(LogContext.FUNCTION, "batch-predict", LogContext.RUN_ID, runId,
                LogContext.SHARD, LogContext.location(shard), LogContext.ATTEMPT, attempt)) {
            try {
                String staged = outputPrefix == null ? null : ShardOutputs.stagedUri(outputPrefix, runId, attempt, shard);
                var r = invoker.invokeBilled(PREDICT_FUNCTION, new PredictRequest(req.modelUri(), shard,
                        staged, runId, attempt, null, req.keepColumns(), req.outputFormat(),
                        modelVersion), // pinned: warm predictors ask storage nothing about the model
                        PredictResult.class, slot);
                meter.record(PREDICT_FUNCTION, index, r.billing());
                return staged == null ? r.value() : commit(r.value(), outputUri(outputPrefix, shard));
            } catch (RuntimeException e) {
                meter.recordFailure(PREDICT_FUNCTION, index, e);
                LOG.warnf("attempt %d failed, %s: %s", attempt, FunctionInvocationException.noResponse(e) ? "no response"
                        : transientFault(e) ? "transient" : "permanent", describe(e));
                throw e;
            }
        }
    }

    /**
     * Commits an accepted attempt: moves what the predictor wrote in the staging folder to the shard's final
     * name (and the CSV copy beside it), the one write under that name: a rename locally, {@code CopyObject}
     * and {@code DeleteObject} on S3. A failed move fails the attempt, as transient or not as the store says,
     * and the pool's rule decides whether it is tried again.
     */
    private PredictResult commit(PredictResult staged, String finalUri) {
        store.move(staged.outputUri(), finalUri, ShardOutputs.PARQUET_CONTENT_TYPE);
        String csv = null;
        if (staged.csvUri() != null) {
            // after the Parquet file, as predict writes them: the Parquet dataset never lacks a shard the copy has
            csv = ShardOutputs.csvCopyUri(finalUri);
            store.move(staged.csvUri(), csv, ShardOutputs.CSV_CONTENT_TYPE);
        }
        return new PredictResult(staged.shard(), staged.rows(), staged.scoreSum(), staged.instanceId(),
                staged.modelLoaded(), staged.millis(), finalUri, csv, staged.requests(), staged.roundTrips(),
                staged.bytesRead());
    }

    private BatchPredictResult finish(BatchPlan plan, BatchOutputs outputs, int poolSize, List<ShardResult> rows,
                                      double tolerated, boolean summaryOnly, long t0, CostMeter meter) {
        String runId = plan.runId();
        String outputPrefix = plan.outputPrefix();
        long total = 0;
        double sum = 0;
        int ok = 0;
        int loads = 0;
        Set<String> instances = new HashSet<>();
        for (ShardResult r : rows) {
            if (r.state() == CallState.SUCCEEDED) {
                ok++;
                total += r.rows();
                sum += r.scoreSum();
            }
            if (Boolean.TRUE.equals(r.modelLoaded())) {
                loads++;
            }
            if (r.instanceId() != null) {
                instances.add(r.instanceId());
            }
        }
        int failed = rows.size() - ok;
        boolean exceeded = failed * 100.0 > tolerated * rows.size();
        String manifestUri = null;
        long millis = (System.nanoTime() - t0) / 1_000_000;
        // a resumed batch's manifest covers both runs: its wall time is their sum; its cost is this run's calls
        long wall = millis + (plan.resumed() == null ? 0 : plan.resumed().wallMillis());
        BatchPredictResult result = plan.manifest(poolSize, rows, total, sum, ok, failed, loads, instances.size(), wall,
                exceeded, meter.report("batch-predict", millis), BatchOutputs.DONE);
        if (outputPrefix != null) {
            outputs.removeUnfinished(rows);
            outputs.removeStaged();
            manifestUri = plan.manifestUri();
            store.write(manifestUri, Json.write(result), "application/json");
            result = with(result, rows, manifestUri, null);
        }
        if (summaryOnly && manifestUri != null) {
            result = with(result, List.of(), manifestUri, null);
        } else if (summaryOnly || Json.writeString(result).getBytes(StandardCharsets.UTF_8).length > MAX_RESPONSE_BYTES) {
            String where = outputPrefix != null ? outputPrefix : defaultOutput;
            String resultUri = StorageUri.join(where, "_result-" + runId + ".json");
            store.write(resultUri, Json.write(result), "application/json");
            result = with(result, List.of(), manifestUri, resultUri);
        }
        return result;
    }

    private static BatchPredictResult with(BatchPredictResult r, List<ShardResult> rows, String manifestUri, String resultUri) {
        return new BatchPredictResult(r.runId(), r.modelUri(), r.poolSize(), rows, r.rows(), r.scoreSum(), r.succeeded(),
                r.failed(), r.modelLoads(), r.instances(), r.wallMillis(), r.toleranceExceeded(), manifestUri, resultUri,
                r.cost(), r.resumedFrom(), r.modelVersion(), r.shardPrefix(), r.outputPrefix(), r.keepColumns(),
                r.outputFormat(), r.state());
    }

    private static ShardResult row(PoolResult<Integer, PredictResult> r, List<String> shards, CostMeter meter) {
        int i = r.input();
        if (r.error() instanceof BatchStops.NotStarted) {
            return BatchStops.notStarted(i, shards.get(i));
        }
        PredictResult v = r.value();
        if (v != null) {
            return new ShardResult(i, shards.get(i), r.state(), v.rows(), v.scoreSum(), r.attempts(), v.instanceId(),
                    v.modelLoaded(), r.millis(), v.outputUri(), null, meter.billedMillis(i), null, v.requests(), v.roundTrips());
        }
        return new ShardResult(i, shards.get(i), r.state(), null, null, r.attempts(), null, null, r.millis(), null,
                describe(r.error()), meter.billedMillis(i));
    }

    static String describe(Throwable e) {
        if (e == null) {
            return null;
        }
        if (e instanceof FunctionInvocationException f) {
            return f.errorType() + ": " + f.errorMessage();
        }
        String type = e instanceof CanopyException c ? c.errorType() : e.getClass().getSimpleName();
        return type + ": " + e.getMessage();
    }

    /**
     * Throttling, 5xx, I/O and crashes are worth another attempt; bad input, a refused request and missing
     * objects are not. A call with no response is a timeout, which the pool decides on separately.
     */
    static boolean transientFault(Throwable e) {
        if (e instanceof FunctionInvocationException f) {
            return switch (f.outcome()) {
                case THROTTLED, SERVICE_ERROR, UNREACHABLE -> true;
                case CLIENT_ERROR, NO_RESPONSE -> false;
                case FUNCTION_ERROR -> f.retryable() || !PERMANENT.contains(f.errorType());
            };
        }
        if (e instanceof CanopyException c) {
            return c.retryable();
        }
        return e instanceof java.io.IOException || e instanceof java.io.UncheckedIOException;
    }

    private List<String> shards(BatchPredictRequest req) {
        boolean hasList = req.shards() != null && !req.shards().isEmpty();
        boolean hasPrefix = req.shardPrefix() != null && !req.shardPrefix().isBlank();
        if (hasList == hasPrefix) {
            throw new InvalidInputException(hasList ? "shardPrefix" : "shards", hasList ? req.shardPrefix() : req.shards(),
                    hasList ? "give shards or shardPrefix, not both" : "required: a non-empty shards list or a shardPrefix");
        }
        List<String> out;
        if (hasList) {
            // checked before the copy: List.copyOf throws a bare NullPointerException on a null element
            for (int i = 0; i < req.shards().size(); i++) {
                String shard = req.shards().get(i);
                if (shard == null || shard.isBlank()) {
                    throw new InvalidInputException("shards[" + i + "]", shard, "a shard URI is required");
                }
            }
            out = List.copyOf(req.shards());
        } else {
            out = store.list(req.shardPrefix()).stream().map(ObjectInfo::uri)
                    .filter(u -> u.endsWith(".parquet")).toList();
            if (out.isEmpty()) {
                throw new InvalidInputException("shardPrefix", req.shardPrefix(), "no .parquet objects under this prefix");
            }
        }
        if (out.size() > limits.maxShards()) {
            throw new InvalidInputException(hasList ? "shards" : "shardPrefix", out.size() + " shards",
                    "more than " + limits.maxShards() + " shards in one request; split the request, or use the "
                            + "Distributed Map workflow for shard sets this large");
        }
        return out;
    }

    /** The output object for a shard (see {@link ShardOutputs#outputUri}). */
    static String outputUri(String prefix, String shard) {
        return ShardOutputs.outputUri(prefix, shard);
    }
}
