package dev.canopy.training;

import dev.canopy.storage.StorageUri;


/**
 * Where a run keeps its objects, under the output location {@code out}:
 * <pre>
 * {out}/{runId}/status/{algorithm}.json     trainer states, read by the status function
 * {out}/{runId}/models/{algorithm}.model    the Smile model (random_forest, decision_tree)
 * {out}/{runId}/models/{algorithm}.xgboost.json  XGBoost's own JSON model (gradient_boosting)
 * {out}/{runId}/models/random_forest.part-{i}.model  a fanned-out forest's share i, until the trainer merges it
 * {out}/{runId}/models/{algorithm}.json     its metadata
 * {out}/{runId}/models/{algorithm}.insights.json  feature importance, test predictions (bounded)
 * {out}/{runId}/search.json                 a search's progress, written by the supervisor
 * {out}/{runId}/result.json                 the supervisor's answer
 * {out}/{runId}/report.html                 the report ({@code canopy report})
 * {out}/{runId}/request.json                what the run was asked for ({@link RunFingerprint}), written first
 * </pre>
 * Only these names are Canopy's: {@code overwrite} deletes a run's objects that {@link #owns} names, and
 * leaves anything else in the folder.
 */
public final class RunLayout {

    private RunLayout() {
    }

    /** Run ids become path segments, so they are restricted to a safe alphabet (no '/', no '..'). */
    public static String checkRunId(String runId) {
        return StorageUri.checkSegment("runId", runId);
    }

    public static String runDir(String out, String runId) {
        return StorageUri.join(out, checkRunId(runId));
    }

    public static String statusDir(String out, String runId) {
        return runDir(out, runId) + "/status/";
    }

    public static String status(String out, String runId, String algorithm) {
        return statusDir(out, runId) + algorithm + ".json";
    }

    public static String model(String out, String runId, String algorithm) {
        return runDir(out, runId) + "/models/" + algorithm + ".model";
    }

    /** Share {@code index} of a forest that fans out ({@code ForestFanOut}), saved by its worker. */
    public static String forestPart(String out, String runId, int index) {
        return runDir(out, runId) + "/models/random_forest.part-" + index + ".model";
    }

    /** XGBoost's own JSON model ({@code .json} alone is the metadata's name). */
    public static String xgboostModel(String out, String runId, String algorithm) {
        return runDir(out, runId) + "/models/" + algorithm + ".xgboost.json";
    }

    /** The predictor's form of the model: its trees as numbers ({@code TreeCodec}), no serialized objects. */
    public static String trees(String out, String runId, String algorithm) {
        return runDir(out, runId) + "/models/" + algorithm + ".trees";
    }

    public static String metadata(String out, String runId, String algorithm) {
        return runDir(out, runId) + "/models/" + algorithm + ".json";
    }

    public static String result(String out, String runId) {
        return runDir(out, runId) + "/result.json";
    }

    public static String insights(String out, String runId, String algorithm) {
        return runDir(out, runId) + "/models/" + algorithm + ".insights.json";
    }

    /** Outside {@code status/}: the status board reads every object there as a trainer's state. */
    public static String searchStatus(String out, String runId) {
        return runDir(out, runId) + "/search.json";
    }

    public static String report(String out, String runId) {
        return runDir(out, runId) + "/report.html";
    }

    /** The run's request fingerprint: a second request with the same run id is compared against it. */
    public static String request(String out, String runId) {
        return runDir(out, runId) + "/request.json";
    }

    private static final java.util.regex.Pattern OWNED = java.util.regex.Pattern.compile(
            "status/[a-z0-9_]+\\.json|models/[a-z0-9_]+\\.(model|trees|json|insights\\.json|xgboost\\.json)|models/random_forest\\.part-[0-9]+\\.model"
                    + "|request\\.json|result\\.json|search\\.json|report\\.html");

    /** Whether {@code name}, relative to a run's folder, is one of the objects this layout names. */
    public static boolean owns(String name) {
        return name != null && OWNED.matcher(name).matches();
    }
}
