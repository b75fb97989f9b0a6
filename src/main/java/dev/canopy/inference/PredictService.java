package dev.canopy.inference;

import dev.canopy.data.ObjectStoreInputFile;
import dev.canopy.data.ParquetColumns;
import dev.canopy.data.ParquetPredictionsWriter;
import dev.canopy.error.InvalidInputException;
import dev.canopy.storage.ObjectInfo;
import dev.canopy.storage.ObjectStore;

import java.util.Arrays;

/**
 * One predictor instance: on Lambda, one per warm execution environment; locally, one per pool slot. It
 * keeps its own model cache, so a model is loaded once per instance and reused by every later call.
 */
public final class PredictService {
    private final ObjectStore store;
    private final ModelCache cache;
    private final String instanceId;

    public PredictService(ObjectStore store, ModelCache cache, String instanceId) {
        this.store = store;
        this.cache = cache;
        this.instanceId = instanceId;
    }

    public String instanceId() {
        return instanceId;
    }

    public ModelCache cache() {
        return cache;
    }

    public PredictResult predict(PredictRequest req) {
        long t0 = System.nanoTime();
        if (req == null) {
            throw new InvalidInputException("request", null, "a predict request body is required");
        }
        if (req.modelUri() == null || req.modelUri().isBlank()) {
            throw new InvalidInputException("modelUri", req.modelUri(), "required: a model URI or rule:<expr>");
        }
        if (req.shard() == null || req.shard().isBlank()) {
            throw new InvalidInputException("shard", req.shard(), "required: the Parquet shard to score");
        }
        String version = ModelLoader.version(store, req.modelUri());
        ModelCache.Lookup lookup = cache.get(req.modelUri(), version, () -> ModelLoader.load(store, req.modelUri(), version));
        Model model = lookup.model();

        ObjectInfo info = store.head(req.shard());
        if (info.size() == 0) {
            throw new InvalidInputException("shard", req.shard(), "the shard is empty (0 bytes)");
        }
        boolean keep = req.outputUri() != null && !req.outputUri().isBlank();
        double[][] scores = {new double[0]};
        double[] sum = {0};
        int[] kept = {0};
        long rows = ParquetColumns.scan("shard", new ObjectStoreInputFile(store, req.shard(), info.size()),
                model.columns(), (columns, n) -> {
                    double[] out = keep ? grow(scores, kept[0] + n, kept[0]) : buffer(scores, n);
                    double[] target = keep ? new double[n] : out;
                    model.score(columns, n, target);
                    double s = 0;
                    for (int i = 0; i < n; i++) {
                        s += target[i];
                    }
                    sum[0] += s;
                    if (keep) {
                        System.arraycopy(target, 0, scores[0], kept[0], n);
                        kept[0] += n;
                    }
                });
        String written = null;
        if (keep) {
            store.write(req.outputUri(), ParquetPredictionsWriter.write(scores[0], kept[0]), "application/vnd.apache.parquet");
            written = req.outputUri();
        }
        return new PredictResult(req.shard(), rows, sum[0], instanceId, lookup.loaded(),
                (System.nanoTime() - t0) / 1_000_000, written);
    }

    private static double[] buffer(double[][] holder, int n) {
        if (holder[0].length < n) {
            holder[0] = new double[n];
        }
        return holder[0];
    }

    private static double[] grow(double[][] holder, int needed, int used) {
        if (holder[0].length < needed) {
            holder[0] = Arrays.copyOf(holder[0], Math.max(needed, holder[0].length * 2));
        }
        return holder[0];
    }
}
