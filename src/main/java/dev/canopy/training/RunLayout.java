package dev.canopy.training;

import dev.canopy.storage.StorageUri;

import java.util.regex.Pattern;

/**
 * Where a run keeps its objects, under the output location {@code out}:
 * <pre>
 * {out}/{runId}/status/{algorithm}.json     trainer states, read by the status function
 * {out}/{runId}/models/                     each model's files, named and written by {@link ModelArtifacts}
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

    public static String result(String out, String runId) {
        return runDir(out, runId) + "/result.json";
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

    /** The names above outside {@code models/}, relative to a run's folder. */
    private static final Pattern OWNED = Pattern.compile(
            "status/[a-z0-9_]+\\.json|request\\.json|result\\.json|search\\.json|report\\.html");

    /** Whether {@code name}, relative to a run's folder, is one of the objects this layout or {@link ModelArtifacts} names. */
    public static boolean owns(String name) {
        return name != null && (OWNED.matcher(name).matches() || ModelArtifacts.owns(name));
    }
}
