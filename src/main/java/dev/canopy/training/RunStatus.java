package dev.canopy.training;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;

/**
 * Output of the {@code status} function: the latest published state of each trainer of a run, and a
 * search's progress when the run is a search.
 */
public record RunStatus(String runId, List<TrainerStatus> trainers,
                        @JsonInclude(JsonInclude.Include.NON_NULL) SearchStatus search) {

    public RunStatus(String runId, List<TrainerStatus> trainers) {
        this(runId, trainers, null);
    }
}
