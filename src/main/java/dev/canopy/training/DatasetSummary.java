package dev.canopy.training;

import java.util.List;

/** What a run trained on: the data URI and pinned version, its size, split and columns. */
public record DatasetSummary(String uri, String version, int rows, int trainRows, int testRows, String target,
                             List<String> features) {
}
