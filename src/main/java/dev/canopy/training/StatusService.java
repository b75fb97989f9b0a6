package dev.canopy.training;

import dev.canopy.error.InvalidInputException;
import dev.canopy.error.ObjectNotFoundException;
import dev.canopy.json.Json;
import dev.canopy.log.LogContext;
import dev.canopy.storage.ObjectInfo;
import dev.canopy.storage.ObjectStore;
import dev.canopy.storage.StorageUri;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** Reads the trainer states of a run, and a search's progress; the answer of the {@code status} function. */
public final class StatusService {
    private static final Logger LOG = Logger.getLogger(StatusService.class);
    private final ObjectStore store;
    private final StatusBoard board;
    private final String defaultOut;
    private final Clock clock;

    /**
     * A trainer whose last report is older than this, and not DONE or FAILED, is LOST: no trainer runs longer
     * without a report, as a {@code train} invocation ends at Lambda's maximum timeout (15 minutes) and
     * reports as it loads, trains (every few trees or rounds) and evaluates.
     */
    public static final java.time.Duration LOST_AFTER = java.time.Duration.ofMinutes(15);

    public StatusService(ObjectStore store, Clock clock, String defaultOut) {
        this.store = store;
        this.board = new StatusBoard(store, clock);
        this.clock = clock;
        this.defaultOut = defaultOut;
    }

    /**
     * The runs under {@code out} (null: the default location), newest first by their trainers' last report:
     * every {@code {out}/{runId}/status/*.json}, one read each, and whether {@code result.json} is there.
     */
    public List<RunSummary> runs(String out) {
        String root = out == null || out.isBlank() ? defaultOut : out;
        String prefix = root.endsWith("/") ? root : root + "/";
        Map<String, List<TrainerStatus>> trainers = new TreeMap<>();
        Set<String> finished = new HashSet<>();
        for (ObjectInfo o : store.list(prefix)) {
            // compared parsed: a store lists a relative folder (canopy-out, the default) by absolute paths
            String rel = StorageUri.relative(prefix, o.uri());
            if (rel == null) {
                continue;
            }
            String[] parts = rel.split("/");
            if (parts.length == 3 && parts[1].equals("status") && parts[2].endsWith(".json")) {
                try {
                    trainers.computeIfAbsent(parts[0], k -> new ArrayList<>())
                            .add(Json.read(store.read(o.uri()), TrainerStatus.class, "status " + o.uri()));
                } catch (RuntimeException unreadable) {
                    LOG.debugf("skipping %s: %s", o.uri(), unreadable.getMessage());
                }
            } else if (parts.length == 2 && parts[1].equals("result.json")) {
                finished.add(parts[0]);
            }
        }
        List<RunSummary> found = new ArrayList<>();
        trainers.forEach((id, ts) -> {
            String updated = ts.stream().map(TrainerStatus::updatedAt).filter(u -> u != null)
                    .max(Comparator.naturalOrder()).orElse("");
            String best = finished.contains(id) ? best(root, id) : null;
            java.time.Instant now = clock.instant();
            found.add(new RunSummary(id, updated, ts.stream().map(t -> lost(t, now)).toList(), best));
        });
        found.sort(Comparator.comparing(RunSummary::updatedAt).reversed().thenComparing(RunSummary::runId));
        return found;
    }

    private String best(String out, String runId) {
        try {
            return Json.read(store.read(RunLayout.result(out, runId)), SuperviseResult.class, "result").best();
        } catch (RuntimeException unreadable) {
            return null;
        }
    }

    /** {@code s} with each trainer that stopped reporting without finishing as LOST. */
    private RunStatus lost(RunStatus s) {
        java.time.Instant now = clock.instant();
        List<TrainerStatus> out = new ArrayList<>();
        for (TrainerStatus t : s.trainers()) {
            out.add(lost(t, now));
        }
        return new RunStatus(s.runId(), out, s.search());
    }

    private static TrainerStatus lost(TrainerStatus t, java.time.Instant now) {
        if (t.state() == TrainerState.DONE || t.state() == TrainerState.FAILED || t.state() == TrainerState.LOST
                || t.updatedAt() == null) {
            return t;
        }
        java.time.Instant at;
        try {
            at = java.time.Instant.parse(t.updatedAt());
        } catch (java.time.format.DateTimeParseException unreadable) {
            return t;
        }
        if (java.time.Duration.between(at, now).compareTo(LOST_AFTER) <= 0) {
            return t;
        }
        return new TrainerStatus(t.algorithm(), TrainerState.LOST, t.progress(), t.detail(), t.updatedAt(),
                "no report since " + t.updatedAt() + " while " + t.state() + ", longer than a trainer runs ("
                        + LOST_AFTER.toMinutes() + " min): it died or timed out without reporting; train again");
    }

    public RunStatus status(StatusRequest req) {
        if (req == null) {
            throw new InvalidInputException("request", null, "a status request body is required");
        }
        String out = req.out() == null || req.out().isBlank() ? defaultOut : req.out();
        String runId = RunLayout.checkRunId(req.runId());
        try (LogContext ignored = LogContext.push(LogContext.FUNCTION, "status", LogContext.RUN_ID, runId,
                LogContext.ATTEMPT, 1)) {
            RunStatus s = lost(board.read(out, runId));
            if (s.trainers().isEmpty()) {
                List<String> known = runs(out).stream().limit(5).map(RunSummary::runId).toList();
                throw new ObjectNotFoundException(RunLayout.statusDir(out, runId), "no run \"" + runId + "\" under "
                        + out + " (looked for " + RunLayout.statusDir(out, runId) + "); "
                        + (known.isEmpty() ? "there are no runs there" : "the newest there: " + String.join(", ", known)));
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
