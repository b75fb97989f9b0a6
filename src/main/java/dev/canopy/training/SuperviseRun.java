package dev.canopy.training;

import dev.canopy.cost.CostMeter;
import dev.canopy.deadline.InvocationDeadline.Deadline;

import java.util.List;
import java.util.Map;

/**
 * A supervise run's fixed facts, shared by its calls, and the meter that counts what they cost.
 *
 * @param checked the data's summary from {@link DataPreflight}, null when the data was too large to check
 */
record SuperviseRun(SuperviseRequest req, String runId, String out, String dataVersion, String testVersion, long t0,
                    StatusBoard board, CostMeter meter, DatasetSummary checked, Deadline deadline) {

    long millis() {
        return (System.nanoTime() - t0) / 1_000_000;
    }

    TrainRequest request(Algorithm a, Map<String, Object> params, Integer folds, Integer fold, Boolean trial) {
        return request(req, runId, out, dataVersion, testVersion, a, params, folds, fold, trial);
    }

    /** The {@code train} request of {@code a} for supervise request {@code req}: the same data version, split and options. */
    static TrainRequest request(SuperviseRequest req, String runId, String out, String dataVersion, String testVersion,
                                Algorithm a, Map<String, Object> params, Integer folds, Integer fold, Boolean trial) {
        return new TrainRequest(runId, req.data(), dataVersion, req.target(), req.features(), a.id(),
                req.testFraction(), req.seed(), req.testData(), testVersion, params, out, folds, fold, trial,
                req.delimiter(), req.missing(), req.categorical(), req.maxCategories(), req.exclude(),
                req.sampleRows(), req.fitToBudget(), null, req.task(), req.maxClasses(), req.classWeight(),
                req.stratify(), req.metric());
    }

    /** The algorithm of the first DONE row of {@code ranked}: the run's best; null when none is DONE. */
    static String best(List<TrainResult> ranked) {
        return ranked.stream().filter(r -> r.state() == TrainerState.DONE).map(TrainResult::algorithm)
                .findFirst().orElse(null);
    }

    /**
     * The run's data summary: the preflight's, else that of the trainer that read the most rows (the first of
     * them: trainers that sized their samples to their memory read different rows), else what the request names.
     */
    DatasetSummary dataset(List<TrainResult> results) {
        if (checked != null) {
            return checked; // what the trainers prepared too; there even when every trainer failed
        }
        return results.stream().filter(r -> r.dataset() != null).map(TrainResult::dataset)
                .reduce((a, b) -> b.rows() > a.rows() ? b : a)
                .orElseGet(() -> new DatasetSummary(req.data(), dataVersion, 0, 0, 0,
                        req.target() == null ? TrainService.DEFAULT_TARGET : req.target(),
                        req.features() == null ? List.of() : req.features()));
    }

    /**
     * The answer's rows: a trainer's data summary is left out where it is the run's ({@code dataset}), and kept
     * where the trainer read other rows (a sample sized to its own memory), so the answer still says each.
     */
    static List<TrainResult> beside(DatasetSummary dataset, List<TrainResult> results) {
        return results.stream().map(t -> t.dataset() == null || t.dataset().rows() == dataset.rows()
                && java.util.Objects.equals(t.dataset().sampledFrom(), dataset.sampledFrom())
                ? t.withoutDataset() : t).toList();
    }
}
