package dev.canopy.training;

import dev.canopy.error.ObjectNotFoundException;
import dev.canopy.json.Json;
import dev.canopy.testing.InMemoryObjectStore;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** status without a run lists the runs, newest first; an unknown run says where it was looked for. */
class StatusRunsTest {
    final InMemoryObjectStore store = new InMemoryObjectStore();

    private void publish(String runId, String alg, TrainerState state, String at) {
        new StatusBoard(store, Clock.fixed(Instant.parse(at), ZoneOffset.UTC)).publish("mem://out", runId, alg, state, 1,
                "x", null);
    }

    @Test
    void runsAreListedNewestFirstWithTheirBest() {
        publish("old", "decision_tree", TrainerState.DONE, "2026-01-01T10:00:00Z");
        publish("new", "decision_tree", TrainerState.TRAINING, "2026-01-03T10:00:00Z");
        publish("mid", "decision_tree", TrainerState.DONE, "2026-01-02T09:00:00Z");
        publish("mid", "random_forest", TrainerState.FAILED, "2026-01-02T10:00:00Z");
        store.put("mem://out/mid/result.json", Json.write(new SuperviseResult("mid", 1, null, List.of(), "decision_tree")));
        store.put("mem://out/mid/models/decision_tree.json", "{}".getBytes());
        List<RunSummary> runs = new StatusService(store, Clock.systemUTC(), "mem://default").runs("mem://out");
        assertEquals(List.of("new", "mid", "old"), runs.stream().map(RunSummary::runId).toList());
        assertEquals("2026-01-02T10:00:00Z", runs.get(1).updatedAt());
        assertEquals(2, runs.get(1).trainers().size());
        assertEquals("decision_tree", runs.get(1).best());
        assertNull(runs.getFirst().best(), "a run still training has no result yet");
        assertEquals(List.of(), new StatusService(store, Clock.systemUTC(), "mem://default").runs(null));
    }

    @Test
    void anUnknownRunSaysSoAndNamesTheLocationSearched() {
        publish("r1", "decision_tree", TrainerState.DONE, "2026-01-01T10:00:00Z");
        StatusService s = new StatusService(store, Clock.systemUTC(), "mem://out");
        ObjectNotFoundException e = assertThrows(ObjectNotFoundException.class, () -> s.status(new StatusRequest("r2", null)));
        assertEquals("no run \"r2\" under mem://out (looked for mem://out/r2/status/); the newest there: r1", e.getMessage());
        ObjectNotFoundException none = assertThrows(ObjectNotFoundException.class,
                () -> s.status(new StatusRequest("r2", "mem://elsewhere")));
        assertTrue(none.getMessage().endsWith("there are no runs there"), none.getMessage());
    }
}
