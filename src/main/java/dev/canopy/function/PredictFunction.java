package dev.canopy.function;

import com.fasterxml.jackson.databind.JsonNode;
import dev.canopy.config.CanopyConfig;
import dev.canopy.inference.PredictRequest;
import dev.canopy.inference.PredictResult;
import dev.canopy.inference.PredictService;
import dev.canopy.json.Json;
import dev.canopy.log.LogContext;
import io.quarkus.funqy.Funq;
import jakarta.inject.Inject;

import java.util.List;

/** Lambda {@code predict}: scores one shard with a model cached for the life of the warm instance. */
// The request arrives as a JSON tree and is read strictly by Json.request: Funqy's own binding
// ignores unknown fields and reports type errors without naming the field.
public class PredictFunction {
    /**
     * What this function does in the bucket (sam-template.yaml grants exactly these; SamTemplateTest checks):
     * reads a shard and a model, writes the predictions. Without ListBucket, S3 answers a missing object with
     * 403 rather than 404, so a missing shard fails as access denied: a predictor fed a hostile shard can do no
     * more than this.
     */
    public static final List<String> S3_ACTIONS = List.of("s3:GetObject", "s3:PutObject");

    @Inject
    PredictService service;

    @Inject
    CanopyConfig config;

    @Funq("predict")
    public PredictResult predict(JsonNode request) {
        InvocationStart.begin("predict", request, LogContext.SHARD, "shard", config.maxRequestBytes());
        return service.predict(Json.request(request, PredictRequest.class));
    }
}
