package dev.canopy.training;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;
import java.util.Map;

/**
 * What a run trained on: the data URI and pinned version, its size, split and columns.
 *
 * @param categorical  the features that are text columns, encoded as category codes
 * @param leftOut      every column of the data that is neither a feature nor the target, with the reason
 * @param missing      the missing-value policy applied ({@code error}, {@code drop} or {@code impute})
 * @param missingCells per feature, the cells of the data (before any row was dropped) that hold no value
 * @param droppedRows  rows left out because a feature had no value (policy {@code drop}); 0 otherwise
 * @param parts        the parts read and each one's rows, when the data is a folder or prefix of parts
 * @param sampledFrom  the rows of the whole data set when {@code rows} is a sample of them (sampleRows); else null
 * @param task         what the run learns ({@link Task#id}: regression, binary or multiclass), as detected
 * @param taskReason   which task and why, the first line of the output ({@link TaskDetector.Detection#firstLine})
 * @param taskNotice   advice about the task (an integer target kept as a regression), or null
 * @param classes      a classification's classes in code order ({@link ClassLabels}); null for a regression
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DatasetSummary(String uri, String version, int rows, int trainRows, int testRows, String target,
                             List<String> features, List<String> categorical, Map<String, String> leftOut,
                             String missing, Map<String, Integer> missingCells, Integer droppedRows,
                             List<Part> parts, Long sampledFrom, String task, String taskReason, String taskNotice,
                             List<String> classes) {

    /** One part of the data and its rows. */
    public record Part(String name, long rows) {
    }

    public DatasetSummary(String uri, String version, int rows, int trainRows, int testRows, String target,
                          List<String> features, List<String> categorical, Map<String, String> leftOut,
                          String missing, Map<String, Integer> missingCells, Integer droppedRows, List<Part> parts,
                          Long sampledFrom) {
        this(uri, version, rows, trainRows, testRows, target, features, categorical, leftOut, missing, missingCells,
                droppedRows, parts, sampledFrom, null, null, null, null);
    }

    public DatasetSummary(String uri, String version, int rows, int trainRows, int testRows, String target,
                          List<String> features, List<String> categorical, Map<String, String> leftOut,
                          String missing, Map<String, Integer> missingCells, Integer droppedRows) {
        this(uri, version, rows, trainRows, testRows, target, features, categorical, leftOut, missing, missingCells,
                droppedRows, null, null);
    }

    public DatasetSummary(String uri, String version, int rows, int trainRows, int testRows, String target,
                          List<String> features) {
        this(uri, version, rows, trainRows, testRows, target, features, null, null, null, null, null);
    }

    /** "parts: 12 (part-00000.parquet 83,334 rows, …)", and the sample when there is one; null without parts. */
    public String describeParts() {
        if (parts == null || parts.isEmpty()) {
            return null;
        }
        List<String> each = parts.stream().limit(5)
                .map(p -> String.format(java.util.Locale.ROOT, "%s %,d rows", p.name(), p.rows())).toList();
        return String.format(java.util.Locale.ROOT, "parts: %d (%s%s)%s", parts.size(), String.join(", ", each),
                parts.size() > 5 ? ", …" : "", sampledFrom == null ? "" : String.format(java.util.Locale.ROOT,
                        "; trained on a sample of %,d of their %,d rows", rows, sampledFrom));
    }
}
