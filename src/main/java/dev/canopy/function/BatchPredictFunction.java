package dev.canopy.function;

import com.fasterxml.jackson.databind.JsonNode;
import dev.canopy.config.CanopyConfig;
import dev.canopy.inference.BatchPredictRequest;
import dev.canopy.inference.BatchPredictResult;
import dev.canopy.inference.BatchPredictService;
import dev.canopy.json.Json;
import io.quarkus.funqy.Funq;
import jakarta.inject.Inject;

/**
 * Lambda {@code batch-predict}: drives a bounded pool of {@code predict} invocations over many shards.
 * It stops starting shards when its time budget ({@code canopy.batch.time-budget}) is spent, so that it
 * always returns its report before its own Lambda timeout.
 */
// The request arrives as a JSON tree and is read strictly by Json.request: Funqy's own binding
// ignores unknown fields and reports type errors without naming the field.
public class BatchPredictFunction {
    @Inject
    BatchPredictService service;

    @Inject
    CanopyConfig config;

    @Funq("batch-predict")
    public BatchPredictResult batchPredict(JsonNode request) {
        InvocationStart.begin("batch-predict", request, null, null, config.maxRequestBytes());
        long deadline = System.currentTimeMillis() + config.batch().timeBudget().toMillis();
        return service.run(Json.request(request, BatchPredictRequest.class), () -> deadline - System.currentTimeMillis());
    }
}
