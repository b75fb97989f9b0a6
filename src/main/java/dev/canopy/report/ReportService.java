package dev.canopy.report;

import dev.canopy.error.InvalidInputException;
import dev.canopy.json.Json;
import dev.canopy.storage.ObjectStore;
import dev.canopy.training.ModelArtifacts;
import dev.canopy.training.ModelInsights;
import dev.canopy.training.RunLayout;
import dev.canopy.training.SuperviseResult;
import dev.canopy.training.TrainResult;
import dev.canopy.training.TrainerState;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes a run's report: one self-contained HTML file ({@link HtmlReport}) beside the run's result, at
 * {@link RunLayout#report}. It reads the run's {@code result.json} and each saved model's insights.
 */
public final class ReportService {
    private final ObjectStore store;

    public ReportService(ObjectStore store) {
        this.store = store;
    }

    /** Writes the report of run {@code runId} under {@code out} and returns its URI. */
    public String write(String out, String runId) {
        String resultUri = RunLayout.result(out, RunLayout.checkRunId(runId));
        if (!store.exists(resultUri)) {
            throw new InvalidInputException("runId", runId, "no finished run there: " + resultUri + " does not exist");
        }
        SuperviseResult result = Json.read(store.read(resultUri), SuperviseResult.class, "result " + resultUri);
        Map<String, ModelInsights> insights = new LinkedHashMap<>();
        for (TrainResult r : result.results()) {
            String uri = ModelArtifacts.insights(out, runId, r.algorithm());
            if (r.state() == TrainerState.DONE && store.exists(uri)) {
                insights.put(r.algorithm(), Json.read(store.read(uri), ModelInsights.class, "insights " + uri));
            }
        }
        String uri = RunLayout.report(out, runId);
        store.write(uri, HtmlReport.render(result, insights).getBytes(StandardCharsets.UTF_8), "text/html; charset=utf-8");
        return uri;
    }
}
