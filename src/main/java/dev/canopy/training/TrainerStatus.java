package dev.canopy.training;

/**
 * One trainer's published state. {@code progress} is 0..1, {@code detail} says what it means (for
 * example "60/150 trees"), {@code updatedAt} is ISO-8601, {@code error} is set only when FAILED.
 */
public record TrainerStatus(String algorithm, TrainerState state, double progress, String detail, String updatedAt,
                            String error) {
}
