package dev.canopy.training;

import dev.canopy.error.InvalidInputException;
import dev.canopy.error.ObjectNotFoundException;
import dev.canopy.json.Json;
import dev.canopy.log.LogContext;
import dev.canopy.storage.ObjectStore;
import org.jboss.logging.Logger;

import java.time.Clock;

/** Reads the trainer states of a run, and a search's progress; the answer of the {@code status} function. */
public final class StatusService {
    private static final Logger LOG = Logger.getLogger(StatusService.class);
    private final ObjectStore store;
    private final StatusBoard board;
    private final String defaultOut;

    public StatusService(ObjectStore store, Clock clock, String defaultOut) {
        this.store = store;
        this.board = new StatusBoard(store, clock);
        this.defaultOut = defaultOut;
    }

    public RunStatus status(StatusRequest req) {
        if (req == null) {
            throw new InvalidInputException("request", null, "a status request body is required");
        }
        String out = req.out() == null || req.out().isBlank() ? defaultOut : req.out();
        String runId = RunLayout.checkRunId(req.runId());
        try (LogContext ignored = LogContext.push(LogContext.FUNCTION, "status", LogContext.RUN_ID, runId,
                LogContext.ATTEMPT, 1)) {
            RunStatus s = board.read(out, runId);
            if (s.trainers().isEmpty()) {
                throw new ObjectNotFoundException(RunLayout.statusDir(out, runId));
            }
            String search = RunLayout.searchStatus(out, runId);
            if (store.exists(search)) {
                s = new RunStatus(runId, s.trainers(), Json.read(store.read(search), SearchStatus.class, "search status " + search));
            }
            LOG.debugf("%d trainers reported", s.trainers().size());
            return s;
        }
    }
}
