package dev.canopy.training;

import dev.canopy.storage.ObjectInfo;
import dev.canopy.json.Json;
import dev.canopy.storage.ObjectStore;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Trainer states kept in the object store under the run, one small JSON object per trainer. Each trainer
 * writes only its own object, so there is no read-modify-write race between trainers.
 */
public final class StatusBoard {
    private final ObjectStore store;
    private final Clock clock;

    public StatusBoard(ObjectStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    public void publish(String out, String runId, String algorithm, TrainerState state, double progress,
                        String detail, String error) {
        TrainerStatus s = new TrainerStatus(algorithm, state, progress, detail, Instant.now(clock).truncatedTo(java.time.temporal.ChronoUnit.MILLIS).toString(), error);
        store.write(RunLayout.status(out, runId, algorithm), Json.write(s), "application/json");
    }

    public RunStatus read(String out, String runId) {
        List<TrainerStatus> trainers = new ArrayList<>();
        for (ObjectInfo o : store.list(RunLayout.statusDir(out, runId))) {
            if (o.uri().endsWith(".json")) {
                trainers.add(Json.read(store.read(o.uri()), TrainerStatus.class, "status " + o.uri()));
            }
        }
        return new RunStatus(runId, trainers);
    }
}
