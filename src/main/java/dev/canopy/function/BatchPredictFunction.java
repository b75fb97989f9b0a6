package dev.canopy.function;

import com.fasterxml.jackson.databind.JsonNode;
import dev.canopy.config.CanopyConfig;
import dev.canopy.deadline.InvocationDeadline;
import dev.canopy.inference.BatchPredictRequest;
import dev.canopy.inference.BatchPredictResult;
import dev.canopy.inference.BatchPredictService;
import dev.canopy.json.Json;
import io.quarkus.funqy.Funq;
import jakarta.inject.Inject;

import java.util.List;

/**
 * Lambda {@code batch-predict}: drives a bounded pool of {@code predict} invocations over many shards.
 * It stops starting shards when its time budget is spent ({@code canopy.batch.time-budget}, or the Lambda
 * context's remaining time when that is shorter), so that it returns its report before its own Lambda timeout.
 */
// The request arrives as a JSON tree and is read strictly by Json.request: Funqy's own binding
// ignores unknown fields and reports type errors without naming the field.
public class BatchPredictFunction {
    /**
     * What this function does in the bucket (sam-template.yaml grants exactly these; SamTemplateTest checks):
     * lists a shard prefix and an output prefix, reads a shard's footer (the preflight), the model and a
     * manifest to resume, writes the manifest and progress, and deletes outputs (overwrite, unfinished).
     */
    public static final List<String> S3_ACTIONS = List.of("s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:ListBucket");

    @Inject
    BatchPredictService service;

    @Inject
    CanopyConfig config;

    @Funq("batch-predict")
    public BatchPredictResult batchPredict(JsonNode request) {
        InvocationStart.begin("batch-predict", request, null, null, config.maxRequestBytes());
        // the Lambda context's remaining time when it is the shorter (a batch started late in its timeout)
        InvocationDeadline.Deadline deadline = InvocationDeadline.within(config.batch().timeBudget().toNanos(),
                "canopy.batch.time-budget");
        return service.run(Json.request(request, BatchPredictRequest.class), deadline::millisLeft);
    }
}
