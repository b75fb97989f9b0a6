package dev.canopy.function;

import com.fasterxml.jackson.databind.JsonNode;
import dev.canopy.config.CanopyConfig;
import dev.canopy.json.Json;
import dev.canopy.training.SuperviseRequest;
import dev.canopy.training.SuperviseResult;
import dev.canopy.training.SupervisorService;
import io.quarkus.funqy.Funq;
import jakarta.inject.Inject;

import java.util.List;

/** Lambda {@code supervise}: trains every algorithm at once through {@code train} and ranks them. */
// The request arrives as a JSON tree and is read strictly by Json.request: Funqy's own binding
// ignores unknown fields and reports type errors without naming the field.
public class SuperviseFunction {
    /**
     * What this function does in the bucket (sam-template.yaml grants exactly these; SamTemplateTest checks):
     * lists and reads the data's parts (the preflight) and a run's status, writes the run's request (a
     * conditional create), result and report, and deletes a run's own objects for {@code overwrite}.
     */
    public static final List<String> S3_ACTIONS = List.of("s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:ListBucket");

    @Inject
    SupervisorService service;

    @Inject
    CanopyConfig config;

    @Funq("supervise")
    public SuperviseResult supervise(JsonNode request) {
        InvocationStart.begin("supervise", request, null, null, config.maxRequestBytes());
        return service.supervise(Json.request(request, SuperviseRequest.class));
    }
}
