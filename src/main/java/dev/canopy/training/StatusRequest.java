package dev.canopy.training;

/** Input of the {@code status} function. {@code out} defaults to the configured output location. */
public record StatusRequest(String runId, String out) {
}
