package dev.canopy.training;

import dev.canopy.error.ConflictException;
import dev.canopy.error.InvalidInputException;
import dev.canopy.error.ObjectNotFoundException;
import dev.canopy.json.Json;
import dev.canopy.model.ModelCodec;
import dev.canopy.model.SmileTrees;
import dev.canopy.model.TreeCodec;
import dev.canopy.model.TreeEnsemble;
import dev.canopy.model.xgboost.XgboostJsonModel;
import dev.canopy.testing.InMemoryObjectStore;
import dev.canopy.testing.TestData;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrainServiceTest {
    static final String DATA = "mem://data/housing.csv";
    static final String OUT = "mem://out";
    InMemoryObjectStore store;
    TrainService service;

    @BeforeEach
    void setUp() {
        store = new InMemoryObjectStore();
        store.put(DATA, TestData.housingCsvBytes(800, 3));
        service = new TrainService(store, Clock.systemUTC(), OUT);
    }

    static TrainRequest request(String algorithm, Function<TrainRequest, TrainRequest> tweak) {
        TrainRequest r = new TrainRequest("run-1", DATA, null, null, null, algorithm, 0.25, 5L, null, null,
                Map.of("trees", 20), null);
        return tweak.apply(r);
    }

    static TrainRequest with(TrainRequest r, String data, String target, List<String> features, Double fraction,
                             Map<String, Object> params) {
        return new TrainRequest(r.runId(), data, r.dataVersion(), target, features, r.algorithm(), fraction, r.seed(),
                r.testData(), r.testDataVersion(), params, r.out());
    }

    @ParameterizedTest
    @EnumSource(Algorithm.class)
    void trainsSavesModelAndMetadataAndPublishesEveryState(Algorithm a) {
        Map<String, Object> params = a == Algorithm.DECISION_TREE ? Map.of() : Map.of("trees", 20);
        TrainResult r = service.train(with(request(a.id(), x -> x), DATA, null, null, 0.25, params));

        assertEquals(TrainerState.DONE, r.state());
        assertNull(r.error());
        assertTrue(r.mse() > 0 && r.mse() < 1, "mse " + r.mse());
        assertEquals(Math.sqrt(r.mse()), r.rmse(), 1e-12);
        assertTrue(r.r2() > 0.5, "r2 " + r.r2());
        assertEquals(800, r.dataset().rows());
        assertEquals(200, r.dataset().testRows());
        assertEquals(8, r.dataset().features().size());
        assertEquals("MedHouseVal", r.dataset().target());

        assertEquals(OUT + "/run-1/models/" + a.id() + ".trees", r.modelUri());
        TreeEnsemble fromTrees = TreeCodec.read(r.modelUri(), store.read(r.modelUri()));
        if (a == Algorithm.GRADIENT_BOOSTING) {
            // XGBoost's own JSON model beside it, holding the same trees
            byte[] json = store.read(ModelArtifacts.xgboostModel(OUT, "run-1", a.id()));
            TreeEnsemble fromJson = XgboostJsonModel.parse(json).ensemble();
            assertEquals(20, fromTrees.trees());
            assertEquals(fromJson.nodes(), fromTrees.nodes());
            assertEquals(json.length, r.modelBytes());
        } else {
            byte[] model = store.read(ModelArtifacts.model(OUT, "run-1", a.id()));
            // the predictor's numbers-only form holds exactly the trees of the Smile model
            TreeEnsemble fromSmile = SmileTrees.compile(ModelCodec.read("m", model));
            assertEquals(fromSmile.trees(), fromTrees.trees());
            assertEquals(fromSmile.nodes(), fromTrees.nodes());
            assertEquals(model.length, r.modelBytes());
            assertNotNull(ModelCodec.read(ModelArtifacts.model(OUT, "run-1", a.id()), model));
        }
        ModelMetadata meta = Json.read(store.read(OUT + "/run-1/models/" + a.id() + ".json"), ModelMetadata.class, "meta");
        assertEquals(a.id(), meta.algorithm());
        assertEquals(r.mse(), meta.metrics().mse());
        assertEquals(store.head(DATA).version(), meta.dataset().version());
        assertTrue(meta.libraries().containsKey(a == Algorithm.GRADIENT_BOOSTING ? "xgboost" : "smile"), meta.libraries().toString());

        List<TrainerState> states = store.writes().stream()
                .filter(w -> w.uri().endsWith("/status/" + a.id() + ".json"))
                .map(w -> Json.read(w.data(), TrainerStatus.class, "status").state()).distinct().toList();
        assertEquals(List.of(TrainerState.INITIALIZED, TrainerState.LOADING_DATA, TrainerState.TRAINING,
                TrainerState.EVALUATING, TrainerState.DONE), states);
    }

    @Test
    void sameSeedGivesTheSameModelScores() {
        TrainResult a = service.train(request("gradient_boosting", x -> x));
        TrainResult b = service.train(request("gradient_boosting", x -> x));
        assertEquals(a.mse(), b.mse());
    }

    @Test
    void explicitTestDataSetIsUsedWhole() {
        store.put("mem://data/test.csv", TestData.housingCsvBytes(150, 99));
        TrainRequest r = new TrainRequest("run-2", DATA, null, null, null, "decision_tree", null, 1L,
                "mem://data/test.csv", null, null, null);
        TrainResult res = service.train(r);
        assertEquals(800, res.dataset().trainRows());
        assertEquals(150, res.dataset().testRows());
    }

    @Test
    void failurePublishesFailedWithTheError() {
        assertThrows(InvalidInputException.class,
                () -> service.train(with(request("decision_tree", x -> x), DATA, "Nope", null, 0.2, null)));
        TrainerStatus last = Json.read(store.read(OUT + "/run-1/status/decision_tree.json"), TrainerStatus.class, "s");
        assertEquals(TrainerState.FAILED, last.state());
        assertTrue(last.error().contains("target=\"Nope\""), last.error());
    }

    @Test
    void pinnedVersionThatNoLongerMatchesIsAConflict() {
        TrainRequest r = new TrainRequest("run-3", DATA, "v-old", null, null, "decision_tree", null, 1L, null, null,
                null, null);
        assertThrows(ConflictException.class, () -> service.train(r));
    }

    // ---- bad input: each names the field and the value ----------------------------------------

    private InvalidInputException bad(TrainRequest r) {
        return assertThrows(InvalidInputException.class, () -> service.train(r));
    }

    private void put(String uri, String text) {
        store.put(uri, text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void unknownAlgorithmListsTheValidOnes() {
        InvalidInputException e = bad(request("svm", x -> x));
        assertTrue(e.getMessage().startsWith("algorithm=\"svm\": unknown algorithm; valid: random_forest, decision_tree, gradient_boosting"),
                e.getMessage());
    }

    @Test
    void missingTargetColumn() {
        InvalidInputException e = bad(with(request("decision_tree", x -> x), DATA, "Price", null, 0.2, null));
        assertEquals("target", e.field());
        assertTrue(e.getMessage().contains("\"Price\"") && e.getMessage().contains("MedInc"), e.getMessage());
    }

    @Test
    void textFeatureBeyondTheCategoryCapNamesTheColumnAndTheFirstText() {
        // a numeric column with one typo is text; named as a feature it would be a category per number
        StringBuilder csv = new StringBuilder("a,b,MedHouseVal\n");
        for (int i = 0; i < 100; i++) {
            csv.append(i).append(',').append(i == 50 ? "x" : String.valueOf(i * 0.5)).append(',').append(i).append('\n');
        }
        put("mem://data/words.csv", csv.toString());
        InvalidInputException e = bad(with(request("decision_tree", x -> x), "mem://data/words.csv", null,
                List.of("a", "b"), 0.25, null));
        assertTrue(e.getMessage().contains("features=\"b\": has 100 distinct values, more than maxCategories "
                + "(--max-categories) 64") && e.getMessage().contains("\"x\""), e.getMessage());
    }

    @Test
    void emptyDataSet() {
        put("mem://data/empty.csv", "MedInc,MedHouseVal\n");
        assertTrue(bad(with(request("decision_tree", x -> x), "mem://data/empty.csv", null, null, 0.2, null))
                .getMessage().contains("empty"));
        put("mem://data/zero.csv", "");
        assertTrue(bad(with(request("decision_tree", x -> x), "mem://data/zero.csv", null, null, 0.2, null))
                .getMessage().contains("empty"));
    }

    @Test
    void missingObject() {
        ObjectNotFoundException e = assertThrows(ObjectNotFoundException.class,
                () -> service.train(with(request("decision_tree", x -> x), "mem://nope.csv", null, null, 0.2, null)));
        assertTrue(e.getMessage().contains("mem://nope.csv"));
    }

    @Test
    void unreadableCsv() {
        put("mem://data/bad.csv", "a,MedHouseVal\n1,2\n1,2,3\n");
        assertTrue(bad(with(request("decision_tree", x -> x), "mem://data/bad.csv", null, null, 0.2, null))
                .getMessage().contains("unreadable CSV"));
    }

    @Test
    void testFractionOutsideZeroOne() {
        for (double f : new double[]{0, -0.1, 1, 1.5}) {
            InvalidInputException e = bad(with(request("decision_tree", x -> x), DATA, null, null, f, null));
            assertEquals("testFraction", e.field());
            assertTrue(e.getMessage().contains(String.valueOf(f)), e.getMessage());
        }
    }

    @Test
    void unknownAndOutOfRangeParameters() {
        assertTrue(bad(with(request("random_forest", x -> x), DATA, null, null, 0.2, Map.of("depth", 3)))
                .getMessage().contains("params.random_forest.depth"));
        assertTrue(bad(with(request("random_forest", x -> x), DATA, null, null, 0.2, Map.of("trees", 0)))
                .getMessage().contains("params.random_forest.trees=\"0\": out of range"));
    }

    @Test
    void nonFiniteTargetIsRejectedWithTheRow() {
        put("mem://data/nan.csv", "a,MedHouseVal\n1,2\n2,NaN\n3,4\n4,5\n");
        InvalidInputException e = bad(with(request("decision_tree", x -> x), "mem://data/nan.csv", null, null, 0.25, null));
        assertTrue(e.getMessage().contains("row 2"), e.getMessage());
    }

    @Test
    void badRunIdCannotEscapeTheOutputLocation() {
        TrainRequest r = new TrainRequest("../etc", DATA, null, null, null, "decision_tree", null, 1L, null, null, null, null);
        assertEquals("runId", bad(r).field());
    }

    @Test
    void errorsCarryAlgorithmAndRunContext() {
        InvalidInputException e = bad(with(request("decision_tree", x -> x), DATA, "Price", null, 0.2, null));
        assertEquals("decision_tree", e.context().get("algorithm"));
        assertInstanceOf(InvalidInputException.class, e);
    }
}
