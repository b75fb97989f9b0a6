package dev.canopy.training;

import dev.canopy.storage.StorageUri;


/**
 * Where a run keeps its objects, under the output location {@code out}:
 * <pre>
 * {out}/{runId}/status/{algorithm}.json     trainer states, read by the status function
 * {out}/{runId}/models/{algorithm}.model    the Smile model
 * {out}/{runId}/models/{algorithm}.json     its metadata
 * {out}/{runId}/result.json                 the supervisor's answer
 * </pre>
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
}
