package dev.canopy.cli.shared;

import dev.canopy.inference.BatchPredictResult;
import dev.canopy.cost.CostReport;
import dev.canopy.training.DatasetSummary;
import dev.canopy.training.RunStatus;
import dev.canopy.training.SearchResult;
import dev.canopy.training.SearchStatus;
import dev.canopy.training.TrainerState;
import dev.canopy.training.Trial;
import dev.canopy.training.RunSummary;
import dev.canopy.training.SuperviseResult;
import dev.canopy.training.TrainResult;
import dev.canopy.training.TrainerStatus;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The readable (non-JSON) renderings of results. */
public final class Tables {
    private Tables() {
    }

    public static String supervise(SuperviseResult r) {
        StringBuilder sb = new StringBuilder();
        var d = r.dataset();
        // the first line says which task was trained and why (TaskDetector), then any advice about it
        if (d.taskReason() != null) {
            sb.append(d.taskReason()).append('\n');
        }
        if (d.taskNotice() != null) {
            sb.append("notice: ").append(d.taskNotice()).append('\n');
        }
        sb.append(String.format(Locale.ROOT, "run %s  data %s  (%d rows: %d train / %d test, target %s)  wall %.1f s%n",
                r.runId(), d.uri(), d.rows(), d.trainRows(), d.testRows(), d.target(), r.wallMillis() / 1000.0));
        sb.append(dataset(d));
        String rowsPerTrainer = r.describeRowsPerTrainer();
        if (rowsPerTrainer != null) {
            sb.append(rowsPerTrainer).append('\n');
        }
        if (r.results().stream().anyMatch(t -> t.classification() != null)) {
            sb.append(classification(r));
        } else {
            sb.append(regression(r));
        }
        if (r.search() != null) {
            sb.append(search(r.search()));
        }
        sb.append("best: ").append(r.best() == null ? "none (every trainer failed)" : r.best());
        if (r.search() != null && r.search().best() != null) {
            sb.append(' ').append(r.search().best().params());
        }
        r.results().stream().filter(t -> t.algorithm().equals(r.best()) && t.modelUri() != null).findFirst()
                .ifPresent(t -> sb.append("  model ").append(t.modelUri()));
        sb.append('\n');
        sb.append(cost(r.cost()));
        return sb.toString();
    }

    private static String regression(SuperviseResult r) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%-4s %-18s %-6s %8s %8s %8s %8s %9s %10s%n",
                "rank", "algorithm", "state", "mse", "rmse", "mae", "r2", "train s", "model KB"));
        int rank = 1;
        for (TrainResult t : r.results()) {
            if (t.error() == null) {
                sb.append(String.format(Locale.ROOT, "%-4d %-18s %-6s %8.4f %8.4f %8.4f %8.4f %9.2f %10d%n", rank++,
                        t.algorithm(), t.state(), t.mse(), t.rmse(), t.mae(), t.r2(), t.trainMillis() / 1000.0,
                        t.modelBytes() / 1024));
            } else {
                sb.append(String.format(Locale.ROOT, "%-4s %-18s %-6s %s%n", "-", t.algorithm(), t.state(), t.error()));
            }
        }
        return sb.toString();
    }

    /** A classification's models, in the run's ranking: its test metrics, the two AUCs for a binary task. */
    private static String classification(SuperviseResult r) {
        boolean binary = r.results().stream().anyMatch(t -> t.classification() != null && t.classification().rocAuc() != null);
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%-4s %-18s %-6s %8s %8s %8s %8s", "rank", "algorithm", "state", "log loss",
                "accuracy", "bal acc", "macro f1"));
        sb.append(binary ? String.format(Locale.ROOT, " %8s %8s", "roc auc", "pr auc") : "");
        sb.append(String.format(Locale.ROOT, " %9s %10s%n", "train s", "model KB"));
        int rank = 1;
        for (TrainResult t : r.results()) {
            var m = t.classification();
            if (t.error() == null && m != null) {
                sb.append(String.format(Locale.ROOT, "%-4d %-18s %-6s %8.4f %8.4f %8.4f %8.4f", rank++, t.algorithm(),
                        t.state(), m.logLoss(), m.accuracy(), m.balancedAccuracy(), m.macroF1()));
                if (binary) {
                    sb.append(String.format(Locale.ROOT, " %8s %8s", auc(m.rocAuc()), auc(m.prAuc())));
                }
                sb.append(String.format(Locale.ROOT, " %9.2f %10d%n", t.trainMillis() / 1000.0,
                        t.modelBytes() == null ? 0 : t.modelBytes() / 1024));
            } else {
                sb.append(String.format(Locale.ROOT, "%-4s %-18s %-6s %s%n", "-", t.algorithm(), t.state(), t.error()));
            }
        }
        return sb.toString();
    }

    private static String auc(Double v) {
        return v == null ? "-" : String.format(Locale.ROOT, "%.4f", v);
    }

    /**
     * The cost block printed under a table: one line with the totals, a line per function and memory when
     * there are several, and the orchestrator's own estimate; empty when the result has no cost report.
     */
    public static String cost(CostReport c) {
        if (c == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder();
        boolean one = c.functions().size() == 1;
        sb.append(String.format(Locale.ROOT, "cost: %,d invocations · %,d billed ms · %s GB-s%s · $%s (%s, %s)%n",
                c.invocations(), c.billedMillis(), gbs(c.gbSeconds()),
                one ? " at " + c.functions().getFirst().memoryMb() + " MB" : "", usd(c.usd()), c.architecture(),
                switch (c.source()) {
                    case CostReport.LAMBDA -> "billed durations from Lambda's REPORT lines";
                    case CostReport.MEASURED -> "measured locally";
                    case CostReport.MIXED -> "REPORT lines and local measurements";
                    default -> "no billed duration known";
                }));
        if (!one) {
            for (CostReport.FunctionCost f : c.functions()) {
                sb.append(String.format(Locale.ROOT, "  %-14s %,8d invocations  %,12d billed ms at %5d MB  %12s GB-s  $%s%n",
                        f.function(), f.invocations(), f.billedMillis(), f.memoryMb(), gbs(f.gbSeconds()), usd(f.usd())));
            }
        }
        if (c.unmetered() > 0) {
            sb.append(String.format(Locale.ROOT, "  %,d of the invocations got no answer: their duration is unknown "
                    + "and not priced%n", c.unmetered()));
        }
        CostReport.FunctionCost o = c.orchestrator();
        if (o != null) {
            sb.append(String.format(Locale.ROOT, "  plus the %s orchestrator itself, estimated from its wall time: %,d ms at "
                    + "%d MB · %s GB-s · $%s (total $%s)%n", o.function(), o.billedMillis(), o.memoryMb(),
                    gbs(o.gbSeconds()), usd(o.usd()), usd(c.usdWithOrchestrator())));
        }
        return sb.toString();
    }

    private static String gbs(double gbSeconds) {
        return String.format(Locale.ROOT, gbSeconds < 10 ? "%,.3f" : "%,.1f", gbSeconds);
    }

    /** Dollars to six decimals under a dollar (a small run costs a fraction of a cent), to cents above. */
    private static String usd(double usd) {
        return String.format(Locale.ROOT, usd < 1 ? "%.6f" : "%,.2f", usd);
    }

    /** The most configurations a search table lists; the JSON answer has them all. */
    static final int SEARCH_ROWS = 15;

    static String search(SearchResult s) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "search: %d configurations, %s, %d trials (%d failed), %d at once%n",
                s.configurations(), s.folds() == null ? "ranked on the test rows" : s.folds() + "-fold cross-validation",
                s.trials(), s.failedTrials(), s.maxConcurrency()));
        // a classification's configurations are ranked by its metric, a regression's by MSE
        String metric = s.ranking().stream().filter(Trial::classification).map(Trial::metric).findFirst().orElse("mse")
                .replace('_', ' ');
        sb.append(String.format(Locale.ROOT, "%-4s %-18s %-6s %10s %9s %9s  %s%n", "rank", "algorithm", "state",
                (s.folds() == null ? "test " : "cv ") + metric, "± std", "test " + metric, "parameters"));
        int rank = 1;
        for (Trial t : s.ranking().subList(0, Math.min(SEARCH_ROWS, s.ranking().size()))) {
            if (t.state() == TrainerState.DONE) {
                sb.append(String.format(Locale.ROOT, "%-4d %-18s %-6s %10.4f %9.4f %9.4f  %s%n", rank++, t.algorithm(),
                        t.state(), t.classification() ? t.cvScore() : t.cvMse(), t.cvStd(),
                        t.classification() ? t.testScore() : t.testMse(), t.params()));
            } else {
                sb.append(String.format(Locale.ROOT, "%-4s %-18s %-6s %s  %s%n", "-", t.algorithm(), t.state(),
                        t.params(), t.error()));
            }
        }
        if (s.ranking().size() > SEARCH_ROWS) {
            sb.append("  … ").append(s.ranking().size() - SEARCH_ROWS).append(" more in the run's result.json\n");
        }
        return sb.toString();
    }

    /** The features, the columns left out and why, and the gaps per feature with the policy applied. */
    static String dataset(DatasetSummary d) {
        StringBuilder sb = new StringBuilder();
        if (d.parts() != null && !d.parts().isEmpty()) {
            sb.append(d.describeParts()).append('\n');
        }
        if (d.features() != null && !d.features().isEmpty()) {
            List<String> cat = d.categorical() == null ? List.of() : d.categorical();
            sb.append("features: ").append(String.join(", ", d.features().stream()
                    .map(f -> cat.contains(f) ? f + " (categorical)" : f).toList())).append('\n');
        }
        if (d.leftOut() != null && !d.leftOut().isEmpty()) {
            sb.append("left out: ");
            String sep = "";
            for (Map.Entry<String, String> e : d.leftOut().entrySet()) {
                sb.append(sep).append(e.getKey()).append(" (").append(e.getValue()).append(')');
                sep = "; ";
            }
            sb.append('\n');
        }
        if (d.missingCells() != null) {
            List<String> gaps = d.missingCells().entrySet().stream().filter(e -> e.getValue() > 0)
                    .map(e -> e.getKey() + " " + e.getValue()).toList();
            sb.append("missing values (policy ").append(d.missing()).append("): ")
                    .append(gaps.isEmpty() ? "none" : String.join(", ", gaps));
            if (d.droppedRows() != null && d.droppedRows() > 0) {
                sb.append("; ").append(d.droppedRows()).append(" rows dropped");
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    /** The runs under an output location, newest first, one line each. */
    public static String runs(String out, List<RunSummary> runs) {
        if (runs.isEmpty()) {
            return "no runs under " + out + "\n";
        }
        StringBuilder sb = new StringBuilder("runs under " + out + ", newest first\n");
        sb.append(String.format(Locale.ROOT, "%-28s %-27s %-16s %s%n", "run", "updated", "best", "trainers"));
        for (RunSummary r : runs) {
            String trainers = String.join(", ", r.trainers().stream().map(t -> t.algorithm() + " " + t.state()).toList());
            sb.append(String.format(Locale.ROOT, "%-28s %-27s %-16s %s%n", r.runId(), time(r.updatedAt()),
                    r.best() == null ? "-" : r.best(), trainers));
        }
        return sb.toString();
    }

    /** An ISO-8601 instant to the second, one width for all (a record may carry fractions of a second). */
    static String time(String iso) {
        try {
            return java.time.Instant.parse(iso).truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
        } catch (RuntimeException notAnInstant) {
            return String.valueOf(iso);
        }
    }

    public static String status(RunStatus s) {
        StringBuilder sb = new StringBuilder("run " + s.runId() + "\n");
        for (TrainerStatus t : s.trainers()) {
            sb.append(String.format(Locale.ROOT, "%-18s %-12s %5.0f%%  %-20s %s%s%n", t.algorithm(), t.state(),
                    t.progress() * 100, t.detail(), time(t.updatedAt()), t.error() == null ? "" : "  " + t.error()));
        }
        if (s.search() != null) {
            sb.append(searchProgress(s.search())).append('\n');
        }
        return sb.toString();
    }

    /** One line: a search's phase, trials done of all, failures, and the best configuration so far. */
    public static String searchProgress(SearchStatus s) {
        Trial b = s.bestSoFar();
        return String.format(Locale.ROOT, "search %-10s trials %d/%d  failed %d  best so far: %s", s.phase(), s.done(),
                s.total(), s.failed(), b == null ? "-" : String.format(Locale.ROOT, "%s %s cv %s %.4f", b.algorithm(),
                        b.params(), b.classification() ? b.metric().replace('_', ' ') : "mse",
                        b.classification() ? b.cvScore() : b.cvMse()));
    }

    public static String batch(BatchPredictResult r) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "run %s  model %s  pool %d  wall %.3f s%n", r.runId(), r.modelUri(),
                r.poolSize(), r.wallMillis() / 1000.0));
        sb.append(String.format(Locale.ROOT, "%-5s %-10s %10s %12s %8s %-12s %6s %8s  %s%n", "index", "state", "rows",
                "scoreSum", "attempts", "instance", "loaded", "millis", "shard / error"));
        for (var s : r.shards()) {
            String inst = s.instanceId() == null ? "-" : s.instanceId().length() > 12 ? s.instanceId().substring(0, 12) : s.instanceId();
            sb.append(String.format(Locale.ROOT, "%-5d %-10s %10s %12s %8d %-12s %6s %8d  %s%n", s.index(), s.state(),
                    s.rows() == null ? "-" : s.rows(), s.scoreSum() == null ? "-" : String.format(Locale.ROOT, "%.1f", s.scoreSum()),
                    s.attempts(), inst, s.modelLoaded() == null ? "-" : s.modelLoaded(), s.millis(),
                    s.error() == null ? s.shard() : s.shard() + "  " + s.error()));
        }
        sb.append(String.format(Locale.ROOT, "rows %d  scoreSum %.1f  succeeded %d  failed %d  modelLoads %d  instances %d%s%n",
                r.rows(), r.scoreSum(), r.succeeded(), r.failed(), r.modelLoads(), r.instances(),
                r.manifestUri() == null ? "" : "  manifest " + r.manifestUri()));
        if (r.resumedFrom() != null) {
            long carried = r.shards().stream().filter(s -> s.runId() != null).count();
            sb.append(String.format(Locale.ROOT, "resumed from %s: %d shard(s) carried over from earlier runs, "
                    + "the rest run now (the cost below is this run's)%n", r.resumedFrom(), carried));
        }
        sb.append(cost(r.cost()));
        return sb.toString();
    }
}
