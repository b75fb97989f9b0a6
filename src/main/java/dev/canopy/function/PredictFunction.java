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

/** Lambda {@code predict}: scores one shard with a model cached for the life of the warm instance. */
// The request arrives as a JSON tree and is read strictly by Json.request: Funqy's own binding
// ignores unknown fields and reports type errors without naming the field.
public class PredictFunction {
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
