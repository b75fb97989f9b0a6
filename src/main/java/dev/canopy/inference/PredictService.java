package dev.canopy.inference;

import dev.canopy.data.ObjectStoreInputFile;
import dev.canopy.data.ParquetColumns;
import dev.canopy.data.KeptColumns;
import dev.canopy.error.InvalidInputException;
import dev.canopy.error.ObjectNotFoundException;
import dev.canopy.log.LogContext;
import dev.canopy.model.Model;
import dev.canopy.model.RuleModel;
import dev.canopy.parquet.read.ReadTuning;
import dev.canopy.predictions.ParquetPredictionsWriter;
import dev.canopy.predictions.PredictionsCsv;
import dev.canopy.storage.ObjectStore;
import org.jboss.logging.Logger;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * One predictor instance: on Lambda, one per warm execution environment; locally, one per pool slot. It
 * keeps its own model cache, so a model is loaded once per instance and reused by every later call.
 */
public final class PredictService {
    private static final Logger LOG = Logger.getLogger(PredictService.class);
    private final ObjectStore store;
    private final ModelCache cache;
    /** Renewed only when a snapshot of this instance is restored (see {@link #renewInstanceId}). */
    private volatile String instanceId;

    private final ReadTuning tuning;

    public PredictService(ObjectStore store, ModelCache cache, String instanceId) {
        this(store, cache, instanceId, ReadTuning.DEFAULT);
    }

    /** {@code tuning}: how shards are read (footer guess, hole limit, read-ahead bytes per shard). */
    public PredictService(ObjectStore store, ModelCache cache, String instanceId, ReadTuning tuning) {
        this.store = store;
        this.cache = cache;
        this.instanceId = instanceId;
        this.tuning = tuning;
    }

    public String instanceId() {
        return instanceId;
    }

    /**
     * Gives this instance a new id. Lambda SnapStart restores many execution environments from one snapshot
     * of an initialised one; each must report its own id, or the orchestrator's instance count and the
     * "one model load per instance" accounting would merge them. The warm model cache is kept: sharing it
     * is the point of the snapshot.
     */
    public void renewInstanceId(String id) {
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException("instance id must not be blank");
        }
        this.instanceId = id;
    }

    public ModelCache cache() {
        return cache;
    }

    public PredictResult predict(PredictRequest req) {
        if (req == null) {
            throw new InvalidInputException("request", null, "a predict request body is required");
        }
        if (req.attempt() != null && (req.attempt() < 1 || req.attempt() > 1000)) {
            throw new InvalidInputException("attempt", req.attempt(), "must be between 1 and 1000");
        }
        try (LogContext ignored = LogContext.push(LogContext.FUNCTION, "predict", LogContext.RUN_ID, req.runId(),
                LogContext.SHARD, LogContext.location(req.shard()), LogContext.ATTEMPT,
                req.attempt() == null ? 1 : req.attempt())) {
            try {
                PredictResult r = score(req);
                LOG.infof("scored %d rows in %d ms (model %s)", r.rows(), r.millis(), r.modelLoaded() ? "loaded" : "cached");
                return r;
            } catch (RuntimeException e) {
                LOG.warnf("failed: %s", BatchPredictService.describe(e));
                throw e;
            }
        }
    }

    /** The object this request's predictions go to, or null when they are only summed. */
    private static String output(PredictRequest req) {
        boolean hasUri = req.outputUri() != null && !req.outputUri().isBlank();
        boolean hasPrefix = req.outputPrefix() != null && !req.outputPrefix().isBlank();
        if (hasUri && hasPrefix) {
            throw new InvalidInputException("outputPrefix", req.outputPrefix(), "give outputUri or outputPrefix, not both");
        }
        return hasUri ? req.outputUri() : hasPrefix ? ShardOutputs.outputUri(req.outputPrefix(), req.shard()) : null;
    }

    private PredictResult score(PredictRequest req) {
        long t0 = System.nanoTime();
        if (req.modelUri() == null || req.modelUri().isBlank()) {
            throw new InvalidInputException("modelUri", req.modelUri(), "required: a model URI or rule:<expr>");
        }
        if (req.shard() == null || req.shard().isBlank()) {
            throw new InvalidInputException("shard", req.shard(), "required: the Parquet shard to score");
        }
        String output = output(req);
        List<String> keepNames = OutputOptions.keepColumns(req.keepColumns());
        boolean csv = OutputOptions.csv(req.outputFormat());
        if (output == null && (!keepNames.isEmpty() || csv)) {
            throw new InvalidInputException(csv ? "outputFormat" : "keepColumns", csv ? req.outputFormat() : keepNames,
                    "applies to the predictions file; give outputUri or outputPrefix");
        }
        ModelReads modelReads = new ModelReads(store);
        ModelCache.Lookup lookup = model(req, modelReads);
        Model model = lookup.model();

        // No HEAD: the first read is the footer's, by one suffix read that also gives the size and the version
        // every later read of the shard is pinned to (ObjectStoreInputFile).
        ObjectStoreInputFile shard = new ObjectStoreInputFile(store, req.shard(), tuning);
        if (shard.getLength() == 0) {
            throw new InvalidInputException("shard", req.shard(), "the shard is empty (0 bytes)");
        }
        boolean keep = output != null;
        OutputOptions.checkClashes(keepNames, ShardScores.columnNames(model.classes()));
        KeptColumns keptColumns = keep ? KeptColumns.of(keepNames, csv) : KeptColumns.none();
        ShardScores scores = new ShardScores(model, keep);
        long[] read = {0};
        // A categorical feature is a text column in the shard, read through the model's category codes.
        Map<String, ToDoubleFunction<String>> text = new HashMap<>();
        for (int j = 0; j < model.columns().size(); j++) {
            ToDoubleFunction<String> coder = model.textCoder(j);
            if (coder != null) {
                text.put(model.columns().get(j), coder);
            }
        }
        long rows;
        try {
            rows = ParquetColumns.scan("shard", shard, model.columns(), text, keptColumns, (columns, n) -> {
                        scores.add(columns, n);
                        read[0] += n;
                    });
        } catch (InvalidInputException e) {
            if (e.field().equals("features")) {
                // a gap or an unseen category the model's policy refuses: the shard is what is wrong
                throw new InvalidInputException("shard", req.shard(), "in the batch of rows from row " + (read[0] + 1) + ": "
                        + e.getMessage());
            }
            throw e;
        }
        String written = null;
        String csvCopy = null;
        if (keep) {
            store.write(output, ParquetPredictionsWriter.write(scores.columns(), scores.rows(), keptColumns,
                    Lineage.of(req, model)), ShardOutputs.PARQUET_CONTENT_TYPE);
            written = output;
            if (csv) {
                // after the Parquet file: a retry rewrites both, and the Parquet dataset never lacks a shard the copy has
                csvCopy = ShardOutputs.csvCopyUri(output);
                store.write(csvCopy, PredictionsCsv.write(scores.columns(), scores.rows(), keptColumns),
                        ShardOutputs.CSV_CONTENT_TYPE);
            }
        }
        ObjectStoreInputFile.Totals shardReads = shard.counts();
        return new PredictResult(req.shard(), rows, scores.sum(), instanceId, lookup.loaded(),
                (System.nanoTime() - t0) / 1_000_000, written, csvCopy, modelReads.requests() + shardReads.requests(),
                modelReads.roundTrips() + shardReads.roundTrips(), shardReads.bytes());
    }

    /**
     * The request's model, from the cache or loaded. Pinned ({@code modelVersion}, as the orchestrator sends it):
     * no storage call when cached, else the model and its metadata read at once with {@code If-Match}. Unpinned and
     * cold: the same single round trip, the version taken from the model read's answer. Unpinned and warm: one HEAD
     * to see whether the model was replaced.
     */
    private ModelCache.Lookup model(PredictRequest req, ModelReads reads) {
        String uri = req.modelUri();
        if (RuleModel.isRule(uri)) {
            String v = ModelLoader.version(reads, uri);
            return cache.get(uri, v, () -> ModelLoader.load(reads, uri, v));
        }
        String pinned = req.modelVersion() == null || req.modelVersion().isBlank() ? null : req.modelVersion();
        String version = pinned;
        if (version == null && !cache.holds(uri)) {
            reads.prefetch(uri, null);
            try {
                version = reads.modelVersion();
            } catch (ObjectNotFoundException e) {
                throw new ObjectNotFoundException(uri).with("field", "modelUri");
            }
        } else if (version == null) {
            version = ModelLoader.version(reads, uri);
        }
        String v = version;
        return cache.get(uri, v, () -> {
            if (pinned != null) {
                reads.prefetch(uri, pinned);
            }
            return ModelLoader.load(reads, uri, v);
        });
    }
}
