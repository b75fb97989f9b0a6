package dev.canopy.training;

import dev.canopy.json.Json;
import dev.canopy.model.TreeCodec;
import dev.canopy.model.TreeEnsemble;
import dev.canopy.testing.InMemoryObjectStore;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A classification's result names its {@code .trees} file, and that file's probabilities on the test split are
 * the training library's own ({@link ClassifierTrainer#probabilities}: Smile's {@code predict(x, posteriori)},
 * XGBoost4J's {@code predict}), within 1e-6; the metrics computed from them are the result's.
 */
class ClassificationTreesTest {
    static final String OUT = "mem://out";

    @ParameterizedTest
    @CsvSource({"random_forest,2", "random_forest,3", "decision_tree,2", "decision_tree,4", "gradient_boosting,2",
            "gradient_boosting,3"})
    void theTreesScoreAsTheLibraryDid(String algorithm, int k) throws Exception {
        InMemoryObjectStore store = new InMemoryObjectStore();
        String[] labels = k == 2 ? new String[]{"no", "yes"} : java.util.stream.IntStream.range(0, k)
                .mapToObj(c -> "c" + c).toArray(String[]::new);
        String data = "mem://data/d.csv";
        store.put(data, ClassificationTrainingTest.csv(600, 7 + k, labels).getBytes(StandardCharsets.UTF_8));
        TrainRequest req = ClassificationTrainingTest.train(data, algorithm, null, null, null, null);
        TrainResult r = new TrainService(store, Clock.systemUTC(), OUT).train(req);

        assertEquals(TrainerState.DONE, r.state(), r.error());
        assertEquals(ModelArtifacts.trees(OUT, "run-1", algorithm), r.modelUri());
        TreeEnsemble trees = TreeCodec.read(r.modelUri(), store.read(r.modelUri()));
        assertEquals(k, trees.classes());
        assertEquals(List.of(labels), trees.classLayout().labels(), "the labels go with the trees");
        ModelMetadata meta = Json.read(store.read(ModelArtifacts.metadata(OUT, "run-1", algorithm)),
                ModelMetadata.class, "meta");
        assertEquals(List.of(labels), meta.classes());
        assertEquals(k == 2 ? "binary" : "multiclass", meta.task());

        // the same test split, and the library's own model as it was saved
        Algorithm a = Algorithm.parse("algorithm", algorithm);
        DataPreparation.Prepared prepared = new DataPreparation(store).prepare(req, a,
                TrainingParams.resolve(a, req.params()), Long.MAX_VALUE);
        Object model = algorithm.equals("gradient_boosting")
                ? new XgboostTrainer.Fitted(store.read(ModelArtifacts.xgboostModel(OUT, "run-1", algorithm)), null, 0, 1)
                : deserialize(store.read(ModelArtifacts.model(OUT, "run-1", algorithm)));
        int n = prepared.testY().length;
        assertEquals(150, n);
        double[][] library = ClassifierTrainer.probabilities(model, prepared.train().names(), prepared.testColumns(), n, k);
        double[][] fromTrees = ClassificationRun.probabilities(trees, prepared.testColumns(), n);
        double worst = 0;
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < k; c++) {
                worst = Math.max(worst, Math.abs(library[i][c] - fromTrees[i][c]));
            }
        }
        assertTrue(worst <= 1e-6, algorithm + " k=" + k + ": max |diff| " + worst);
        System.out.printf("%s k=%d: max |p_trees - p_library| = %.3g%n", algorithm, k, worst);

        int[] truth = new int[n];
        for (int i = 0; i < n; i++) {
            truth[i] = (int) prepared.testY()[i];
        }
        ClassificationMetrics m = ClassificationMetrics.of(truth, fromTrees);
        ClassificationMetrics result = r.classification();
        assertEquals(m.logLoss(), result.logLoss(), 0);
        assertEquals(m.accuracy(), result.accuracy(), 0);
        assertEquals(m.balancedAccuracy(), result.balancedAccuracy(), 0);
        assertEquals(m.macroF1(), result.macroF1(), 0);
        assertEquals(m.rocAuc(), result.rocAuc());
        assertEquals(m.prAuc(), result.prAuc());
        for (int c = 0; c < k; c++) {
            assertArrayEquals(m.confusion()[c], result.confusion()[c]);
        }
        // and the library's probabilities give the same metrics but for rounding
        ClassificationMetrics lib = ClassificationMetrics.of(truth, library);
        assertEquals(lib.logLoss(), result.logLoss(), 1e-6);
        assertEquals(lib.accuracy(), result.accuracy(), 0);
    }

    /** The Smile model training saved: a test reads its own run's file, so no allow-list is needed here. */
    private static Object deserialize(byte[] bytes) throws IOException, ClassNotFoundException {
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
            return in.readObject();
        }
    }
}
