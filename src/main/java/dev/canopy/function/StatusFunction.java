package dev.canopy.function;

import com.fasterxml.jackson.databind.JsonNode;
import dev.canopy.config.CanopyConfig;
import dev.canopy.json.Json;
import dev.canopy.training.RunStatus;
import dev.canopy.training.StatusRequest;
import dev.canopy.training.StatusService;
import io.quarkus.funqy.Funq;
import jakarta.inject.Inject;

import java.util.List;

/** Lambda {@code status}: the trainers' published states for a run. */
// The request arrives as a JSON tree and is read strictly by Json.request: Funqy's own binding
// ignores unknown fields and reports type errors without naming the field.
public class StatusFunction {
    /**
     * What this function does in the bucket (sam-template.yaml grants exactly these; SamTemplateTest checks):
     * lists a run's status and reads it; nothing else.
     */
    public static final List<String> S3_ACTIONS = List.of("s3:GetObject", "s3:ListBucket");

    @Inject
    StatusService service;

    @Inject
    CanopyConfig config;

    @Funq("status")
    public RunStatus status(JsonNode request) {
        InvocationStart.begin("status", request, null, null, config.maxRequestBytes());
        return service.status(Json.request(request, StatusRequest.class));
    }
}
