package dev.canopy.inference;

/**
 * Input of the {@code predict} function: score one shard. Where the predictions go, if anywhere:
 * {@code outputUri} is the exact object to write (the orchestrator derives it from the shard), or
 * {@code outputPrefix} a folder under which the predictor derives the same name the orchestrator would
 * ({@link ShardOutputs#outputUri}); the Distributed Map workflow passes the prefix. Either way the name is
 * deterministic, so a retry overwrites the same object instead of adding a second one. {@code runId} and
 * {@code attempt} (from 1) are optional and only label the predictor's log lines; the orchestrator and the
 * Distributed Map workflow fill them. {@code keepColumns} (input columns copied into the predictions file) and
 * {@code outputFormat} ({@code parquet} or {@code csv}: a CSV copy as well) need an output; see
 * {@link OutputOptions}. {@code modelVersion}, optional, pins the model's version (the orchestrator's, taken
 * once per batch): a warm predictor then asks storage nothing about the model, and a cold one reads it with
 * {@code If-Match}; without it each call checks the model's version.
 */
public record PredictRequest(String modelUri, String shard, String outputUri, String runId, Integer attempt,
                             String outputPrefix, java.util.List<String> keepColumns, String outputFormat,
                             @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
                             String modelVersion) {

    public PredictRequest(String modelUri, String shard, String outputUri, String runId, Integer attempt,
                          String outputPrefix, java.util.List<String> keepColumns, String outputFormat) {
        this(modelUri, shard, outputUri, runId, attempt, outputPrefix, keepColumns, outputFormat, null);
    }

    public PredictRequest(String modelUri, String shard, String outputUri, String runId, Integer attempt,
                          String outputPrefix) {
        this(modelUri, shard, outputUri, runId, attempt, outputPrefix, null, null);
    }

    public PredictRequest(String modelUri, String shard, String outputUri, String runId, Integer attempt) {
        this(modelUri, shard, outputUri, runId, attempt, null);
    }

    public PredictRequest(String modelUri, String shard, String outputUri) {
        this(modelUri, shard, outputUri, null, null, null);
    }
}
