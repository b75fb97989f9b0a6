package dev.canopy.training;

import java.util.List;

/** Output of the {@code status} function: the latest published state of each trainer of a run. */
public record RunStatus(String runId, List<TrainerStatus> trainers) {
}
