package dev.canopy.report;

import dev.canopy.json.Json;
import dev.canopy.pool.Backoff;
import dev.canopy.storage.ObjectStore;
import dev.canopy.training.SearchSpace;
import dev.canopy.training.SuperviseRequest;
import dev.canopy.training.SuperviseResult;
import dev.canopy.training.SupervisorService;
import dev.canopy.training.TrainRequest;
import dev.canopy.training.TrainService;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/** A small search with one failing configuration, run in-process, whose report the tests look at. */
final class ReportFixture {
    private ReportFixture() {
    }

    static SuperviseResult search(ObjectStore store, String data, String out, String runId) {
        TrainService trainer = new TrainService(store, Clock.systemUTC(), out);
        SupervisorService supervisor = new SupervisorService(store, (function, payload) -> {
            TrainRequest req = Json.request(payload, TrainRequest.class);
            if (req.algorithm().equals("random_forest") && Integer.valueOf(2).equals(req.params().get("max_depth"))) {
                throw new IllegalStateException("<b>trainer</b> crashed & burned");
            }
            return Json.writeString(trainer.train(req));
        }, Clock.systemUTC(), out, SupervisorService.Limits.DEFAULT, Backoff.NONE);
        SearchSpace space = new SearchSpace(Map.of(
                "random_forest", Map.of("max_depth", List.of(2, 4, 8)),
                "gradient_boosting", Map.of("max_depth", List.of(2, 3), "learning_rate", List.of(0.1, 0.3))),
                null, null, 3, 4);
        return supervisor.supervise(new SuperviseRequest(runId, data, null, null,
                List.of("random_forest", "gradient_boosting", "decision_tree"), 0.25, 5L, null,
                Map.of("random_forest", Map.of("trees", 10), "gradient_boosting", Map.of("trees", 10)), out, space, null, null, null, null));
    }

    /**
     * {@code rows} rows of two features and a {@code label}: {@code labels[0]} below a diagonal, the others in
     * bands above it, with noise, so that no model is perfect and every class occurs in the test rows.
     */
    static byte[] classesCsv(int rows, long seed, String... labels) {
        SplittableRandom r = new SplittableRandom(seed);
        StringBuilder b = new StringBuilder("x1,x2,label\n");
        for (int i = 0; i < rows; i++) {
            double x1 = r.nextDouble() * 10;
            double x2 = r.nextDouble() * 10;
            int c = Math.min(labels.length - 1, (int) ((x1 + x2 + 2 * r.nextGaussian()) / (20.0 / labels.length)));
            b.append(String.format(Locale.ROOT, "%.4f,%.4f,%s%n", x1, x2, labels[c]));
        }
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** A classification of {@code data}'s {@code label} by the three algorithms (no search), run in-process. */
    static SuperviseResult classify(ObjectStore store, String data, String out, String runId) {
        TrainService trainer = new TrainService(store, Clock.systemUTC(), out);
        SupervisorService supervisor = new SupervisorService(store, (function, payload) ->
                Json.writeString(trainer.train(Json.request(payload, TrainRequest.class))),
                Clock.systemUTC(), out, SupervisorService.Limits.DEFAULT, Backoff.NONE);
        Map<String, Object> fewTrees = Map.of("trees", 20);
        return supervisor.supervise(new SuperviseRequest(runId, data, "label", null,
                List.of("random_forest", "gradient_boosting", "decision_tree"), 0.25, 5L, null,
                Map.of("random_forest", fewTrees, "gradient_boosting", fewTrees), out, null, null, null, null, null,
                null, null, null, null, null, null, null, null, null));
    }
}
