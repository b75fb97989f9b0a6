package dev.canopy.training;

import java.util.List;

/** The supervisor's answer: every trainer's row, best first and FAILED last, and the best one's name. */
public record SuperviseResult(String runId, long wallMillis, DatasetSummary dataset, List<TrainResult> results,
                              String best) {
}
