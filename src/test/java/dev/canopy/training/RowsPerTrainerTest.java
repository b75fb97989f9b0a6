package dev.canopy.training;

import dev.canopy.cli.shared.Tables;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Trainers that size their samples to their own memory read different rows of one data set (10 M rows through
 * the template's trainers: boosting a sample of 3.25 M, the trees every row): the run says each trainer's rows.
 */
class RowsPerTrainerTest {
    static DatasetSummary read(int rows, Long sampledFrom) {
        return new DatasetSummary("/data/set", "v1", rows, rows * 4 / 5, rows / 5, "y", List.of("a", "b"), null,
                null, null, null, null, List.of(new DatasetSummary.Part("part-0.parquet", 10_000_000)), sampledFrom);
    }

    static TrainResult done(String algorithm, DatasetSummary d) {
        return new TrainResult(algorithm, TrainerState.DONE, 0.19, 0.43, 0.27, 0.84, 1_000L, 100L, "m", Map.of(),
                null, d);
    }

    @Test
    void theRunSaysEachTrainersRowsWhenTheyDifferAndTakesTheLargestAsItsOwn() {
        List<TrainResult> results = List.of(done("gradient_boosting", read(3_254_000, 10_000_000L)),
                done("decision_tree", read(10_000_000, null)), done("random_forest", read(10_000_000, null)));
        SuperviseRun run = new SuperviseRun(null, "run-1", "out", "v1", null, System.nanoTime(), null, null, null,
                null);
        DatasetSummary summary = run.dataset(results);
        assertEquals(10_000_000, summary.rows(), "the trainer that read the most rows, not the first");
        assertNull(summary.sampledFrom());

        // the answer keeps a trainer's own summary only where it read other rows than the run's
        List<TrainResult> rows = SuperviseRun.beside(summary, results);
        assertEquals(3_254_000, rows.get(0).dataset().rows());
        assertNull(rows.get(1).dataset());
        assertNull(rows.get(2).dataset());
        SuperviseResult r = new SuperviseResult("run-1", 1_000, summary, rows, "gradient_boosting");
        assertEquals("rows per trainer: gradient_boosting 3,254,000 sampled from 10,000,000; decision_tree "
                + "10,000,000; random_forest 10,000,000", r.describeRowsPerTrainer());
        String table = Tables.supervise(r);
        assertTrue(table.contains("(10000000 rows: 8000000 train / 2000000 test, target y)")
                && table.contains("\nrows per trainer: gradient_boosting 3,254,000 sampled from 10,000,000;"), table);
    }

    @Test
    void trainersThatReadTheSameRowsGetNoSuchLine() {
        List<TrainResult> results = List.of(done("gradient_boosting", read(6_827_000, 10_000_000L)),
                done("decision_tree", read(6_827_000, 10_000_000L)));
        List<TrainResult> rows = SuperviseRun.beside(results.get(0).dataset(), results);
        assertTrue(rows.stream().allMatch(t -> t.dataset() == null), "the run's rows are said once");
        SuperviseResult r = new SuperviseResult("run-1", 1_000, results.get(0).dataset(), rows, "decision_tree");
        assertNull(r.describeRowsPerTrainer());
        assertTrue(!Tables.supervise(r).contains("rows per trainer"), Tables.supervise(r));
    }
}
