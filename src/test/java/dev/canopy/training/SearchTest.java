package dev.canopy.training;

import dev.canopy.error.ConflictException;
import dev.canopy.error.InvalidInputException;
import dev.canopy.error.ObjectNotFoundException;
import dev.canopy.invoke.FunctionInvocationException;
import dev.canopy.invoke.FunctionInvocationException.Outcome;
import dev.canopy.invoke.FunctionInvoker;
import dev.canopy.json.Json;
import dev.canopy.pool.Backoff;
import dev.canopy.pool.Throttle;
import dev.canopy.testing.InMemoryObjectStore;
import dev.canopy.testing.RecordingObjectStore;
import dev.canopy.testing.TestData;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Searches in {@code supervise}: grids, random draws, folds, the pool's bounds and retries, refits, status. */
class SearchTest {
    static final String DATA = "mem://data/housing.csv";
    static final String OUT = "mem://out";

    InMemoryObjectStore store;
    TrainService trainer;
    StatusService status;
    /** Train calls in flight now, and the most ever. */
    final AtomicInteger inFlight = new AtomicInteger();
    final AtomicInteger peak = new AtomicInteger();
    final List<TrainRequest> calls = new java.util.concurrent.CopyOnWriteArrayList<>();

    @BeforeEach
    void setUp() {
        store = new InMemoryObjectStore();
        store.put(DATA, TestData.housingCsvBytes(400, 21));
        trainer = new TrainService(store, Clock.systemUTC(), OUT);
        status = new StatusService(store, Clock.systemUTC(), OUT);
    }

    /** A one-attempt transport around {@code train}, as the Lambda and local invokers are. */
    SupervisorService supervisor(SupervisorService.Limits limits, Function<TrainRequest, TrainResult> train) {
        FunctionInvoker transport = (function, payload) -> {
            TrainRequest req = Json.request(payload, TrainRequest.class);
            calls.add(req);
            peak.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            try {
                return Json.writeString(train.apply(req));
            } finally {
                inFlight.decrementAndGet();
            }
        };
        return new SupervisorService(store, transport, Clock.systemUTC(), OUT, limits, Backoff.NONE);
    }

    SupervisorService supervisor(Function<TrainRequest, TrainResult> train) {
        return supervisor(SupervisorService.Limits.DEFAULT, train);
    }

    static SuperviseRequest request(String runId, Long seed, SearchSpace search) {
        return new SuperviseRequest(runId, DATA, null, null, List.of("random_forest", "gradient_boosting"), 0.2, seed,
                null, Map.of("random_forest", Map.of("trees", 8), "gradient_boosting", Map.of("trees", 8)), null, search, null, null, null, null);
    }

    static SearchSpace grid(Integer folds, Integer concurrency) {
        return new SearchSpace(Map.of(
                "random_forest", Map.of("max_depth", List.of(4, 8)),
                "gradient_boosting", Map.of("max_depth", List.of(2, 4), "learning_rate", List.of(0.1, 0.3))),
                null, null, folds, concurrency);
    }

    @Test
    void aGridOverTwoAlgorithmsWithFoldsRanksByCrossValidationAndRefitsEachAlgorithmsBest() {
        SuperviseResult r = supervisor(trainer::train).supervise(request("s1", 7L, grid(3, 4)));
        SearchResult s = r.search();
        assertEquals(6, s.configurations(), "2 forest depths + 2 × 2 boosting points");
        assertEquals(18, s.trials());
        assertEquals(0, s.failedTrials());
        assertTrue(peak.get() <= 4 && peak.get() >= 2, "in flight at once: " + peak.get());

        // every (configuration, fold) was one trial call, then one refit per algorithm
        List<TrainRequest> trials = calls.stream().filter(TrainRequest::isTrial).toList();
        assertEquals(18, trials.size());
        assertEquals(Set.of(0, 1, 2), trials.stream().map(TrainRequest::fold).collect(Collectors.toSet()));
        assertTrue(trials.stream().allMatch(t -> t.folds() == 3 && t.dataVersion().equals(store.head(DATA).version())));
        List<TrainRequest> refits = calls.stream().filter(c -> !c.isTrial()).toList();
        assertEquals(2, refits.size());
        assertTrue(refits.stream().allMatch(c -> c.folds() == null && c.fold() == null));

        List<Double> cv = s.ranking().stream().map(Trial::cvMse).toList();
        assertEquals(cv.stream().sorted().toList(), cv, "ranked by mean CV MSE");
        for (Trial t : s.ranking()) {
            assertEquals(TrainerState.DONE, t.state());
            assertEquals(3, t.foldMses().size());
            double mean = t.foldMses().stream().mapToDouble(Double::doubleValue).average().orElseThrow();
            assertEquals(mean, t.cvMse(), 1e-12);
            assertTrue(t.cvStd() >= 0 && t.testMse() > 0, t.toString());
        }
        Trial best = s.ranking().getFirst();
        assertEquals(best, s.best());
        assertEquals(best.algorithm(), r.best());
        // gradient_boosting's "trees" is read as XGBoost's n_estimators
        assertEquals(8, best.params().get(best.algorithm().equals("gradient_boosting") ? "n_estimators" : "trees").intValue(),
                "the request's params are the fixed values under the grid");

        // the results are the refitted best of each algorithm, in the search's order, and their models are saved
        assertEquals(List.of(best.algorithm()), r.results().stream().limit(1).map(TrainResult::algorithm).toList());
        for (TrainResult refit : r.results()) {
            Trial itsBest = s.ranking().stream().filter(t -> t.algorithm().equals(refit.algorithm())).findFirst().orElseThrow();
            assertEquals(itsBest.params(), refit.params());
            assertEquals(TrainerState.DONE, refit.state());
            assertTrue(store.exists(ModelArtifacts.trees(OUT, "s1", refit.algorithm())));
            assertTrue(store.exists(ModelArtifacts.insights(OUT, "s1", refit.algorithm())));
        }
        // trials save nothing: the run holds two models, not twenty
        long models = store.list(OUT + "/s1/models/").stream().filter(o -> o.uri().endsWith(".trees")).count();
        assertEquals(2, models);

        assertEquals(20, r.invocations().size());
        assertEquals(18, r.invocations().stream().filter(i -> i.kind().equals("trial")).count());
        assertTrue(r.invocations().stream().allMatch(i -> i.endMillis() >= i.startMillis() && i.slot() >= 0
                && i.slot() < 4 && i.state().equals("DONE")), r.invocations().toString());

        RunStatus st = status.status(new StatusRequest("s1", null));
        assertEquals("DONE", st.search().phase());
        assertEquals(18, st.search().total());
        assertEquals(18, st.search().done());
        assertEquals(best.config(), st.search().bestSoFar().config());
        assertTrue(st.trainers().stream().allMatch(t -> t.state() == TrainerState.DONE), st.toString());
        SuperviseResult stored = Json.read(store.read(RunLayout.result(OUT, "s1")), SuperviseResult.class, "result");
        assertEquals(s.ranking(), stored.search().ranking());
    }

    @Test
    void theSameSeedGivesTheSameDrawsAndRankingAndAnotherSeedOthers() {
        SearchSpace random = new SearchSpace(Map.of("gradient_boosting", Map.of("max_depth", List.of(2, 3, 4))),
                Map.of("gradient_boosting", Map.of("learning_rate", new SearchSpace.Range(0.01, 0.5, "log"),
                        "subsample", new SearchSpace.Range(0.5, 1.0, null))), 4, 2, 3);
        SuperviseResult a = supervisor(trainer::train).supervise(request("a", 11L, random));
        SuperviseResult b = supervisor(trainer::train).supervise(request("b", 11L, random));
        SuperviseResult c = supervisor(trainer::train).supervise(request("c", 12L, random));
        assertEquals(5, a.search().configurations(), "4 boosting draws + the forest's one configuration");
        assertEquals(scores(a), scores(b), "the same configurations, folds and scores, in the same order");
        assertEquals(a.search().best().config(), b.search().best().config());
        List<Map<String, Number>> drawn = a.search().ranking().stream().filter(t -> t.algorithm().equals("gradient_boosting"))
                .map(Trial::params).toList();
        for (Map<String, Number> p : drawn) {
            double lr = p.get("learning_rate").doubleValue();
            assertTrue(lr >= 0.01 && lr <= 0.5 && List.of(2, 3, 4).contains(p.get("max_depth").intValue()), p.toString());
        }
        assertTrue(drawn.stream().map(p -> p.get("learning_rate")).distinct().count() == 4, drawn.toString());
        assertTrue(!drawn.equals(c.search().ranking().stream().filter(t -> t.algorithm().equals("gradient_boosting"))
                .map(Trial::params).toList()), "another seed draws other configurations");
    }

    /** A ranking without its timings, which vary from run to run. */
    static List<List<Object>> scores(SuperviseResult r) {
        return r.search().ranking().stream().map(t -> List.<Object>of(t.config(), t.algorithm(), t.params(), t.cvMse(),
                t.cvStd(), t.testMse(), t.foldMses())).toList();
    }

    @Test
    void aFailedTrialIsAFailedRowAndTheOthersGoOn() {
        SuperviseResult r = supervisor(req -> {
            if (req.isTrial() && req.algorithm().equals("random_forest") && Integer.valueOf(8).equals(req.params().get("max_depth"))
                    && req.fold() == 1) {
                throw new IllegalStateException("trainer crashed");
            }
            return trainer.train(req);
        }).supervise(request("s3", 7L, grid(2, 3)));
        assertEquals(1, r.search().failedTrials());
        Trial failed = r.search().ranking().getLast();
        assertEquals(TrainerState.FAILED, failed.state());
        assertEquals(8, failed.params().get("max_depth").intValue());
        assertEquals("IllegalStateException: trainer crashed", failed.error());
        assertNull(failed.cvMse());
        assertEquals(5, r.search().ranking().stream().filter(t -> t.state() == TrainerState.DONE).count());
        assertEquals(2, r.results().size());
        assertTrue(r.results().stream().allMatch(t -> t.state() == TrainerState.DONE));
        assertEquals(1, status.status(new StatusRequest("s3", null)).search().failed());
    }

    @Test
    void throttledTrialsAreRetriedButOnesWithoutAnAnswerAreNot() {
        Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();
        SuperviseResult r = supervisor(req -> {
            String key = req.algorithm() + req.params().get("max_depth") + "/" + req.fold() + req.isTrial();
            int n = attempts.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
            if (req.isTrial() && req.fold() == 0 && req.algorithm().equals("random_forest")) {
                boolean deep = Integer.valueOf(8).equals(req.params().get("max_depth"));
                if (deep) {
                    throw new FunctionInvocationException("train", Outcome.NO_RESPONSE, "SdkClientException", "read timed out", true, null);
                }
                if (n == 1) {
                    throw new FunctionInvocationException("train", Outcome.THROTTLED, "TooManyRequestsException", "Rate Exceeded.", true, null);
                }
            }
            return trainer.train(req);
        }).supervise(request("s4", 7L, grid(2, 2)));
        assertEquals(2, attempts.get("random_forest4/0true").get(), "a throttled trial is sent again");
        assertEquals(1, attempts.get("random_forest8/0true").get(), "a trial without an answer may still run: not sent again");
        TrainInvocation noAnswer = r.invocations().stream().filter(i -> i.kind().equals("trial") && i.algorithm().equals("random_forest")
                && i.fold() == 0 && r.search().ranking().stream().anyMatch(t -> t.config() == i.config()
                && t.params().get("max_depth").intValue() == 8)).findFirst().orElseThrow();
        assertEquals("TIMED_OUT", noAnswer.state());
        assertEquals(1, r.search().failedTrials());
    }

    @Test
    void withoutASearchEachAlgorithmIsOneCallInThePoolUnderTheSameRetryRules() {
        Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();
        SuperviseResult r = supervisor(req -> {
            int n = attempts.computeIfAbsent(req.algorithm(), k -> new AtomicInteger()).incrementAndGet();
            if (req.algorithm().equals("random_forest") && n == 1) {
                throw new FunctionInvocationException("train", Outcome.SERVICE_ERROR, "ServiceException", "Lambda 500", true, null);
            }
            if (req.algorithm().equals("gradient_boosting")) {
                throw new FunctionInvocationException("train", Outcome.NO_RESPONSE, "SdkClientException", "read timed out", true, null);
            }
            return trainer.train(req);
        }).supervise(request("plain", 7L, null));
        assertNull(r.search());
        assertEquals(2, attempts.get("random_forest").get(), "a 5xx of the service is retried");
        assertEquals(1, attempts.get("gradient_boosting").get(), "no answer: the trainer may still run, not sent again");
        assertEquals(List.of("random_forest", "gradient_boosting"), r.results().stream().map(TrainResult::algorithm).toList());
        assertEquals("SdkClientException: read timed out", r.results().getLast().error());
        assertEquals(2, r.invocations().size());
        assertTrue(r.invocations().stream().allMatch(i -> i.kind().equals("train") && i.config() == null), r.invocations().toString());
        assertTrue(calls.stream().noneMatch(TrainRequest::isTrial));
    }

    /**
     * A search whose next configuration's refit could not end before the deadline stops starting them: it ranks
     * what ran, refits the best, says PARTIAL and how many did not run. Trials here report 20 s of training, so
     * after the first one a configuration needs 2 × 20 s × 2 (two folds: a refit has twice a fold's rows) + 30 s
     * left, more than the 45 s budget.
     */
    @Test
    void aSearchThatRunsOutOfTimeRanksWhatRanAndIsPartial() {
        SupervisorService s = supervisor(new SupervisorService.Limits(500, 256, java.time.Duration.ofSeconds(45)), req -> {
            TrainResult r = trainer.train(req);
            return new TrainResult(r.algorithm(), r.state(), r.mse(), r.rmse(), r.mae(), r.r2(), 20_000L, r.modelBytes(),
                    r.modelUri(), r.params(), r.error(), r.dataset(), r.validationMse(), r.workers());
        });
        SuperviseResult r = s.supervise(request("late", 3L, grid(2, 1)));
        SearchResult search = r.search();
        assertEquals("PARTIAL", search.state());
        assertEquals(6, search.configurations());
        // how many configurations were already running when the first one's 20 s came back is up to the scheduler
        // (all but one may be left out); that some are left out, and that what ran is ranked, is not
        assertTrue(search.notRun() >= 1 && search.notRun() < search.configurations(), "not run: " + search.notRun());
        assertEquals(search.configurations() - search.notRun(), search.ranking().size());
        assertEquals(2 * search.ranking().size(), search.trials(), "whole configurations: both folds of each");
        assertEquals(2 * search.ranking().size(), calls.stream().filter(TrainRequest::isTrial).count());
        assertEquals(search.ranking().getFirst(), search.best());
        // the best of what ran is refitted; an algorithm none of whose configurations ran says why
        assertTrue(r.results().stream().anyMatch(t -> t.state() == TrainerState.DONE), r.results().toString());
        r.results().stream().filter(t -> t.state() == TrainerState.FAILED).forEach(t -> assertTrue(
                t.error().contains("none ran before the search's deadline (canopy.search.time-budget)"), t.error()));
        assertEquals("PARTIAL", status.status(new StatusRequest("late", null)).search().phase());

        // with the time it needs, the same search runs every configuration
        SuperviseResult whole = supervisor(req -> trainer.train(req)).supervise(request("whole", 3L, grid(2, 1)));
        assertEquals("DONE", whole.search().state());
        assertEquals(0, whole.search().notRun());
        assertEquals(6, whole.search().ranking().size());
    }

    /**
     * A search's progress is written as a batch's is: each phase at once, and between them at most once per
     * interval, in the pool's completion. Held still, the clock lets only the three phases through, however
     * many trials finish; moving a whole interval per look, it lets one through per completion.
     */
    @Test
    void aSearchWritesItsProgressAtMostOncePerIntervalBesidesItsPhases() {
        RecordingObjectStore recording = new RecordingObjectStore(store);
        FunctionInvoker transport = (function, payload) -> Json.writeString(trainer.train(Json.request(payload, TrainRequest.class)));
        SupervisorService still = new SupervisorService(recording, transport, Clock.systemUTC(), OUT,
                SupervisorService.Limits.DEFAULT, Backoff.NONE).progressClock(() -> 0L);
        SuperviseResult r = still.supervise(request("quiet", 3L, grid(3, 4)));
        assertEquals(18, r.search().trials());
        String file = RunLayout.searchStatus(OUT, "quiet");
        assertEquals(3, recording.count("write", file), "SEARCHING, REFITTING, DONE: " + recording.calls);

        AtomicLong now = new AtomicLong();
        SupervisorService moving = new SupervisorService(recording, transport, Clock.systemUTC(), OUT,
                SupervisorService.Limits.DEFAULT, Backoff.NONE).progressClock(() -> now.addAndGet(60_000));
        moving.supervise(request("busy", 3L, grid(3, 4)));
        assertEquals(3 + 18, recording.count("write", RunLayout.searchStatus(OUT, "busy")));
    }

    @Test
    void aSearchLargerThanTheLimitIsRefusedWithItsCountBeforeAnyTrainerRuns() {
        SupervisorService s = supervisor(new SupervisorService.Limits(20, 8), req -> {
            throw new AssertionError("no trainer may run");
        });
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> s.supervise(request("big", 1L, grid(5, 4))));
        assertEquals("search", e.field());
        assertTrue(e.getMessage().contains("6 configurations × 5 folds = 30 train invocations, more than canopy.search.max-trials=20"),
                e.getMessage());
        assertEquals("search.maxConcurrency", assertThrows(InvalidInputException.class,
                () -> s.supervise(request("c", 1L, grid(2, 9)))).field());
        assertTrue(calls.isEmpty());
    }

    @Test
    void badSearchesNameTheFieldAndTheValue() {
        SupervisorService s = supervisor(req -> {
            throw new AssertionError("no trainer may run");
        });
        Map<String, SearchSpace> cases = new java.util.LinkedHashMap<>();
        cases.put("search.grid.random_forest.trees=\"0\": out of range",
                new SearchSpace(Map.of("random_forest", Map.of("trees", List.of(10, 0))), null, null, null, null));
        cases.put("search.grid.random_forest.depth=\"3\": unknown parameter",
                new SearchSpace(Map.of("random_forest", Map.of("depth", List.of(3))), null, null, null, null));
        cases.put("search.grid.decision_tree=\"decision_tree\": searched, but this run does not train it",
                new SearchSpace(Map.of("decision_tree", Map.of("max_depth", List.of(3))), null, null, null, null));
        cases.put("search.ranges.gradient_boosting.learning_rate=\"0.5:0.1\": min must be less than max",
                new SearchSpace(null, Map.of("gradient_boosting", Map.of("learning_rate", new SearchSpace.Range(0.5, 0.1, "log"))), 3, null, null));
        cases.put("search.samples=null: ranges need a number of random samples",
                new SearchSpace(null, Map.of("gradient_boosting", Map.of("learning_rate", new SearchSpace.Range(0.1, 0.5, null))), null, null, null));
        cases.put("search.samples=\"3\": random samples need at least one range",
                new SearchSpace(Map.of("random_forest", Map.of("trees", List.of(10))), null, 3, null, null));
        cases.put("search.folds=\"1\": must be between 2 and 20", new SearchSpace(null, null, null, 1, null));
        for (Map.Entry<String, SearchSpace> c : cases.entrySet()) {
            InvalidInputException e = assertThrows(InvalidInputException.class, () -> s.supervise(request("bad", 1L, c.getValue())));
            assertTrue(e.getMessage().startsWith(c.getKey()), c.getKey() + " <- " + e.getMessage());
        }
    }

    @Test
    void statusShowsTrialsDoneFailuresAndTheBestSoFarWhileTheSearchRuns() throws Exception {
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        SupervisorService s = supervisor(req -> {
            if (req.isTrial() && req.algorithm().equals("gradient_boosting")) {
                if (Integer.valueOf(4).equals(req.params().get("max_depth")) && req.fold() == 0) {
                    throw new IllegalStateException("boom");
                }
                try {
                    // the boosting trials wait, so the forest's are done and status is read mid-search
                    release.await(60, java.util.concurrent.TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return trainer.train(req);
        });
        // every completion comes a whole throttle interval after the last, so each one is written
        AtomicLong tick = new AtomicLong();
        s.progressClock(() -> tick.addAndGet(Throttle.PROGRESS_INTERVAL_MILLIS));
        java.util.concurrent.CompletableFuture<SuperviseResult> run = java.util.concurrent.CompletableFuture
                .supplyAsync(() -> s.supervise(request("s5", 7L, grid(2, 8))));
        try {
            SearchStatus mid = null;
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
            while (System.nanoTime() < deadline) {
                try {
                    mid = status.status(new StatusRequest("s5", null)).search();
                } catch (ObjectNotFoundException notYet) {
                    mid = null;
                }
                // 2 forest configurations × 2 folds, and the two failed boosting trials
                if (mid != null && mid.done() == 6) {
                    break;
                }
                java.util.concurrent.locks.LockSupport.parkNanos(20_000_000); // a pause between polls, not a wait for an event
            }
            assertNotNull(mid);
            assertEquals("SEARCHING", mid.phase());
            assertEquals(12, mid.total());
            assertEquals(6, mid.done(), mid.toString());
            assertEquals(2, mid.failed());
            assertEquals("random_forest", mid.bestSoFar().algorithm(), "only the forest's configurations are complete");
        } finally {
            release.countDown();
        }
        SuperviseResult r = run.get(120, java.util.concurrent.TimeUnit.SECONDS);
        SearchStatus end = status.status(new StatusRequest("s5", null)).search();
        assertEquals("DONE", end.phase());
        assertEquals(12, end.done());
        assertEquals(2, end.failed());
        assertEquals(r.search().failedTrials(), end.failed());
    }

    @Test
    void oneTrainerInstanceParsesThePinnedDataOnceAndAgainWhenItChanges() {
        RecordingObjectStore recording = new RecordingObjectStore(store);
        TrainService instance = new TrainService(recording, Clock.systemUTC(), OUT);
        String v1 = store.head(DATA).version();
        for (int fold = 0; fold < 3; fold++) {
            instance.train(new TrainRequest("c1", DATA, v1, null, null, "decision_tree", 0.2, 3L, null, null, null, null,
                    3, fold, true, null, null, null, null));
        }
        assertEquals(1, recording.count("read", DATA), recording.calls.toString());
        store.put(DATA, TestData.housingCsvBytes(300, 99));
        String v2 = store.head(DATA).version();
        TrainResult changed = instance.train(new TrainRequest("c1", DATA, v2, null, null, "decision_tree", 0.2, 3L, null,
                null, null, null, 3, 0, true, null, null, null, null));
        assertEquals(2, recording.count("read", DATA), "a new version is read and parsed again");
        assertEquals(300, changed.dataset().rows());
        // a trainer that still asks for the old version gets the conflict, not the cached table
        assertThrows(ConflictException.class, () -> new TrainService(store, Clock.systemUTC(), OUT)
                .train(new TrainRequest("c1", DATA, v1, null, null, "decision_tree", 0.2, 3L, null, null, null, null)));
    }

    @Test
    void aSearchArrivesAsJsonAndUnknownFieldsAreNamed() {
        SuperviseRequest req = Json.request("""
                {"data": "mem://data/housing.csv", "algorithms": ["random_forest", "gradient_boosting"],
                 "search": {"grid": {"random_forest": {"trees": [5, 10]}},
                            "ranges": {"gradient_boosting": {"learning_rate": {"min": 0.01, "max": 0.3, "scale": "log"}}},
                            "samples": 2, "folds": 2, "maxConcurrency": 4}}""", SuperviseRequest.class);
        assertEquals(new SearchSpace(Map.of("random_forest", Map.of("trees", List.of(5, 10))),
                Map.of("gradient_boosting", Map.of("learning_rate", new SearchSpace.Range(0.01, 0.3, "log"))), 2, 2, 4),
                req.search());
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> Json.request(
                "{\"data\": \"x\", \"search\": {\"fold\": 5}}", SuperviseRequest.class));
        assertEquals("search.fold", e.field());
    }

    @Test
    void foldsPartitionTheTrainingRowsTheSameWayForTheSameSeed() {
        Folds f = Folds.of(11, 3, 5);
        List<Integer> all = new java.util.ArrayList<>();
        int[] sizes = new int[3];
        for (int k = 0; k < 3; k++) {
            int[] held = f.heldOut(k);
            sizes[k] = held.length;
            Set<Integer> kept = java.util.Arrays.stream(f.kept(k)).boxed().collect(Collectors.toSet());
            for (int i : held) {
                all.add(i);
                assertTrue(!kept.contains(i));
            }
            assertEquals(11, kept.size() + held.length);
        }
        assertEquals(List.of(4, 4, 3), java.util.Arrays.stream(sizes).boxed().toList());
        assertEquals(java.util.stream.IntStream.range(0, 11).boxed().collect(Collectors.toSet()), Set.copyOf(all));
        assertEquals(11, all.size());
        assertEquals(java.util.Arrays.toString(f.heldOut(1)), java.util.Arrays.toString(Folds.of(11, 3, 5).heldOut(1)));
    }

    @Test
    void aTrialTrainsOnTheOtherFoldsAndSavesAndPublishesNothing() {
        TrainRequest trial = new TrainRequest("t1", DATA, null, null, null, "decision_tree", 0.25, 3L, null, null,
                null, null, 4, 2, true, null, null, null, null);
        TrainResult r = trainer.train(trial);
        assertNotNull(r.validationMse());
        assertTrue(r.validationMse() > 0 && r.mse() > 0);
        assertNull(r.modelUri());
        assertTrue(store.list(OUT + "/").isEmpty(), "a trial writes nothing: " + store.list(OUT + "/"));
        assertEquals("fold", assertThrows(InvalidInputException.class, () -> trainer.train(new TrainRequest("t1", DATA,
                null, null, null, "decision_tree", 0.25, 3L, null, null, null, null, 4, 4, true, null, null, null, null))).field());
    }
}
