package dev.canopy.training;

import dev.canopy.error.InvalidInputException;
import dev.canopy.pool.Backoff;
import dev.canopy.testing.InMemoryObjectStore;
import dev.canopy.testing.TestData;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelSizeTest {
    static final long MAX = TrainService.DEFAULT_MODEL_MAX_BYTES;

    @Test
    void californiaSizedForestsAreLeftAlone() {
        Map<String, Number> p = TrainingParams.resolve(Algorithm.RANDOM_FOREST, null);
        assertSame(p, ModelSize.bound(Algorithm.RANDOM_FOREST, p, 16_512, MAX));
        Map<String, Number> gb = TrainingParams.resolve(Algorithm.GRADIENT_BOOSTING, null);
        assertSame(gb, ModelSize.bound(Algorithm.GRADIENT_BOOSTING, gb, 16_512, MAX));
        // 150 trees of depth 10: at most 1,024 leaves each, whatever the rows
        assertEquals(1024, ModelSize.leaves(Algorithm.GRADIENT_BOOSTING, gb, 10_000_000));
    }

    @Test
    void theDefaultForestOnAMillionRowsGrowsEachTreeOnFiftyThousandRowsAndFits() {
        Map<String, Number> p = TrainingParams.resolve(Algorithm.RANDOM_FOREST, null);
        assertEquals(50_000, SmileForest.rowsPerTree(p, 1_000_000));
        // min_leaf_size 3 on 50,000 rows: 16,666 leaves a tree, 140 MB for 150 trees
        assertEquals(16_666, ModelSize.leaves(Algorithm.RANDOM_FOREST, p, 1_000_000));
        assertSame(p, ModelSize.bound(Algorithm.RANDOM_FOREST, p, 1_000_000, MAX));
    }

    @Test
    void aMulticlassModelCountsATreePerClassForEachTreeGrown() {
        // the default forest fits a million rows as a regression (140 MB) or a binary classifier, but its .trees
        // for 5 classes holds 5 trees per tree grown, 700 MB: bounded to the leaves that fit
        Map<String, Number> p = TrainingParams.resolve(Algorithm.RANDOM_FOREST, null);
        assertSame(p, ModelSize.bound(Algorithm.RANDOM_FOREST, p, 1_000_000, MAX, 1));
        Map<String, Number> bounded = ModelSize.bound(Algorithm.RANDOM_FOREST, p, 1_000_000, MAX, 5);
        int leaves = bounded.get("max_leaves").intValue();
        assertTrue(ModelSize.bytes(5 * 150, leaves) <= MAX && ModelSize.bytes(5 * 150, leaves + 1) > MAX,
                "the largest that fits: " + leaves);
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> ModelSize.bound(Algorithm.RANDOM_FOREST,
                TrainingParams.resolve(Algorithm.RANDOM_FOREST, Map.of("max_leaves", 16_000)), 1_000_000, MAX, 5));
        assertTrue(e.getMessage().contains("750 tree(s) of up to 16,000 leaves"), e.getMessage());
    }

    @Test
    void aForestOnEveryRowOfAMillionIsBoundedToFit() {
        Map<String, Number> p = TrainingParams.resolve(Algorithm.RANDOM_FOREST, Map.of("max_samples", 1_000_000));
        // min_leaf_size 3 on 63.2 % of a million rows: 210,666 leaves a tree, 1.8 GB for 150 trees
        assertEquals(210_666, ModelSize.leaves(Algorithm.RANDOM_FOREST, p, 1_000_000));
        assertTrue(ModelSize.bytes(150, 210_666) > 1_700_000_000L);
        Map<String, Number> bounded = ModelSize.bound(Algorithm.RANDOM_FOREST, p, 1_000_000, MAX);
        int leaves = bounded.get("max_leaves").intValue();
        assertTrue(leaves > 10_000, "leaves " + leaves);
        assertTrue(ModelSize.bytes(150, leaves) <= MAX);
        assertTrue(ModelSize.bytes(150, leaves + 1) > MAX, "the largest that fits");
    }

    @Test
    void aModelBoundedByTheUserThatCannotFitIsRefusedWithTheFigures() {
        Map<String, Number> p = TrainingParams.resolve(Algorithm.RANDOM_FOREST, Map.of("max_leaves", 100_000, "min_leaf_size", 1,
                "max_samples", 1_000_000));
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> ModelSize.bound(Algorithm.RANDOM_FOREST, p, 1_000_000, MAX));
        assertTrue(e.getMessage().contains("150 tree(s) of up to 100,000 leaves on 1,000,000 training rows take up to 840.0 MB")
                && e.getMessage().contains("over canopy.model.max-bytes=268.4 MB")
                && e.getMessage().contains("max_leaves of at most 31,957"), e.getMessage());
    }

    @Test
    void theTrainerRefusesBeforeTrainingAndBoundsWhatItMayBound() {
        InMemoryObjectStore store = new InMemoryObjectStore();
        store.put("mem://d.csv", TestData.housingCsvBytes(800, 2));
        long max = 60_000;
        TrainService service = new TrainService(store, Clock.systemUTC(), "mem://out", TrainService.DEFAULT_TIME_BUDGET, null, ForestFanOut.Settings.DEFAULT,
                max, Backoff.NONE, false);
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> service.train(new TrainRequest("big",
                "mem://d.csv", null, null, null, "random_forest", 0.25, 1L, null, null,
                Map.of("trees", 50, "max_leaves", 200, "min_leaf_size", 1), null)));
        assertTrue(e.getMessage().contains("over canopy.model.max-bytes=0.1 MB"), e.getMessage());
        assertTrue(store.list("mem://out/big/models/").isEmpty(), "nothing trained, nothing saved");

        TrainResult r = service.train(new TrainRequest("auto", "mem://d.csv", null, null, null, "random_forest", 0.25, 1L,
                null, null, Map.of("trees", 50, "min_leaf_size", 1), null));
        int leaves = r.params().get("max_leaves").intValue();
        assertTrue(leaves >= 2 && leaves < 600, "bounded to " + leaves);
        assertTrue(store.read(r.modelUri()).length <= max, store.read(r.modelUri()).length + " bytes");
    }
}
