package dev.canopy.inference;

import java.util.List;

/**
 * Input of the {@code batch-predict} function. Give {@code shards} or {@code shardPrefix} (every
 * {@code .parquet} object under it), not both. Unset numbers take their defaults: poolSize 6, ordered
 * true, maxAttempts 3, shardTimeoutSeconds 300, toleratedFailurePercentage 0. {@code summaryOnly} (default
 * false) leaves the per-shard rows out of the answer, which then stays a few hundred bytes however many
 * shards there are: the rows are in the manifest ({@code manifestUri}, with an {@code outputPrefix}) or in
 * {@code resultUri}. Step Functions needs it: a task result above 256 KiB fails the state.
 *
 * <p>An {@code outputPrefix} holds one batch's predictions ({@link BatchOutputs} states the rule): the same
 * batch again (same model URI and version, shards, {@code keepColumns}, {@code outputFormat}; under any run
 * id) rewrites the same objects; another batch is refused unless {@code overwrite}
 * (default false), which first deletes the outputs the previous manifest lists; objects Canopy did not
 * write there are always refused, never deleted. The prefix is checked, and a RUNNING manifest written,
 * before any shard is read.
 *
 * <p>{@code resumeFrom} names a manifest ({@code {outputPrefix}/_manifest.json}) to continue: only its shards
 * that did not succeed run, with its model (whose version must not have changed), shards and outputs, and the
 * manifest is rewritten to merge both runs. {@code modelUri}, {@code shards}, {@code shardPrefix},
 * {@code outputPrefix}, {@code keepColumns} and {@code outputFormat} may then be omitted (taken from the
 * manifest) but not contradict it; {@code overwrite} may not be set. A manifest whose every shard succeeded
 * is returned unchanged.
 */
public record BatchPredictRequest(String runId, String modelUri, List<String> shards, String shardPrefix,
                                  Integer poolSize, String outputPrefix, Boolean ordered, Integer maxAttempts,
                                  Integer shardTimeoutSeconds, Double toleratedFailurePercentage, Boolean summaryOnly,
                                  List<String> keepColumns, String outputFormat, Boolean overwrite, String resumeFrom) {

    public BatchPredictRequest(String runId, String modelUri, List<String> shards, String shardPrefix,
                               Integer poolSize, String outputPrefix, Boolean ordered, Integer maxAttempts,
                               Integer shardTimeoutSeconds, Double toleratedFailurePercentage, Boolean summaryOnly) {
        this(runId, modelUri, shards, shardPrefix, poolSize, outputPrefix, ordered, maxAttempts, shardTimeoutSeconds,
                toleratedFailurePercentage, summaryOnly, null, null, null, null);
    }

    public BatchPredictRequest(String runId, String modelUri, List<String> shards, String shardPrefix,
                               Integer poolSize, String outputPrefix, Boolean ordered, Integer maxAttempts,
                               Integer shardTimeoutSeconds, Double toleratedFailurePercentage) {
        this(runId, modelUri, shards, shardPrefix, poolSize, outputPrefix, ordered, maxAttempts, shardTimeoutSeconds,
                toleratedFailurePercentage, null);
    }
}
