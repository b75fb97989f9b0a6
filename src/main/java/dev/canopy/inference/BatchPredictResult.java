package dev.canopy.inference;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;

/**
 * The orchestrator's answer: one row per shard (every shard, exactly once) and the totals over the
 * succeeded ones. {@code failed} counts every shard that did not succeed. {@code toleranceExceeded} is
 * true when more shards failed than {@code toleratedFailurePercentage} allows. When the full answer would
 * not fit Lambda's 6 MB response limit, {@code shards} is left empty and {@code resultUri} names the
 * object that holds the full answer.
 */
public record BatchPredictResult(String runId, String modelUri, int poolSize, List<ShardResult> shards, long rows,
                                 double scoreSum, int succeeded, int failed, int modelLoads, int instances,
                                 long wallMillis, boolean toleranceExceeded,
                                 @JsonInclude(JsonInclude.Include.NON_NULL) String manifestUri,
                                 @JsonInclude(JsonInclude.Include.NON_NULL) String resultUri,
                                 @JsonInclude(JsonInclude.Include.NON_NULL) dev.canopy.cost.CostReport cost,
                                 @JsonInclude(JsonInclude.Include.NON_NULL) String resumedFrom) {

    public BatchPredictResult(String runId, String modelUri, int poolSize, List<ShardResult> shards, long rows,
                              double scoreSum, int succeeded, int failed, int modelLoads, int instances,
                              long wallMillis, boolean toleranceExceeded, String manifestUri, String resultUri) {
        this(runId, modelUri, poolSize, shards, rows, scoreSum, succeeded, failed, modelLoads, instances, wallMillis,
                toleranceExceeded, manifestUri, resultUri, null, null);
    }
}
