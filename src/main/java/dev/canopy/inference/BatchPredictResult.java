package dev.canopy.inference;

import dev.canopy.cost.CostReport;
import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;

/**
 * The orchestrator's answer: one row per shard (every shard, exactly once) and the totals over the
 * succeeded ones. {@code failed} counts every shard that did not succeed. {@code toleranceExceeded} is
 * true when more shards failed than {@code toleratedFailurePercentage} allows. When the full answer would
 * not fit Lambda's 6 MB response limit, {@code shards} is left empty and {@code resultUri} names the
 * object that holds the full answer.
 *
 * <p>It is also the batch's manifest ({@code {outputPrefix}/_manifest.json}), so it records what decides
 * whether a later request is the same batch: {@code modelVersion} (the model object's version when the batch
 * ran), {@code shardPrefix}, {@code outputPrefix}, {@code keepColumns}, {@code outputFormat}. {@code state}
 * is RUNNING in the manifest written before the first shard starts (each shard's row then says it has not
 * finished) and DONE once every row is final. A resumed batch ({@code resumedFrom}) merges the rows of the
 * runs it continues: each shard once, totals over the merged rows, {@code wallMillis} summed over the runs;
 * a row a previous run produced names that run in its {@code runId}.
 */
public record BatchPredictResult(String runId, String modelUri, int poolSize, List<ShardResult> shards, long rows,
                                 double scoreSum, int succeeded, int failed, int modelLoads, int instances,
                                 long wallMillis, boolean toleranceExceeded,
                                 @JsonInclude(JsonInclude.Include.NON_NULL) String manifestUri,
                                 @JsonInclude(JsonInclude.Include.NON_NULL) String resultUri,
                                 @JsonInclude(JsonInclude.Include.NON_NULL) CostReport cost,
                                 @JsonInclude(JsonInclude.Include.NON_NULL) String resumedFrom,
                                 @JsonInclude(JsonInclude.Include.NON_NULL) String modelVersion,
                                 @JsonInclude(JsonInclude.Include.NON_NULL) String shardPrefix,
                                 @JsonInclude(JsonInclude.Include.NON_NULL) String outputPrefix,
                                 @JsonInclude(JsonInclude.Include.NON_NULL) List<String> keepColumns,
                                 @JsonInclude(JsonInclude.Include.NON_NULL) String outputFormat,
                                 @JsonInclude(JsonInclude.Include.NON_NULL) String state) {

    public BatchPredictResult(String runId, String modelUri, int poolSize, List<ShardResult> shards, long rows,
                              double scoreSum, int succeeded, int failed, int modelLoads, int instances,
                              long wallMillis, boolean toleranceExceeded, String manifestUri, String resultUri,
                              CostReport cost, String resumedFrom) {
        this(runId, modelUri, poolSize, shards, rows, scoreSum, succeeded, failed, modelLoads, instances, wallMillis,
                toleranceExceeded, manifestUri, resultUri, cost, resumedFrom, null, null, null, null, null, null);
    }

    public BatchPredictResult(String runId, String modelUri, int poolSize, List<ShardResult> shards, long rows,
                              double scoreSum, int succeeded, int failed, int modelLoads, int instances,
                              long wallMillis, boolean toleranceExceeded, String manifestUri, String resultUri) {
        this(runId, modelUri, poolSize, shards, rows, scoreSum, succeeded, failed, modelLoads, instances, wallMillis,
                toleranceExceeded, manifestUri, resultUri, null, null);
    }
}
