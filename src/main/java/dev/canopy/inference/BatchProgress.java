package dev.canopy.inference;

import dev.canopy.storage.StorageUri;

/**
 * How far a batch has got, as {@code batch-predict} publishes it while it runs (at most about once a second,
 * and once more at the end) so that a caller who only gets the answer at the end, such as {@code canopy
 * predict} invoking a Lambda, can show progress. {@code done} counts every shard with a final outcome,
 * {@code failed} those of them that did not succeed, {@code rows} the rows of the succeeded ones.
 * {@code elapsedMillis} is measured by the publisher's own clock, so a reader's rates need no clock of
 * theirs (nor agreement between two machines' clocks). The last snapshot, {@code finished}, carries the
 * batch's totals.
 */
public record BatchProgress(String runId, int total, int done, int failed, long rows, long startedAt,
                            long elapsedMillis, boolean finished) {
    /** Beside the manifest; one batch per output prefix, so each batch overwrites the last one's. */
    public static final String NAME = "_progress.json";

    /**
     * Where a batch publishes its progress: beside the manifest under its output prefix, or, with none, under
     * {@code defaultOutput} (the deployment's {@code canopy.output-uri}: a folder the function can write, on
     * Lambda an S3 location) beside the answer it would spill ({@code _result-<runId>.json}), named by the run.
     */
    public static String uri(String outputPrefix, String defaultOutput, String runId) {
        if (outputPrefix != null && !outputPrefix.isBlank()) {
            return StorageUri.join(outputPrefix, NAME);
        }
        return StorageUri.join(defaultOutput, "_progress-" + runId + ".json");
    }
}
