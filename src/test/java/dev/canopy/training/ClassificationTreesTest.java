package dev.canopy.training;

import dev.canopy.json.Json;
import dev.canopy.model.TreeCodec;
import dev.canopy.model.TreeEnsemble;
import dev.canopy.model.xgboost.XgboostJsonModel;
import dev.canopy.testing.InMemoryObjectStore;
import smile.classification.DecisionTree;
import smile.classification.RandomForest;
import smile.data.DataFrame;
import smile.data.Tuple;
import smile.data.vector.DoubleVector;
import smile.data.vector.ValueVector;
import smile.model.cart.DecisionNode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A classification's result names its {@code .trees} file, and that file's probabilities on the test split are
 * the training library's own ({@link #probabilities}: Smile's {@code predict(x, posteriori)},
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
        byte[] xgboost = algorithm.equals("gradient_boosting") ? store.read(ModelArtifacts.xgboostModel(OUT, "run-1", algorithm)) : null;
        Object model = xgboost != null
                ? new XgboostTrainer.Fitted(xgboost, XgboostJsonModel.parse(xgboost), 0, 1)
                : deserialize(store.read(ModelArtifacts.model(OUT, "run-1", algorithm)));
        int n = prepared.testY().length;
        assertEquals(150, n);
        double[][] library = probabilities(model, prepared.train().names(), prepared.testColumns(), n, k);
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

    /**
     * A forest's probabilities as scikit-learn scores its trees, and as its {@code .trees} do: each tree's leaf,
     * as Smile routes the row, gives its classes' shares of its rows, averaged with the trees' weights. (Smile's
     * own {@code predict} smooths each leaf first; {@code SmileClassifiers} says why Canopy does not.)
     */
    private static void shares(RandomForest f, Tuple row, double[] out) {
        Arrays.fill(out, 0);
        double total = 0;
        for (RandomForest.Model m : f.models()) {
            if (!(m.tree().root().predict(row) instanceof DecisionNode leaf)) {
                throw new IllegalStateException("a classification tree's leaf is not a DecisionNode");
            }
            int[] count = leaf.count();
            double n = Arrays.stream(count).sum();
            for (int c = 0; c < out.length; c++) {
                out[c] += m.weight() * count[c] / n;
            }
            total += m.weight();
        }
        for (int c = 0; c < out.length; c++) {
            out[c] /= total;
        }
    }

    /**
     * The oracle: the probabilities of {@code k} classes that {@code model} gives {@code rows} rows of {@code columns} (one
     * array per feature, in training order, gaps filled or NaN as the encoding leaves them), by the library
     * itself: what the {@code .trees} form, which a run is scored and saved as ({@link ClassificationRun}), must
     * reproduce. Smile scores row by row, many times slower than the {@code .trees}.
     */
    private static double[][] probabilities(Object model, List<String> names, double[][] columns, int rows, int k) {
        if (model instanceof XgboostTrainer.Fitted x) {
            int p = columns.length;
            float[] flat = new float[rows * p];
            for (int j = 0; j < p; j++) {
                for (int i = 0; i < rows; i++) {
                    flat[i * p + j] = (float) columns[j][i];
                }
            }
            return XgboostTrainer.probabilities(x.json(), flat, rows, p, k);
        }
        ValueVector[] v = new ValueVector[columns.length];
        for (int j = 0; j < columns.length; j++) {
            v[j] = new DoubleVector(names.get(j), columns[j]);
        }
        DataFrame df = new DataFrame(v);
        double[][] out = new double[rows][k];
        for (int i = 0; i < rows; i++) {
            Tuple row = df.get(i);
            switch (model) {
                case RandomForest f -> shares(f, row, out[i]);
                case DecisionTree t -> t.predict(row, out[i]);
                default -> throw new IllegalArgumentException("not a classifier: " + model.getClass().getName());
            }
        }
        return out;
    }
}
