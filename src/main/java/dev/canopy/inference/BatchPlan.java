package dev.canopy.inference;

import dev.canopy.cost.CostReport;
import dev.canopy.pool.CallState;
import dev.canopy.storage.StorageUri;

import java.util.ArrayList;
import java.util.List;

/**
 * One batch as it will run: the model and its version, the shards, where the outputs go, and, for a resumed
 * batch, the manifest it continues ({@code resumed}: its SUCCEEDED rows are kept, every other shard runs again).
 */
record BatchPlan(String runId, String modelUri, String modelVersion, List<String> shards, String shardPrefix,
                 String outputPrefix, List<String> keepColumns, String outputFormat, BatchPredictResult resumed,
                 String resumedFrom) {

    /** The shards to run, by index: all of them, or those the resumed manifest does not list as SUCCEEDED. */
    List<Integer> todo() {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < shards.size(); i++) {
            if (resumed == null || resumed.shards().get(i).state() != CallState.SUCCEEDED) {
                out.add(i);
            }
        }
        return out;
    }

    /** The resumed manifest's SUCCEEDED rows, each naming the run that produced it when that is not this run. */
    List<ShardResult> carried() {
        if (resumed == null) {
            return List.of();
        }
        List<ShardResult> out = new ArrayList<>();
        for (ShardResult r : resumed.shards()) {
            if (r.state() == CallState.SUCCEEDED) {
                String by = r.runId() != null ? r.runId() : resumed.runId();
                out.add(r.inRun(runId.equals(by) ? null : by));
            }
        }
        return out;
    }

    String manifestUri() {
        return outputPrefix == null ? null : StorageUri.join(outputPrefix, ShardOutputs.MANIFEST);
    }

    /** The batch's answer and manifest over {@code rows}, with this plan's request fields. */
    BatchPredictResult manifest(int poolSize, List<ShardResult> rows, long total, double sum, int ok, int failed,
                                int loads, int instances, long wallMillis, boolean exceeded, CostReport cost,
                                String state) {
        return new BatchPredictResult(runId, modelUri, poolSize, rows, total, sum, ok, failed, loads, instances,
                wallMillis, exceeded, null, null, cost, resumedFrom, modelVersion, shardPrefix, outputPrefix,
                keepColumns, outputFormat, state);
    }

    /**
     * The manifest written before the first shard starts: the rows carried over, and a not-finished row for
     * every shard to run. A batch that stops early (a crash, a Lambda killed at its timeout) leaves this
     * behind, and it can be resumed like any other manifest.
     */
    BatchPredictResult running(int poolSize) {
        List<ShardResult> rows = new ArrayList<>(carried());
        long total = 0;
        double sum = 0;
        for (ShardResult r : rows) {
            total += r.rows();
            sum += r.scoreSum();
        }
        int ok = rows.size();
        for (int i : todo()) {
            rows.add(new ShardResult(i, shards.get(i), CallState.CANCELLED, null, null, 0, null, null, 0, null,
                    "not finished: the batch was running, or stopped before this shard's result"));
        }
        rows.sort(java.util.Comparator.comparingInt(ShardResult::index));
        return manifest(poolSize, rows, total, sum, ok, rows.size() - ok, 0, 0,
                resumed == null ? 0 : resumed.wallMillis(), false, null, BatchOutputs.RUNNING);
    }
}
