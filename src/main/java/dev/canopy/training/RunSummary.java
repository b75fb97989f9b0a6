package dev.canopy.training;

import java.util.List;

/**
 * One run found under an output location: its id, when a trainer last reported ({@code updatedAt}, ISO-8601),
 * each trainer's state, and the best algorithm when the run finished ({@code result.json} written).
 */
public record RunSummary(String runId, String updatedAt, List<TrainerStatus> trainers, String best) {
}
