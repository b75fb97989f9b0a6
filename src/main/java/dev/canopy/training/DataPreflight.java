package dev.canopy.training;

import dev.canopy.storage.ObjectInfo;
import dev.canopy.storage.ObjectStore;

import java.util.List;

/**
 * The data errors every trainer would hit (a file that does not parse, a missing column, gaps the policy
 * refuses, a target that is not numeric), found once by the supervisor before any trainer is invoked and
 * before the run folder exists: one error, {@code <ErrorType>: <message>}, instead of one failed trainer,
 * one WARN line and one status row per algorithm. The supervisor prepares the data exactly as a trainer
 * does ({@link DataPreparation#prepare}); data larger than {@link #MAX_BYTES} is left to the trainers, so that
 * the supervisor never needs a trainer's memory.
 */
final class DataPreflight {
    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(DataPreflight.class);
    /** The largest data (and test data) the supervisor reads itself. */
    static final long MAX_BYTES = 64L << 20;

    private DataPreflight() {
    }

    /**
     * Prepares the data of {@code req} as a trainer of {@code algorithm} would, throwing what the trainer
     * would throw; returns the data's summary, or null when the data was too large to check here.
     */
    static DatasetSummary check(ObjectStore store, SuperviseRequest req, ObjectInfo data, String testVersion, String runId,
                                String out, Algorithm algorithm) {
        long bytes = data.size() + (req.testData() == null ? 0 : store.head(req.testData()).size());
        if (bytes > MAX_BYTES) {
            return null;
        }
        TrainRequest one = SuperviseRun.request(req, runId, out, data.version(), testVersion, algorithm, null, null, null,
                Boolean.TRUE);
        // no time budget here: the supervisor looks for data errors only; each trainer checks its own budget
        DataPreparation.Prepared prepared = new DataPreparation(store)
                .prepare(one, algorithm, TrainingParams.resolve(algorithm, null), Long.MAX_VALUE);
        // said once, here, rather than by every trainer
        prepared.warnings().forEach(w -> LOG.warn(w));
        return prepared.summary();
    }

    static DatasetSummary check(ObjectStore store, SuperviseRequest req, ObjectInfo data, String testVersion, String runId,
                                String out, List<Algorithm> algorithms) {
        return check(store, req, data, testVersion, runId, out, algorithms.getFirst());
    }
}
