package dev.canopy.function;

import dev.canopy.training.SuperviseRequest;
import dev.canopy.training.SuperviseResult;
import dev.canopy.training.SupervisorService;
import io.quarkus.funqy.Funq;
import jakarta.inject.Inject;

/** Lambda {@code supervise}: trains every algorithm at once through {@code train} and ranks them. */
public class SuperviseFunction {
    @Inject
    SupervisorService service;

    @Funq("supervise")
    public SuperviseResult supervise(SuperviseRequest request) {
        return service.supervise(request);
    }
}
