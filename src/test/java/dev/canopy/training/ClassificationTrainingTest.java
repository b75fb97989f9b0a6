package dev.canopy.training;

import dev.canopy.error.InvalidInputException;
import dev.canopy.invoke.local.LocalFunctionInvoker;
import dev.canopy.invoke.local.LocalFunctionInvoker.LocalFunction;
import dev.canopy.json.Json;
import dev.canopy.report.ReportService;
import dev.canopy.testing.InMemoryObjectStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Training a classification end to end on small generated data: detection, split, fit, metrics, ranking, files. */
class ClassificationTrainingTest {
    static final String OUT = "mem://out";
    static final Map<String, Object> FEW_TREES = Map.of("trees", 20);

    InMemoryObjectStore store;
    TrainService trainer;

    @BeforeEach
    void setUp() {
        store = new InMemoryObjectStore();
        trainer = new TrainService(store, Clock.systemUTC(), OUT);
    }

    /**
     * {@code rows} rows of two features; the class is a function of them with some noise: {@code labels[0]} below
     * a diagonal, the others in bands above it.
     */
    static String csv(int rows, long seed, String... labels) {
        SplittableRandom r = new SplittableRandom(seed);
        StringBuilder b = new StringBuilder("x1,x2,label\n");
        for (int i = 0; i < rows; i++) {
            double x1 = r.nextDouble() * 10;
            double x2 = r.nextDouble() * 10;
            double s = x1 + x2 + r.nextGaussian();
            int c = Math.min(labels.length - 1, (int) (s / (20.0 / labels.length)));
            b.append(String.format(java.util.Locale.ROOT, "%.4f,%.4f,%s%n", x1, x2, labels[c]));
        }
        return b.toString();
    }

    private String put(String name, String text) {
        String uri = "mem://data/" + name;
        store.put(uri, text.getBytes(StandardCharsets.UTF_8));
        return uri;
    }

    static TrainRequest train(String data, String algorithm, String task, String classWeight, Boolean stratify,
                              String metric) {
        return new TrainRequest("run-1", data, null, "label", null, algorithm, 0.25, 5L, null, null,
                algorithm.equals("decision_tree") ? Map.of() : FEW_TREES, null, null, null, null, null, null, null, null,
                null, null, null, null, task, null, classWeight, stratify, metric);
    }

    static SuperviseRequest supervise(String runId, String data, String metric, Boolean stratify) {
        return new SuperviseRequest(runId, data, "label", null, null, 0.25, 5L, null,
                Map.of("random_forest", FEW_TREES, "gradient_boosting", FEW_TREES), null, null, null, null, null, null,
                null, null, null, null, null, null, null, stratify, metric);
    }

    SupervisorService supervisor() {
        return new SupervisorService(store, new LocalFunctionInvoker(Map.of(
                "train", new LocalFunction<>(TrainRequest.class, trainer::train))), Clock.systemUTC(), OUT);
    }

    @ParameterizedTest
    @EnumSource(Algorithm.class)
    void aTextTargetTrainsAMulticlassClassifierAndSavesItsClasses(Algorithm a) {
        String data = put("three.csv", csv(400, 1, "low", "mid", "high"));
        TrainResult r = trainer.train(train(data, a.id(), null, null, null, null));

        assertEquals(TrainerState.DONE, r.state());
        assertNull(r.mse(), "no regression metrics for a classification");
        ClassificationMetrics m = r.classification();
        assertNotNull(m);
        assertTrue(m.accuracy() > 0.7, a + " accuracy " + m.accuracy());
        assertTrue(m.logLoss() > 0 && m.logLoss() < 1.5, a + " log loss " + m.logLoss());
        assertNull(m.rocAuc(), "no AUC for three classes");
        assertEquals(3, m.confusion().length);
        assertEquals(100, java.util.Arrays.stream(m.confusion()).flatMapToInt(java.util.Arrays::stream).sum());
        assertEquals("multiclass", r.dataset().task());
        assertEquals("task multiclass (auto): target label is text with 3 classes (high, low, mid)", r.dataset().taskReason());
        assertEquals(List.of("high", "low", "mid"), r.dataset().classes());

        ModelMetadata meta = Json.read(store.read(ModelArtifacts.metadata(OUT, "run-1", a.id())), ModelMetadata.class, "meta");
        assertEquals("multiclass", meta.task());
        assertEquals(List.of("high", "low", "mid"), meta.classes());
        String model = a == Algorithm.GRADIENT_BOOSTING ? ModelArtifacts.xgboostModel(OUT, "run-1", a.id())
                : ModelArtifacts.model(OUT, "run-1", a.id());
        // predictors load the .trees; the library's own file is kept beside it, and its size reported
        assertEquals(ModelArtifacts.trees(OUT, "run-1", a.id()), r.modelUri());
        assertEquals(store.read(model).length, r.modelBytes());
        if (a == Algorithm.GRADIENT_BOOSTING) {
            String json = new String(store.read(model), StandardCharsets.UTF_8);
            assertTrue(json.contains("multi:softprob") && json.contains("\"num_class\":\"3\""), json.substring(0, 300));
        }
    }

    @Test
    void aZeroOneTargetOnAutoIsBinaryWithBothAucs() {
        String data = put("binary.csv", csv(400, 2, "0", "1"));
        TrainResult r = trainer.train(train(data, "gradient_boosting", null, null, null, null));
        assertEquals("binary", r.dataset().task());
        assertEquals("task binary (auto): target label holds only 0 and 1", r.dataset().taskReason());
        assertNotNull(r.classification().rocAuc());
        assertTrue(r.classification().rocAuc() > 0.9, "roc auc " + r.classification().rocAuc());
        assertNotNull(r.classification().prAuc());
        String json = new String(store.read(ModelArtifacts.xgboostModel(OUT, "run-1", "gradient_boosting")),
                StandardCharsets.UTF_8);
        assertTrue(json.contains("binary:logistic"), "objective");
        // XGBClassifier's defaults where the request gives none; the rounds it gives
        assertEquals(20, r.params().get("n_estimators"));
        assertEquals(6, r.params().get("max_depth"));
        assertEquals(0.3, r.params().get("learning_rate"));
    }

    @Test
    void aZeroOneTargetStaysARegressionWhenAsked() {
        String data = put("binary.csv", csv(300, 2, "0", "1"));
        TrainResult r = trainer.train(train(data, "decision_tree", "regression", null, null, null));
        assertEquals("regression", r.dataset().task());
        assertNotNull(r.mse());
        assertNull(r.classification());
        String json = Json.writeString(r);
        assertTrue(!json.contains("classification") && !json.contains("validationScore"),
                "a regression's result has no classification fields: " + json);
    }

    @Test
    void aSmallIntegerTargetIsARegressionWithANotice() {
        String data = put("ints.csv", csv(300, 3, "1", "2", "3", "4"));
        TrainResult r = trainer.train(train(data, "decision_tree", null, null, null, null));
        assertEquals("regression", r.dataset().task());
        assertTrue(r.dataset().taskNotice().contains("--task multiclass"), r.dataset().taskNotice());
        TrainResult asClasses = trainer.train(train(data, "decision_tree", "multiclass", null, null, null));
        assertEquals(List.of("1", "2", "3", "4"), asClasses.dataset().classes());
        assertEquals("task multiclass (requested): target label has 4 classes (1, 2, 3, 4)", asClasses.dataset().taskReason());
    }

    @Test
    void theSupervisorRanksClassifiersByLogLossOrTheMetricAsked() {
        String data = put("three.csv", csv(400, 4, "a", "b", "c"));
        SuperviseResult byLoss = supervisor().supervise(supervise("r-loss", data, null, null));
        List<Double> losses = byLoss.results().stream().map(t -> t.classification().logLoss()).toList();
        assertEquals(losses.stream().sorted().toList(), losses);
        assertEquals(byLoss.results().getFirst().algorithm(), byLoss.best());
        // what the train-then-predict workflow scores with: the best model by the run's own metric
        assertEquals(byLoss.results().getFirst().modelUri(), byLoss.bestModelUri());
        assertEquals(byLoss.bestModelUri(), Json.read(store.read(RunLayout.result(OUT, "r-loss")), SuperviseResult.class,
                "result").bestModelUri(), "stored in result.json");
        assertEquals("multiclass", byLoss.dataset().task());
        assertEquals("log_loss", byLoss.rankedBy());
        String html = new String(store.read(new ReportService(store).write(OUT, "r-loss")),
                StandardCharsets.UTF_8);
        assertTrue(html.contains("ranked by test log loss") && html.contains("<th>balanced accuracy</th>"), "the report");

        SuperviseResult byAccuracy = supervisor().supervise(supervise("r-acc", data, "accuracy", null));
        List<Double> accuracies = byAccuracy.results().stream().map(t -> t.classification().accuracy()).toList();
        assertEquals(accuracies.stream().sorted(Comparator.reverseOrder()).toList(), accuracies);
        assertEquals("accuracy", byAccuracy.rankedBy());
        assertEquals(byAccuracy.results().getFirst().modelUri(), byAccuracy.bestModelUri());
        // the same models (same data, split and seeds), only the order differs
        assertEquals(losses.stream().sorted().toList(),
                byAccuracy.results().stream().map(t -> t.classification().logLoss()).sorted().toList());
    }

    @Test
    void aSearchRanksItsTrialsByTheMetricOverStratifiedFolds() {
        String data = put("two.csv", csv(300, 5, "no", "yes"));
        SearchSpace space = new SearchSpace(Map.of("decision_tree", Map.of("max_depth", List.<Object>of(1, 2, 6))), null, null, 3, 4);
        SuperviseResult r = supervisor().supervise(new SuperviseRequest("r-search", data, "label", null,
                List.of("decision_tree"), 0.25, 5L, null, null, null, space, null, null, null, null, null, null, null, null,
                null, null, null, true, "accuracy"));
        List<Trial> ranking = r.search().ranking();
        assertEquals(3, ranking.size());
        assertTrue(ranking.stream().allMatch(t -> "accuracy".equals(t.metric()) && t.cvMse() == null), ranking.toString());
        List<Double> scores = ranking.stream().map(Trial::cvScore).toList();
        assertEquals(scores.stream().sorted(Comparator.reverseOrder()).toList(), scores);
        assertEquals(3, ranking.getFirst().foldScores().size());
        String html = new String(store.read(new ReportService(store).write(OUT, "r-search")),
                StandardCharsets.UTF_8);
        assertTrue(html.contains("<th>CV accuracy</th>"), "the report's search table");
    }

    @Test
    void aSearchsTrialsTakeAClassifiersDefaultsForWhatTheyDoNotSearch() {
        String data = put("boost.csv", csv(300, 6, "no", "yes"));
        SearchSpace space = new SearchSpace(Map.of("gradient_boosting", Map.of("n_estimators", List.<Object>of(5, 10))),
                null, null, 2, 2);
        SuperviseResult r = supervisor().supervise(new SuperviseRequest("r-boost", data, "label", null,
                List.of("gradient_boosting"), 0.25, 5L, null, null, null, space, null, null, null, null, null, null, null,
                null, null, null, null, null, null));
        List<Trial> ranking = r.search().ranking();
        assertEquals(2, ranking.size());
        for (Trial t : ranking) {
            // as a plain classifier's trainer resolves them: XGBClassifier's, not the tutorial's regression ones
            assertEquals(6, t.params().get("max_depth"), t.toString());
            assertEquals(0.3, t.params().get("learning_rate"), t.toString());
        }
        assertEquals(Set.of(5, 10), Set.copyOf(ranking.stream().map(t -> t.params().get("n_estimators")).toList()));
        assertEquals(6, r.results().getFirst().params().get("max_depth"), "the refit of the best configuration");
    }

    @Test
    void aStratifiedSplitKeepsTheClassSharesInTheTestRows() {
        // 10 % positives: a stratified split of 400 rows puts exactly 10 of its 100 test rows in that class
        StringBuilder b = new StringBuilder("x1,label\n");
        for (int i = 0; i < 400; i++) {
            b.append(i).append(',').append(i % 10 == 0 ? "rare" : "common").append('\n');
        }
        String data = put("rare.csv", b.toString());
        TrainResult r = trainer.train(train(data, "decision_tree", null, null, true, null));
        int[][] confusion = r.classification().confusion();
        assertEquals(90, confusion[0][0] + confusion[0][1], "common rows in the test split");
        assertEquals(10, confusion[1][0] + confusion[1][1], "rare rows in the test split");
    }

    @Test
    void balancedClassWeightsRaiseTheRareClassRecall() {
        StringBuilder b = new StringBuilder("x1,x2,label\n");
        SplittableRandom rnd = new SplittableRandom(9);
        for (int i = 0; i < 1000; i++) {
            boolean rare = rnd.nextDouble() < 0.08;
            double x = rnd.nextGaussian() + (rare ? 1.2 : 0);
            b.append(x).append(',').append(rnd.nextGaussian()).append(',').append(rare ? "rare" : "common").append('\n');
        }
        String data = put("imbalanced.csv", b.toString());
        for (String a : List.of("gradient_boosting", "decision_tree", "random_forest")) {
            TrainRequest plain = train(data, a, null, null, true, null);
            TrainRequest weighted = train(data, a, null, "balanced", true, null);
            double plainRecall = recall(trainer.train(plain).classification().confusion(), 1);
            double weightedRecall = recall(trainer.train(weighted).classification().confusion(), 1);
            assertTrue(weightedRecall > plainRecall, a + ": recall of the rare class " + weightedRecall
                    + " balanced, " + plainRecall + " unweighted");
        }
    }

    private static double recall(int[][] confusion, int c) {
        return (double) confusion[c][c] / java.util.Arrays.stream(confusion[c]).sum();
    }

    @Test
    void badOptionsNameTheFieldAndTheValue() {
        String data = put("three.csv", csv(200, 6, "a", "b", "c"));
        String numeric = put("numeric.csv", "x1,label\n1,0.5\n2,1.5\n3,2.25\n4,3.5\n5,4.75\n6,5.5\n7,6.5\n8,7.5\n");
        record Case(TrainRequest request, String field, String text) {
        }
        for (Case c : List.of(
                new Case(train(data, "decision_tree", "clustering", null, null, null), "task", "auto, regression, binary, multiclass"),
                new Case(train(data, "decision_tree", null, "heavy", null, null), "classWeight", "none (the default) or balanced"),
                new Case(train(data, "decision_tree", null, null, null, "f2"), "metric", "log_loss, accuracy"),
                new Case(train(data, "decision_tree", null, null, null, "roc_auc"), "metric", "binary tasks only"),
                new Case(train(data, "decision_tree", "binary", null, null, null), "target", "exactly two classes"),
                new Case(train(numeric, "decision_tree", null, "balanced", null, null), "classWeight", "this run is a regression"),
                new Case(train(numeric, "decision_tree", null, null, true, null), "stratify", "this run is a regression"),
                new Case(train(numeric, "decision_tree", null, null, null, "accuracy"), "metric", "ranked by mse"))) {
            InvalidInputException e = assertThrows(InvalidInputException.class, () -> trainer.train(c.request()),
                    c.toString());
            assertEquals(c.field(), e.field(), e.getMessage());
            assertTrue(e.getMessage().contains(c.text()), e.getMessage());
        }
        // the supervisor refuses a bad option before any trainer runs
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> supervisor().supervise(
                new SuperviseRequest("r-bad", data, "label", null, null, null, null, null, null, null, null, null, null,
                        null, null, null, null, null, null, null, 1, null, null, null)));
        assertEquals("maxClasses", e.field());
        assertTrue(e.getMessage().startsWith("maxClasses=\"1\""), e.getMessage());
        assertTrue(store.writes().stream().noneMatch(w -> w.uri().contains("r-bad")), "nothing written for r-bad");
    }

    @Test
    void stratifyWithASeparateTestSetIsAnErrorNamingBoth() {
        String data = put("two.csv", csv(200, 8, "a", "b"));
        String test = put("test.csv", "x1,x2,label\n1,1,a\n9,9,b\n");
        TrainRequest r = new TrainRequest("run-1", data, null, "label", null, "decision_tree", null, 5L, test, null,
                null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, true, null);
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> trainer.train(r));
        assertEquals("stratify", e.field());
        assertTrue(e.getMessage().contains("--stratify") && e.getMessage().contains("--test-data")
                && e.getMessage().contains(test), e.getMessage());
        // the supervisor refuses it before any trainer runs
        InvalidInputException s = assertThrows(InvalidInputException.class, () -> supervisor().supervise(
                new SuperviseRequest("r-strat", data, "label", null, null, null, null, test, null, null, null, null,
                        null, null, null, null, null, null, null, null, null, null, true, null)));
        assertEquals("stratify", s.field());
        assertTrue(store.writes().stream().noneMatch(w -> w.uri().contains("r-strat")), "nothing written for r-strat");
        // without stratify the same pair trains
        assertEquals(TrainerState.DONE, trainer.train(new TrainRequest("run-2", data, null, "label", null,
                "decision_tree", null, 5L, test, null, null, null, null, null, null, null, null, null, null, null, null,
                null, null, null, null, null, null, null)).state());
    }

    @Test
    void aTestClassTrainingNeverSawIsAnErrorNamingIt() {
        String data = put("two.csv", csv(200, 7, "a", "b"));
        String test = put("test.csv", "x1,x2,label\n1,1,a\n9,9,b\n5,5,zebra\n");
        TrainRequest r = new TrainRequest("run-1", data, null, "label", null, "decision_tree", null, 5L, test, null,
                null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null);
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> trainer.train(r));
        assertEquals("testData.target", e.field());
        assertTrue(e.getMessage().contains("\"zebra\"") && e.getMessage().contains("row 3"), e.getMessage());
    }
}
