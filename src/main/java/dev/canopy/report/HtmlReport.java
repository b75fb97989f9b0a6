package dev.canopy.report;

import dev.canopy.cost.CostReport;
import dev.canopy.report.RunCharts.Bar;
import dev.canopy.training.ClassificationMetric;
import dev.canopy.training.DatasetSummary;
import dev.canopy.training.ModelInsights;
import dev.canopy.training.SearchResult;
import dev.canopy.training.SuperviseResult;
import dev.canopy.training.Task;
import dev.canopy.training.TrainResult;
import dev.canopy.training.TrainerState;
import dev.canopy.training.Trial;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A run's report as one HTML page that loads nothing: styles, the one script and every chart (SVG) are
 * inline, and its Content-Security-Policy forbids any other source, so it opens the same from a laptop,
 * an e-mail attachment or an S3 download. Every mark of a chart has a class that names what it stands for
 * ({@code bar}, {@code err}, {@code pt}, {@code imp}, {@code inv}), one element per bar or point, so the
 * browser test can count them. This class assembles the page (header, data notes, tables, cost, styles and
 * script); the charts are drawn by {@link RunCharts}, and a classification's confusion, ROC and calibration charts
 * by {@link ClassificationCharts}.
 */
public final class HtmlReport {
    /** Bars in the MSE chart; the table below it lists every configuration. */
    static final int MAX_BARS = 40;
    /** Rows of the ranking table. */
    static final int MAX_ROWS = 500;

    private HtmlReport() {
    }

    public static String render(SuperviseResult r, Map<String, ModelInsights> insights) {
        StringBuilder h = new StringBuilder(64 * 1024);
        h.append("""
                <!DOCTYPE html>
                <html lang="en"><head><meta charset="utf-8">
                <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'">
                <meta name="viewport" content="width=device-width, initial-scale=1">
                """);
        // a classification's chart styles only where its charts are: a regression's page stays as it was
        h.append("<title>Canopy run ").append(esc(r.runId())).append("</title>\n<style>").append(CSS)
                .append(r.rankedBy() == null ? "" : ClassificationCharts.CSS).append("</style></head>\n<body>\n");
        DatasetSummary d = r.dataset();
        h.append("<header><h1>Canopy run <code>").append(esc(r.runId())).append("</code></h1>\n<p class=\"meta\">")
                .append(esc(d.uri())).append(" · ").append(d.rows()).append(" rows (").append(d.trainRows()).append(" train / ")
                .append(d.testRows()).append(" test) · target <b>").append(esc(d.target())).append("</b> · wall ")
                .append(fmt("%.1f", r.wallMillis() / 1000.0)).append(" s · best: <b id=\"best\">")
                .append(esc(r.best() == null ? "none (every trainer failed)" : r.best()));
        if (r.search() != null && r.search().best() != null) {
            h.append(' ').append(esc(String.valueOf(r.search().best().params())));
        }
        h.append("</b></p>");
        if (d.parts() != null && !d.parts().isEmpty()) {
            h.append("<p class=\"meta\">").append(esc(d.describeParts())).append("</p>");
        }
        String rowsPerTrainer = r.describeRowsPerTrainer();
        if (rowsPerTrainer != null) {
            h.append("<p class=\"meta\">").append(esc(rowsPerTrainer)).append("</p>");
        }
        h.append("</header>\n");

        dataNotes(h, d);
        ranking(h, r);
        String best = r.best();
        ModelInsights bi = best == null ? null : insights.get(best);
        if (r.rankedBy() == null) {
            RunCharts.predictions(h, best, bi); // predicted against actual values: a regression's chart
        } else {
            ClassificationCharts.section(h, r, insights); // a classifier's: confusion, ROC, calibration
        }
        RunCharts.importance(h, insights);
        RunCharts.timeline(h, r.invocations());
        cost(h, r.cost());
        h.append("<script>").append(SCRIPT).append("</script>\n</body></html>\n");
        return h.toString();
    }

    // ---- data -----------------------------------------------------------------------------------

    /** What was done to the data before training: imputed gaps, left-out columns, categorical encoding. */
    private static void dataNotes(StringBuilder h, DatasetSummary d) {
        List<String> notes = new ArrayList<>();
        if (d.classes() != null) {
            notes.add("<b>Task:</b> " + esc(d.taskReason()) + "; classes in order: " + esc(String.join(", ", d.classes())));
        }
        Map<String, Integer> gaps = d.missingCells() == null ? Map.of() : new java.util.TreeMap<>(d.missingCells());
        int cells = gaps.values().stream().mapToInt(Integer::intValue).sum();
        if (cells > 0) {
            String where = String.join(", ", gaps.entrySet().stream().filter(e -> e.getValue() > 0)
                    .map(e -> esc(e.getKey()) + " (" + e.getValue() + ")").toList());
            String policy = d.missing() == null ? "" : d.missing();
            notes.add(switch (policy) {
                case "impute" -> "<b>Imputed gaps:</b> " + cells + " cell(s) without a value were filled in before "
                        + "training (missing=impute): " + where + ".";
                case "drop" -> "<b>Dropped rows:</b> " + (d.droppedRows() == null ? "the" : d.droppedRows())
                        + " row(s) with a gap were left out (missing=drop); gaps: " + where + ".";
                default -> "<b>Gaps:</b> " + cells + " cell(s) without a value: " + where + ".";
            });
        }
        if (d.leftOut() != null && !d.leftOut().isEmpty()) {
            notes.add("<b>Left out:</b> " + String.join("; ", new java.util.TreeMap<>(d.leftOut()).entrySet().stream()
                    .map(e -> "<code>" + esc(e.getKey()) + "</code> (" + esc(e.getValue()) + ")").toList())
                    + ". These columns are not features.");
        }
        if (d.categorical() != null && !d.categorical().isEmpty()) {
            notes.add("<b>Categorical:</b> " + String.join(", ", d.categorical().stream().map(c -> "<code>" + esc(c) + "</code>")
                    .toList()) + " are text columns, encoded as category codes (one number per distinct value, kept "
                    + "with the model so that predictions encode them the same way).");
        }
        if (notes.isEmpty()) {
            return;
        }
        h.append("<section id=\"data\"><h2>Data</h2>\n<ul class=\"notices\">\n");
        for (String n : notes) {
            h.append("<li class=\"notice\">").append(n).append("</li>\n");
        }
        h.append("</ul></section>\n");
    }

    // ---- ranking --------------------------------------------------------------------------------

    private static void ranking(StringBuilder h, SuperviseResult r) {
        SearchResult s = r.search();
        List<Bar> bars = new ArrayList<>();
        // a classification is ranked by its metric (rankedBy), a regression by MSE
        ClassificationMetric metric = r.rankedBy() == null ? null : ClassificationMetric.parse("rankedBy", r.rankedBy(), Task.AUTO);
        String measure = metric == null ? "MSE" : metric.id().replace('_', ' ');
        h.append("<section id=\"ranking\"><h2>Ranking</h2>\n");
        if (s != null) {
            h.append("<p class=\"note\">").append(s.configurations()).append(" configurations, ")
                    .append(s.folds() == null ? "compared on the test rows" : s.folds() + "-fold cross-validation on the training split")
                    .append(", ").append(s.trials()).append(" trials (").append(s.failedTrials()).append(" failed), ")
                    .append(s.maxConcurrency()).append(" at once. Bars: mean ").append(s.folds() == null ? "test" : "validation")
                    .append(" ").append(measure).append("; whiskers: ± one standard deviation over the folds.</p>\n");
            int rank = 1;
            for (Trial t : s.ranking()) {
                if (t.state() == TrainerState.DONE && bars.size() < MAX_BARS) {
                    bars.add(new Bar("#" + rank + " " + t.algorithm(), String.valueOf(t.params()),
                            t.classification() ? t.cvScore() : t.cvMse(), t.cvStd() == null ? 0 : t.cvStd()));
                }
                rank++;
            }
        } else {
            h.append("<p class=\"note\">One model per algorithm, ranked by test ").append(measure)
                    .append(" (no cross-validation, so no spread).</p>\n");
            for (TrainResult t : r.results()) {
                if (t.state() == TrainerState.DONE) {
                    bars.add(new Bar(t.algorithm(), String.valueOf(t.params()),
                            t.classification() != null && metric != null ? metric.of(t.classification()) : t.mse(), 0));
                }
            }
        }
        RunCharts.barChart(h, bars, measure);
        // the ranking table lists a search's configurations; without a search the results table below is the ranking
        if (s != null) {
            h.append("<table id=\"ranking-table\" class=\"sortable\"><thead><tr><th>rank</th><th>algorithm</th><th>state</th>");
            h.append("<th>").append(s.folds() == null ? "test " : "CV ").append(measure).append("</th><th>± std</th><th>test ")
                    .append(measure).append("</th><th>parameters</th>");
            h.append("</tr></thead><tbody>\n");
            int rank = 1;
            for (Trial t : s.ranking().subList(0, Math.min(MAX_ROWS, s.ranking().size()))) {
                boolean ok = t.state() == TrainerState.DONE;
                h.append("<tr").append(ok ? "" : " class=\"failed\"").append("><td>").append(ok ? String.valueOf(rank++) : "-")
                        .append("</td><td>").append(esc(t.algorithm())).append("</td><td>").append(t.state()).append("</td><td>")
                        .append(ok ? fmt("%.4f", t.classification() ? t.cvScore() : t.cvMse()) : "").append("</td><td>")
                        .append(ok ? fmt("%.4f", t.cvStd()) : "").append("</td><td>")
                        .append(ok ? fmt("%.4f", t.classification() ? t.testScore() : t.testMse()) : "").append("</td><td>")
                        .append(esc(String.valueOf(t.params()))).append(ok ? "" : "<br><span class=\"error\">" + esc(t.error()) + "</span>")
                        .append("</td></tr>\n");
            }
            h.append("</tbody></table>\n");
            h.append("<h3>Refitted on the whole training split</h3>\n");
        }
        // a binary task adds both AUCs (scikit-learn's roc_auc_score and average_precision_score)
        boolean binary = metric != null && Task.BINARY.id().equals(r.dataset().task());
        h.append(metric == null ? "<table id=\"results-table\"><thead><tr><th>algorithm</th><th>state</th><th>test MSE</th>"
                + "<th>RMSE</th><th>MAE</th><th>R²</th><th>train s</th><th>model</th></tr></thead><tbody>\n"
                : "<table id=\"results-table\"><thead><tr><th>algorithm</th><th>state</th><th>log loss</th><th>accuracy</th>"
                + "<th>balanced accuracy</th><th>macro F1</th>" + (binary ? "<th>ROC AUC</th><th>PR AUC</th>" : "")
                + "<th>train s</th><th>model</th></tr></thead><tbody>\n");
        for (TrainResult t : r.results()) {
            boolean ok = t.state() == TrainerState.DONE;
            h.append("<tr").append(ok ? "" : " class=\"failed\"").append("><td>").append(esc(t.algorithm())).append("</td><td>")
                    .append(t.state()).append("</td>");
            if (ok) {
                var c = t.classification();
                h.append("<td>").append(fmt("%.4f", c != null ? c.logLoss() : t.mse())).append("</td><td>")
                        .append(fmt("%.4f", c != null ? c.accuracy() : t.rmse())).append("</td><td>")
                        .append(fmt("%.4f", c != null ? c.balancedAccuracy() : t.mae())).append("</td><td>")
                        .append(fmt("%.4f", c != null ? c.macroF1() : t.r2())).append("</td><td>");
                if (binary) {
                    h.append(auc(c == null ? null : c.rocAuc())).append("</td><td>").append(auc(c == null ? null : c.prAuc()))
                            .append("</td><td>");
                }
                h.append(fmt("%.2f", t.trainMillis() / 1000.0)).append("</td><td><code>").append(esc(t.modelUri()))
                        .append("</code></td>");
            } else {
                h.append("<td colspan=\"").append(binary ? 8 : 6).append("\" class=\"error\">").append(esc(t.error())).append("</td>");
            }
            h.append("</tr>\n");
        }
        h.append("</tbody></table></section>\n");
    }

    // ---- cost ---------------------------------------------------------------------------------------

    /** The run's cost report as stored in its result: totals, a row per function, the orchestrator's estimate. */
    private static void cost(StringBuilder h, CostReport c) {
        h.append("<section id=\"cost\"><h2>Cost</h2>\n");
        if (c == null) {
            h.append("<p class=\"note\">This run's result has no cost report (it was written by a Canopy without one).</p></section>\n");
            return;
        }
        h.append("<p class=\"note\" id=\"cost-total\"><b>").append(fmtUsd(c.usd())).append("</b> for ")
                .append(String.format(Locale.ROOT, "%,d", c.invocations())).append(" invocations, ")
                .append(String.format(Locale.ROOT, "%,d", c.billedMillis())).append(" billed ms, ")
                .append(fmt("%.3f", c.gbSeconds())).append(" GB-s on ").append(esc(c.architecture())).append(" (")
                .append(switch (c.source()) {
                    case CostReport.LAMBDA -> "billed durations from Lambda's REPORT lines";
                    case CostReport.MEASURED -> "durations measured locally, rounded up to the millisecond as Lambda bills";
                    case CostReport.MIXED -> "REPORT lines and local measurements";
                    default -> "no billed duration known";
                }).append("). Lambda list prices, before the free tier.");
        if (c.unmetered() > 0) {
            h.append(' ').append(c.unmetered()).append(" of the invocations got no answer: their duration is unknown and not priced.");
        }
        h.append("</p>\n<table id=\"cost-table\"><thead><tr><th>function</th><th>invocations</th><th>billed ms</th>"
                + "<th>memory MB</th><th>GB-s</th><th>USD</th></tr></thead><tbody>\n");
        for (CostReport.FunctionCost f : c.functions()) {
            costRow(h, f, "");
        }
        if (c.orchestrator() != null) {
            costRow(h, c.orchestrator(), " (orchestrator, estimated from its wall time; not in the total)");
        }
        h.append("</tbody></table></section>\n");
    }

    private static void costRow(StringBuilder h, CostReport.FunctionCost f, String note) {
        h.append("<tr><td>").append(esc(f.function())).append(esc(note)).append("</td><td>").append(f.invocations())
                .append("</td><td>").append(f.billedMillis()).append("</td><td>").append(f.memoryMb()).append("</td><td>")
                .append(fmt("%.3f", f.gbSeconds())).append("</td><td>").append(fmtUsd(f.usd())).append("</td></tr>\n");
    }

    /** An AUC, or a dash where it is undefined (the test rows hold one class only). */
    private static String auc(Double v) {
        return v == null ? "-" : fmt("%.4f", v);
    }

    private static String fmtUsd(double usd) {
        return fmt(usd < 1 ? "$%.6f" : "$%.2f", usd);
    }

    // ---- helpers ----------------------------------------------------------------------------------

    static String fmt(String pattern, double v) {
        return String.format(Locale.ROOT, pattern, v);
    }

    static String esc(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    private static final String CSS = """
            body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px auto;max-width:960px;color:#1d2330;padding:0 12px}
            h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 6px;border-bottom:1px solid #dde2ea;padding-bottom:4px}
            h3{font-size:15px;margin:18px 0 6px}.meta,.note{color:#4a5568}code{font-size:12px}
            table{border-collapse:collapse;width:100%;margin:10px 0;font-size:13px}th,td{padding:3px 8px;border-bottom:1px solid #edf0f4;text-align:left;vertical-align:top}
            th{background:#f5f7fa;cursor:pointer;user-select:none}tr.failed td{color:#9b2c2c}.error{color:#9b2c2c}
            #ranking-table{display:block;max-height:360px;overflow:auto}
            .chart{display:block;max-width:100%;height:auto;margin:8px 0}.chart text{font-size:11px;fill:#2d3748}
            .bar{fill:#5a8dd6}.bar.best{fill:#2f6fca}.err{stroke:#1a202c;stroke-width:1.4;fill:none}
            .axis line{stroke:#718096}.frame{fill:none;stroke:#cbd5e0}.diag{stroke:#e53e3e;stroke-dasharray:4 3}
            .pt{fill:#2f6fca;fill-opacity:.35}.imp{fill:#38a169}
            .inv.trial{fill:#5a8dd6}.inv.refit{fill:#dd6b20}.inv.train{fill:#38a169}.inv.share,.inv.worker{fill:#2f855a}.inv.failed{fill:#e53e3e}
            .key{display:inline-block;padding:0 6px;border-radius:3px;color:#fff;font-size:12px}.key.trial{background:#5a8dd6}
            .key.refit{background:#dd6b20}.key.train{background:#38a169}.key.worker{background:#2f855a}.key.failed{background:#e53e3e}
            figure{margin:10px 0}figcaption{color:#4a5568;font-size:13px}
            """;

    /** Sorts a table by the clicked column (numbers as numbers, non-numbers last); the page works without it. */
    private static final String SCRIPT = """
            (function () {
              document.querySelectorAll('table.sortable').forEach(function (table) {
                table.querySelectorAll('th').forEach(function (th, col) {
                  var asc = true;
                  th.addEventListener('click', function () {
                    var body = table.tBodies[0];
                    var rows = Array.prototype.slice.call(body.rows);
                    rows.sort(function (a, b) {
                      var x = a.cells[col].textContent, y = b.cells[col].textContent;
                      var nx = parseFloat(x), ny = parseFloat(y);
                      if (isNaN(nx) !== isNaN(ny)) { return isNaN(nx) ? 1 : -1; } // dashes and blanks last, either way
                      var c = isNaN(nx) ? x.localeCompare(y) : nx - ny;
                      return asc ? c : -c;
                    });
                    asc = !asc;
                    rows.forEach(function (r) { body.appendChild(r); });
                  });
                });
              });
              document.body.setAttribute('data-ready', 'true');
            })();
            """;
}
