package dev.canopy.training;

import com.fasterxml.jackson.databind.JsonNode;
import dev.canopy.storage.local.LocalObjectStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Locale;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Canopy's classifiers against scikit-learn's on its bundled data sets, with the same stratified split
 * ({@code train_test_split(stratify=y, test_size=0.2, random_state=42)}) and the same parameters: a forest of 100
 * trees grown on bootstrap samples with {@code sqrt(features)} features tried per split and leaves of one row,
 * and an unlimited tree. Accuracy must be within one test row of scikit-learn's (breast cancer: 114 test rows,
 * binary; wine: 36, three classes). The figures are printed.
 */
class ScikitLearnClassifiersTest {
    /** One scikit-learn process for the class's tests. */
    @RegisterExtension
    static final ScikitLearnOracle.Python SKLEARN = new ScikitLearnOracle.Python();

    static final double TEST_FRACTION = 0.2;
    static final long SEED = 42;
    static final int TREES = 100;

    @TempDir
    Path dir;

    @Test
    void breastCancerIsBinaryOnAutoAndWithinOneTestRowOfScikitLearn() throws Exception {
        compare("breast_cancer", null, "binary", 114);
    }

    @Test
    void wineTrainedAsMulticlassIsWithinOneTestRowOfScikitLearn() throws Exception {
        compare("wine", "multiclass", "multiclass", 36);
    }

    private void compare(String name, String task, String expectedTask, int testRows) throws Exception {
        try (ScikitLearnOracle sk = SKLEARN.require()) {
            Path csv = dir.resolve(name + ".csv");
            JsonNode anchor = sk.run("classifiers", name, csv.toString(), String.valueOf(TEST_FRACTION),
                    String.valueOf(SEED), String.valueOf(TREES));
            assertEquals(testRows, anchor.get("test").size());
            int p = anchor.get("features").asInt();
            TrainService trainer = new TrainService(new LocalObjectStore(), Clock.systemUTC(), dir.resolve("out").toString());
            Map<String, Object> forest = Map.of("trees", TREES, "mtry", (int) Math.floor(Math.sqrt(p)), "min_leaf_size", 1,
                    "max_depth", 0, "subsample", 1.0);
            Map<String, Object> tree = Map.of("max_depth", 0, "min_leaf_size", 1);
            for (Algorithm a : new Algorithm[]{Algorithm.RANDOM_FOREST, Algorithm.DECISION_TREE}) {
                TrainResult r = trainer.train(new TrainRequest("sk-" + name, csv.toString(), null, "target", null, a.id(),
                        TEST_FRACTION, SEED, null, null, a == Algorithm.RANDOM_FOREST ? forest : tree, null, null, null, null,
                        null, null, null, null, null, null, null, null, task, null, null, true, null));
                assertEquals(expectedTask, r.dataset().task(), r.dataset().taskReason());
                assertEquals(testRows, r.dataset().testRows());
                double ours = r.classification().accuracy();
                double theirs = anchor.get(a.id()).asDouble();
                System.out.printf(Locale.ROOT, "%s %s: accuracy %.4f (scikit-learn %.4f), log loss %.4f (scikit-learn "
                                + "%.4f), %d test rows%n", name, a.id(), ours, theirs, r.classification().logLoss(),
                        anchor.get(a.id() + "_log_loss").asDouble(), testRows);
                assertTrue(Math.abs(ours - theirs) * testRows <= 1 + 1e-9, String.format(Locale.ROOT,
                        "%s %s: accuracy %.4f, scikit-learn's %.4f: %.1f test rows apart", name, a.id(), ours, theirs,
                        Math.abs(ours - theirs) * testRows));
            }
        }
    }
}
