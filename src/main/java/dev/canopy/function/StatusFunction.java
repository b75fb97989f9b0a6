package dev.canopy.function;

import dev.canopy.training.RunStatus;
import dev.canopy.training.StatusRequest;
import dev.canopy.training.StatusService;
import io.quarkus.funqy.Funq;
import jakarta.inject.Inject;

/** Lambda {@code status}: the trainers' published states for a run. */
public class StatusFunction {
    @Inject
    StatusService service;

    @Funq("status")
    public RunStatus status(StatusRequest request) {
        return service.status(request);
    }
}
