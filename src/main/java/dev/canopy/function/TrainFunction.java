package dev.canopy.function;

import dev.canopy.training.TrainRequest;
import dev.canopy.training.TrainResult;
import dev.canopy.training.TrainService;
import io.quarkus.funqy.Funq;
import jakarta.inject.Inject;

/** Lambda {@code train}: fits one algorithm. */
public class TrainFunction {
    @Inject
    TrainService service;

    @Funq("train")
    public TrainResult train(TrainRequest request) {
        return service.train(request);
    }
}
