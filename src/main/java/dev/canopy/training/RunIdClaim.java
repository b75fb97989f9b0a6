package dev.canopy.training;

import com.fasterxml.jackson.databind.JsonNode;
import dev.canopy.error.ConflictException;
import dev.canopy.error.ObjectNotFoundException;
import dev.canopy.json.Json;
import dev.canopy.storage.ObjectInfo;
import dev.canopy.storage.ObjectStore;
import dev.canopy.storage.StorageUri;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A run's id: a new one when the request names none, and the claim that makes an id under {@code out} this
 * request's before any trainer runs. The claim's last step is a conditional write of the run's
 * {@link RunFingerprint} ({@link ObjectStore#writeIfAbsent}), so two supervisors racing for a free id cannot
 * both take it with different requests.
 */
final class RunIdClaim {
    private static final Logger LOG = Logger.getLogger(SupervisorService.class);
    private static final DateTimeFormatter RUN_ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    private final ObjectStore store;
    private final Clock clock;

    RunIdClaim(ObjectStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /** The request's run id, checked, or a new one: the time to the second and a random suffix. */
    String runId(String requested) {
        return requested == null || requested.isBlank() ? newRunId() : RunLayout.checkRunId(requested);
    }

    private String newRunId() {
        return RUN_ID_TIME.format(clock.instant()) + "-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0x10000));
    }

    /**
     * Makes {@code runId} under {@code out} this request's, before any trainer runs. A folder with no objects
     * is taken; one whose stored fingerprint equals this request's is the same run again (it is run again,
     * writing the same objects); anything else is refused unless {@code overwrite}, which first deletes the
     * objects {@link RunLayout#owns} names there, and nothing else.
     */
    void claim(String out, String runId, RunFingerprint fingerprint, boolean overwrite) {
        String dir = RunLayout.runDir(out, runId);
        List<ObjectInfo> existing = store.list(dir + "/");
        if (!existing.isEmpty()) {
            List<String> differences = differences(out, runId, fingerprint);
            if (!differences.isEmpty() && !overwrite) {
                throw new ConflictException("runId=\"" + runId + "\" is taken at " + dir + " by a run with a different "
                        + "request (" + String.join("; ", differences) + "); use a new --run-id, or --overwrite "
                        + "(overwrite: true) to delete that run's objects and train again");
            }
            if (!differences.isEmpty()) {
                int deleted = 0;
                List<String> kept = new ArrayList<>();
                for (ObjectInfo o : existing) {
                    if (RunLayout.owns(StorageUri.relative(dir, o.uri()))) {
                        store.delete(o.uri());
                        deleted++;
                    } else {
                        kept.add(o.uri());
                    }
                }
                LOG.infof("overwrite: deleted the %d objects of the previous run %s at %s (%s); left %d objects Canopy "
                        + "did not name there%s", deleted, runId, dir, String.join("; ", differences), kept.size(),
                        kept.isEmpty() ? "" : ": " + kept.subList(0, Math.min(3, kept.size())));
            } else {
                LOG.infof("run %s at %s has this request's fingerprint: running it again over the same objects", runId, dir);
            }
        }
        if (!existing.isEmpty()) {
            store.write(RunLayout.request(out, runId), Json.write(fingerprint), "application/json");
        } else if (!store.writeIfAbsent(RunLayout.request(out, runId), Json.write(fingerprint), "application/json")) {
            // another supervisor claimed the id between the listing and this write: the same request may share it
            List<String> differences = differences(out, runId, fingerprint);
            if (!differences.isEmpty()) {
                throw new ConflictException("runId=\"" + runId + "\" was just claimed at " + dir + " by a run with a "
                        + "different request (" + String.join("; ", differences) + "); use a new --run-id");
            }
        }
    }

    /** How the request stored for {@code runId} differs from {@code now}; one entry when none is stored. */
    private List<String> differences(String out, String runId, RunFingerprint now) {
        JsonNode before;
        try {
            before = Json.MAPPER.readTree(store.read(RunLayout.request(out, runId)));
        } catch (ObjectNotFoundException e) {
            return List.of("no request recorded there (written by an older Canopy, or not by a run)");
        } catch (IOException e) {
            return List.of("its request record " + RunLayout.request(out, runId) + " is unreadable");
        }
        return now.differences(before);
    }
}
