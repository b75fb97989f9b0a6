package dev.canopy.inference;

import dev.canopy.data.ObjectStoreInputFile;
import dev.canopy.data.ParquetColumns;
import dev.canopy.parquet.read.ParquetFile;
import dev.canopy.pool.CallState;
import dev.canopy.storage.ObjectInfo;
import dev.canopy.storage.ObjectStore;
import dev.canopy.storage.StorageUri;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a batch that never wrote its final manifest (killed with SIGKILL, out of memory, a host gone) had
 * finished, rebuilt from its outputs. Its manifest still says RUNNING, with a not-finished row for every
 * shard it was to run; each of those shards whose predictions are under the output prefix, written by that
 * very run (the file's lineage: {@link Lineage#RUN_ID} the manifest's run, {@link Lineage#MODEL_URI} its
 * model, {@link Lineage#SHARD} the shard) and whole (objects are written in one piece, and the footer is
 * read), counts as SUCCEEDED with the rows and score sum read back from the file. So a resume reruns only
 * the shards that had no output yet, and no shard is counted twice: an output is the shard's one object.
 */
final class BatchRecovery {
    private static final Logger LOG = Logger.getLogger(BatchRecovery.class);

    private BatchRecovery() {
    }

    /** {@code m} with the rows its run finished but could not record; {@code m} itself when it ended normally. */
    static BatchPredictResult recover(ObjectStore store, BatchPredictResult m) {
        String prefix = m.outputPrefix();
        if (!BatchOutputs.RUNNING.equals(m.state()) || prefix == null || m.runId() == null) {
            return m;
        }
        Map<String, ObjectInfo> present = new HashMap<>();
        for (ObjectInfo o : store.list(StorageUri.join(prefix, ""))) {
            present.put(StorageUri.relative(prefix, o.uri()), o);
        }
        boolean csv = "csv".equals(BatchOutputs.outputFormat(m.outputFormat()));
        List<ShardResult> rows = new ArrayList<>(m.shards().size());
        int recovered = 0;
        for (ShardResult r : m.shards()) {
            ShardResult found = r.state() == CallState.SUCCEEDED ? null : found(store, m, r, present, csv);
            if (found != null) {
                recovered++;
            }
            rows.add(found != null ? found : r);
        }
        if (recovered == 0) {
            return m;
        }
        LOG.infof("the batch %s stopped without its final manifest; %d shard(s) whose outputs it wrote are kept",
                m.runId(), recovered);
        long total = 0;
        double sum = 0;
        int ok = 0;
        for (ShardResult r : rows) {
            if (r.state() == CallState.SUCCEEDED) {
                ok++;
                total += r.rows();
                sum += r.scoreSum();
            }
        }
        return new BatchPredictResult(m.runId(), m.modelUri(), m.poolSize(), rows, total, sum, ok, rows.size() - ok,
                m.modelLoads(), m.instances(), m.wallMillis(), m.toleranceExceeded(), m.manifestUri(), m.resultUri(),
                m.cost(), m.resumedFrom(), m.modelVersion(), m.shardPrefix(), m.outputPrefix(), m.keepColumns(),
                m.outputFormat(), m.state());
    }

    /** The shard's row read back from its output, or null when there is none this run wrote whole. */
    private static ShardResult found(ObjectStore store, BatchPredictResult m, ShardResult r, Map<String, ObjectInfo> present,
                                     boolean csv) {
        String uri = ShardOutputs.outputUri(m.outputPrefix(), r.shard());
        ObjectInfo info = present.get(StorageUri.relative(m.outputPrefix(), uri));
        if (info == null || csv && !present.containsKey(StorageUri.relative(m.outputPrefix(), ShardOutputs.csvCopyUri(uri)))) {
            return null; // the CSV copy is written after the Parquet file: without it the shard did not finish
        }
        ObjectStoreInputFile file = new ObjectStoreInputFile(store, uri, info.size());
        try {
            Map<String, String> lineage;
            try (ParquetFile f = ParquetFile.open(file)) {
                lineage = f.keyValues();
            }
            if (!m.runId().equals(lineage.get(Lineage.RUN_ID)) || !Objects.equals(m.shards().get(r.index()).shard(),
                    lineage.get(Lineage.SHARD)) || !StorageUri.same(m.modelUri(), String.valueOf(lineage.get(Lineage.MODEL_URI)))) {
                return null; // another run's, or another shard's: run it again
            }
            double[] sum = {0};
            long rows = ParquetColumns.scan("output", file, List.of("prediction"), (cols, n) -> {
                for (int i = 0; i < n; i++) {
                    if (!Double.isNaN(cols[0][i])) { // a row without a prediction (null), left out as predict does
                        sum[0] += cols[0][i];
                    }
                }
            });
            return new ShardResult(r.index(), r.shard(), CallState.SUCCEEDED, rows, sum[0], 1, null, null, 0, uri, null,
                    null, m.runId());
        } catch (IOException | RuntimeException e) {
            LOG.warnf("the output %s of shard %s is not readable (%s); the shard runs again", uri, r.shard(), e.getMessage());
            return null;
        }
    }
}
