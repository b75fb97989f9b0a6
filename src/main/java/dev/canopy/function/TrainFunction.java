package dev.canopy.function;

import com.fasterxml.jackson.databind.JsonNode;
import dev.canopy.config.CanopyConfig;
import dev.canopy.json.Json;
import dev.canopy.log.LogContext;
import dev.canopy.training.TrainRequest;
import dev.canopy.training.TrainResult;
import dev.canopy.training.TrainService;
import io.quarkus.funqy.Funq;
import jakarta.inject.Inject;

import java.util.List;

/** Lambda {@code train}: fits one algorithm. */
// The request arrives as a JSON tree and is read strictly by Json.request: Funqy's own binding
// ignores unknown fields and reports type errors without naming the field.
public class TrainFunction {
    /**
     * What this function does in the bucket (sam-template.yaml grants exactly these; SamTemplateTest checks):
     * lists and reads the data's parts, writes models and status, and deletes a fanned-out forest's shares
     * once merged.
     */
    public static final List<String> S3_ACTIONS = List.of("s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:ListBucket");

    @Inject
    TrainService service;

    @Inject
    CanopyConfig config;

    @Funq("train")
    public TrainResult train(JsonNode request) {
        InvocationStart.begin("train", request, LogContext.ALGORITHM, "algorithm", config.maxRequestBytes());
        return service.train(Json.request(request, TrainRequest.class));
    }
}
