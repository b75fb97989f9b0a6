package dev.canopy.training;

import dev.canopy.storage.local.LocalObjectStore;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Issue 24, item 1: {@code status} listed no runs when {@code --out} was relative, as the default canopy-out is. */
class StatusRelativeOutTest {
    @Test
    void runsUnderARelativeFolderAreListed() {
        // relative to the working directory, as a user types it; under target/ so the build owns it
        String out = "target/status-relative-" + System.nanoTime();
        LocalObjectStore store = new LocalObjectStore();
        new StatusBoard(store, Clock.fixed(Instant.parse("2026-01-01T10:00:00Z"), ZoneOffset.UTC))
                .publish(out, "run-1", "decision_tree", TrainerState.DONE, 1, "x", null);
        StatusService s = new StatusService(store, Clock.systemUTC(), out);
        assertEquals(List.of("run-1"), s.runs(out).stream().map(RunSummary::runId).toList());
        assertEquals(List.of("run-1"), s.runs(out + "/").stream().map(RunSummary::runId).toList());
        assertEquals(List.of("run-1"), s.runs(null).stream().map(RunSummary::runId).toList(), "the default location");
        assertEquals(List.of("run-1"), s.runs(Path.of(out).toAbsolutePath().toString()).stream()
                .map(RunSummary::runId).toList());
    }
}
