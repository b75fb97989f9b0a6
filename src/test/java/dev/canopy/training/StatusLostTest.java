package dev.canopy.training;

import dev.canopy.testing.InMemoryObjectStore;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 24, item 10: a run whose trainers died stayed TRAINING 40% forever. A trainer whose last report is
 * older than a trainer can run, and not terminal, is LOST; published timestamps carry no nanoseconds.
 */
class StatusLostTest {
    final InMemoryObjectStore store = new InMemoryObjectStore();
    static final Instant AT = Instant.parse("2026-01-01T10:00:00.123456789Z");

    private void publish(String alg, TrainerState state) {
        new StatusBoard(store, Clock.fixed(AT, ZoneOffset.UTC)).publish("mem://out", "r1", alg, state, 0.4, "40/100 trees", null);
    }

    private RunStatus statusAt(Instant now) {
        return new StatusService(store, Clock.fixed(now, ZoneOffset.UTC), "mem://out").status(new StatusRequest("r1", null));
    }

    @Test
    void aTrainerSilentForLongerThanATrainerRunsIsLost() {
        publish("random_forest", TrainerState.TRAINING);
        publish("decision_tree", TrainerState.DONE);
        RunStatus soon = statusAt(AT.plus(StatusService.LOST_AFTER).minusSeconds(1));
        assertEquals(TrainerState.TRAINING, state(soon, "random_forest"));
        assertNull(soon.trainers().stream().filter(t -> t.algorithm().equals("random_forest")).findFirst().orElseThrow().error());

        RunStatus late = statusAt(AT.plus(StatusService.LOST_AFTER).plusSeconds(1));
        assertEquals(TrainerState.LOST, state(late, "random_forest"));
        assertEquals(TrainerState.DONE, state(late, "decision_tree"), "a finished trainer is never lost");
        TrainerStatus lost = late.trainers().stream().filter(t -> t.algorithm().equals("random_forest")).findFirst().orElseThrow();
        assertTrue(lost.error().contains("no report since 2026-01-01T10:00:00.123Z while TRAINING"), lost.error());
        assertEquals(TrainerState.LOST, new StatusService(store, Clock.fixed(AT.plusSeconds(3600), ZoneOffset.UTC), "mem://out")
                .runs("mem://out").getFirst().trainers().stream().filter(t -> t.algorithm().equals("random_forest"))
                .findFirst().orElseThrow().state(), "the run list says so too");
    }

    @Test
    void publishedTimesCarryMillisecondsAtMost() {
        publish("random_forest", TrainerState.TRAINING);
        assertEquals("2026-01-01T10:00:00.123Z", statusAt(AT).trainers().getFirst().updatedAt());
    }

    private static TrainerState state(RunStatus s, String alg) {
        return s.trainers().stream().filter(t -> t.algorithm().equals(alg)).findFirst().orElseThrow().state();
    }
}
