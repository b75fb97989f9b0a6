package dev.canopy.training;

import dev.canopy.cost.CostReport;
import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;
import java.util.Locale;

/**
 * The supervisor's answer: every trainer's row, best first and FAILED last, and the best one's name. For a
 * search the rows are the refitted best configuration of each algorithm, in the search's ranking, and
 * {@code search} holds the ranking itself. {@code invocations} is every {@code train} call, for a timeline.
 * {@code rankedBy} names the {@link ClassificationMetric} that ranked a classification's rows ({@code log_loss}
 * unless the request chose another); absent for a regression, ranked by MSE. {@code bestModelUri} is the model
 * file of {@code best}, whatever ranked it: what the train-then-predict workflow scores with, so that it reads no
 * metric and no row order; absent when every trainer failed.
 */
public record SuperviseResult(String runId, long wallMillis, DatasetSummary dataset, List<TrainResult> results,
                              String best, @JsonInclude(JsonInclude.Include.NON_NULL) SearchResult search,
                              @JsonInclude(JsonInclude.Include.NON_NULL) List<TrainInvocation> invocations,
                              @JsonInclude(JsonInclude.Include.NON_NULL) CostReport cost,
                              @JsonInclude(JsonInclude.Include.NON_NULL) String rankedBy,
                              @JsonInclude(JsonInclude.Include.NON_NULL) String bestModelUri) {

    /** {@code bestModelUri}, when not given, is the model of the DONE row named {@code best}: one rule for every answer. */
    public SuperviseResult {
        if (bestModelUri == null && best != null && results != null) {
            bestModelUri = results.stream().filter(t -> best.equals(t.algorithm()) && t.state() == TrainerState.DONE)
                    .map(TrainResult::modelUri).findFirst().orElse(null);
        }
    }

    public SuperviseResult(String runId, long wallMillis, DatasetSummary dataset, List<TrainResult> results, String best,
                           SearchResult search, List<TrainInvocation> invocations, CostReport cost, String rankedBy) {
        this(runId, wallMillis, dataset, results, best, search, invocations, cost, rankedBy, null);
    }

    public SuperviseResult(String runId, long wallMillis, DatasetSummary dataset, List<TrainResult> results, String best,
                           SearchResult search, List<TrainInvocation> invocations, CostReport cost) {
        this(runId, wallMillis, dataset, results, best, search, invocations, cost, null);
    }

    public SuperviseResult(String runId, long wallMillis, DatasetSummary dataset, List<TrainResult> results, String best,
                           SearchResult search, List<TrainInvocation> invocations) {
        this(runId, wallMillis, dataset, results, best, search, invocations, null);
    }

    public SuperviseResult(String runId, long wallMillis, DatasetSummary dataset, List<TrainResult> results, String best) {
        this(runId, wallMillis, dataset, results, best, null, null);
    }

    /**
     * "rows per trainer: gradient_boosting 3,254,000 sampled from 10,000,000; decision_tree 10,000,000; …" when some
     * trainer read other rows than the run's {@link #dataset()}, as trainers do when each sizes its sample to its
     * own memory ({@code fitToBudget}); such a row keeps its own data summary, the others read the run's. Null
     * when every trainer read the run's rows.
     */
    public String describeRowsPerTrainer() {
        if (results == null || dataset == null || results.stream().allMatch(t -> t.dataset() == null)) {
            return null;
        }
        return "rows per trainer: " + String.join("; ", results.stream().filter(t -> t.state() == TrainerState.DONE)
                .map(t -> {
                    DatasetSummary d = t.dataset() != null ? t.dataset() : dataset;
                    return String.format(Locale.ROOT, "%s %,d%s", t.algorithm(), d.rows(), d.sampledFrom() == null
                            ? "" : String.format(Locale.ROOT, " sampled from %,d", d.sampledFrom()));
                }).toList());
    }
}
