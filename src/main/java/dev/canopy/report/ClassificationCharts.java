package dev.canopy.report;

import dev.canopy.training.ClassInsights;
import dev.canopy.training.ClassInsights.CalibrationBin;
import dev.canopy.training.ClassificationMetrics;
import dev.canopy.training.ModelInsights;
import dev.canopy.training.SuperviseResult;
import dev.canopy.training.TrainResult;
import dev.canopy.training.TrainerState;

import java.util.List;
import java.util.Map;

import static dev.canopy.report.HtmlReport.esc;
import static dev.canopy.report.HtmlReport.fmt;

/**
 * The charts of a classification's report as SVG strings, drawn like {@link HtmlReport}'s: inline, no script,
 * one element per mark with a class that names it ({@code cell}, {@code roc}, {@code cal}) and {@code data-}
 * attributes holding the values it stands for, so tests and the browser test can read them back. Styles are in
 * {@link #CSS}, for the report's {@code <style>}. Pure functions of their arguments. {@link #section} draws them
 * for each classifier of a run from the figures training saved ({@link ClassInsights}); each chart's id then ends
 * with the algorithm, as a page holds an id once.
 */
public final class ClassificationCharts {
    /** Bins of the calibration chart, as scikit-learn's {@code calibration_curve(n_bins=10)}. */
    public static final int BINS = ClassInsights.BINS;

    /** The rules these charts need beside {@link HtmlReport}'s own ({@code .frame}, {@code .diag}, {@code .chart text}). */
    public static final String CSS = """
            .cell{fill:#2f6fca}.cell-text{font-size:11px}.cell-text.dark{fill:#fff}.roc{fill:none;stroke:#2f6fca;stroke-width:2}
            .cal{fill:#dd6b20}.cal-line{fill:none;stroke:#dd6b20;stroke-width:1.5}.grid{stroke:#edf0f4}
            .pair{display:flex;flex-wrap:wrap;gap:12px}
            """;

    private ClassificationCharts() {
    }

    /**
     * Counts of true class (rows) against predicted class (columns), {@code confusion[t][p]}; each cell is shaded
     * by its share of its row (the class's recall on the diagonal), and its tooltip says both.
     */
    public static String confusionMatrix(List<String> labels, int[][] confusion) {
        return confusionMatrix("confusion-chart", labels, confusion);
    }

    /** {@link #confusionMatrix(List, int[][])} with the svg's {@code id}. */
    public static String confusionMatrix(String id, List<String> labels, int[][] confusion) {
        int k = labels.size();
        if (confusion.length != k) {
            throw new IllegalArgumentException(k + " labels but a " + confusion.length + "-row confusion matrix");
        }
        int cell = Math.max(18, Math.min(48, 480 / k));
        int left = 130;
        int top = 110;
        int size = k * cell;
        int width = left + size + 20;
        int height = top + size + 20;
        StringBuilder h = new StringBuilder(256 + k * k * 160);
        h.append("<svg id=\"").append(esc(id)).append("\" class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 ")
                .append(width).append(' ').append(height).append("\" width=\"").append(width).append("\" height=\"")
                .append(height).append("\" role=\"img\" aria-label=\"confusion matrix\">\n");
        h.append("<text x=\"").append(left + size / 2).append("\" y=\"14\" text-anchor=\"middle\">predicted</text>")
                .append("<text x=\"14\" y=\"").append(top + size / 2).append("\" transform=\"rotate(-90 14 ").append(top + size / 2)
                .append(")\" text-anchor=\"middle\">actual</text>\n");
        for (int c = 0; c < k; c++) {
            String name = esc(labels.get(c));
            double x = left + c * cell + cell / 2.0;
            h.append("<text class=\"label predicted\" x=\"").append(fmt("%.1f", x)).append("\" y=\"").append(top - 6)
                    .append("\" transform=\"rotate(-45 ").append(fmt("%.1f", x)).append(' ').append(top - 6).append(")\">")
                    .append(name).append("</text>");
            h.append("<text class=\"label actual\" x=\"").append(left - 6).append("\" y=\"")
                    .append(fmt("%.1f", top + c * cell + cell / 2.0 + 4)).append("\" text-anchor=\"end\">").append(name).append("</text>\n");
        }
        for (int t = 0; t < k; t++) {
            if (confusion[t].length != k) {
                throw new IllegalArgumentException("row " + t + " of the confusion matrix has " + confusion[t].length + " cells, not " + k);
            }
            long row = 0;
            for (int v : confusion[t]) {
                row += v;
            }
            for (int p = 0; p < k; p++) {
                int n = confusion[t][p];
                double share = row == 0 ? 0 : n / (double) row;
                int x = left + p * cell;
                int y = top + t * cell;
                h.append("<rect class=\"cell\" data-actual=\"").append(esc(labels.get(t))).append("\" data-predicted=\"")
                        .append(esc(labels.get(p))).append("\" data-count=\"").append(n).append("\" x=\"").append(x)
                        .append("\" y=\"").append(y).append("\" width=\"").append(cell - 1).append("\" height=\"").append(cell - 1)
                        .append("\" fill-opacity=\"").append(fmt("%.3f", 0.04 + 0.96 * share)).append("\"><title>actual ")
                        .append(esc(labels.get(t))).append(", predicted ").append(esc(labels.get(p))).append(": ").append(n)
                        .append(row == 0 ? "" : fmt(" (%.1f %% of the class)", 100 * share)).append("</title></rect>");
                if (cell >= 24) {
                    h.append("<text class=\"cell-text").append(share > 0.5 ? " dark" : "").append("\" x=\"")
                            .append(fmt("%.1f", x + cell / 2.0)).append("\" y=\"").append(fmt("%.1f", y + cell / 2.0 + 4))
                            .append("\" text-anchor=\"middle\">").append(n).append("</text>");
                }
            }
            h.append('\n');
        }
        return h.append("</svg>\n").toString();
    }

    /** The ROC curve of a binary classifier, with the chance diagonal; {@code area} goes in the caption. */
    public static String roc(ClassificationMetrics.Curve curve, double area) {
        return roc("roc-chart", curve.fpr(), curve.tpr(), area);
    }

    /** {@link #roc(ClassificationMetrics.Curve, double)} of the points {@code (fpr[i], tpr[i])}, with the svg's {@code id}. */
    public static String roc(String id, double[] fpr, double[] tpr, double area) {
        if (fpr.length != tpr.length) {
            throw new IllegalArgumentException(fpr.length + " false positive rates but " + tpr.length + " true positive rates");
        }
        int size = 360;
        int pad = 44;
        double span = size - 2 * pad;
        StringBuilder h = new StringBuilder(512 + fpr.length * 16);
        h.append("<svg id=\"").append(esc(id)).append("\" class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 ").append(size)
                .append(' ').append(size).append("\" width=\"").append(size).append("\" height=\"").append(size)
                .append("\" role=\"img\" aria-label=\"ROC curve\" data-auc=\"").append(fmt("%.6f", area)).append("\">\n");
        unitSquare(h, size, pad, span);
        h.append("<path class=\"roc\" data-points=\"").append(fpr.length).append("\" d=\"");
        for (int i = 0; i < fpr.length; i++) {
            h.append(i == 0 ? "M" : "L").append(fmt("%.1f", pad + fpr[i] * span)).append(' ')
                    .append(fmt("%.1f", size - pad - tpr[i] * span));
        }
        h.append("\"><title>").append(fmt("ROC AUC %.4f", area)).append("</title></path>\n");
        h.append("<text x=\"").append(pad + 8).append("\" y=\"").append(pad + 16).append("\">").append(fmt("AUC %.4f", area))
                .append("</text>\n");
        axisTitles(h, size, "false positive rate", "true positive rate");
        return h.append("</svg>\n").toString();
    }

    /** {@link ClassInsights#calibration}: scikit-learn's {@code calibration_curve(n_bins=10)}, empty bins left out. */
    public static List<CalibrationBin> calibrationBins(double[] probability, boolean[] hit) {
        return ClassInsights.calibration(probability, hit);
    }

    /** The calibration chart: observed fraction against mean probability per bin, the diagonal being perfect. */
    public static String calibration(List<CalibrationBin> bins, String what) {
        return calibration("calibration-chart", bins, what);
    }

    /** {@link #calibration(List, String)} with the svg's {@code id}. */
    public static String calibration(String id, List<CalibrationBin> bins, String what) {
        int size = 360;
        int pad = 44;
        double span = size - 2 * pad;
        StringBuilder h = new StringBuilder(1024);
        h.append("<svg id=\"").append(esc(id)).append("\" class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 ").append(size)
                .append(' ').append(size).append("\" width=\"").append(size).append("\" height=\"").append(size)
                .append("\" role=\"img\" aria-label=\"calibration in ").append(BINS).append(" bins\">\n");
        unitSquare(h, size, pad, span);
        if (!bins.isEmpty()) {
            h.append("<path class=\"cal-line\" d=\"");
            for (int i = 0; i < bins.size(); i++) {
                h.append(i == 0 ? "M" : "L").append(fmt("%.1f", pad + bins.get(i).meanPredicted() * span)).append(' ')
                        .append(fmt("%.1f", size - pad - bins.get(i).observed() * span));
            }
            h.append("\"/>\n");
        }
        for (CalibrationBin b : bins) {
            double r = 2.5 + Math.min(4, Math.log10(1 + b.rows()));
            h.append("<circle class=\"cal\" data-bin=\"").append(b.index()).append("\" data-rows=\"").append(b.rows())
                    .append("\" data-predicted=\"").append(fmt("%.6f", b.meanPredicted())).append("\" data-observed=\"")
                    .append(fmt("%.6f", b.observed())).append("\" cx=\"").append(fmt("%.1f", pad + b.meanPredicted() * span))
                    .append("\" cy=\"").append(fmt("%.1f", size - pad - b.observed() * span)).append("\" r=\"")
                    .append(fmt("%.1f", r)).append("\"><title>").append(fmt("%.1f", b.index() / 10.0))
                    .append(fmt("–%.1f: ", (b.index() + 1) / 10.0)).append(b.rows()).append(" rows, mean probability ")
                    .append(fmt("%.3f", b.meanPredicted())).append(", observed ").append(fmt("%.3f", b.observed()))
                    .append("</title></circle>\n");
        }
        axisTitles(h, size, "mean predicted probability" + (what == null || what.isEmpty() ? "" : " (" + what + ")"),
                "observed fraction");
        return h.append("</svg>\n").toString();
    }

    /**
     * The section of a classification's report: for each model that finished, in the run's ranking order, its
     * confusion matrix, its ROC curve (binary) and its calibration, from the insights saved beside it.
     */
    static void section(StringBuilder h, SuperviseResult r, Map<String, ModelInsights> insights) {
        h.append("<section id=\"classification\"><h2>Confusion, ROC and calibration</h2>\n");
        boolean any = false;
        for (TrainResult t : r.results()) {
            ModelInsights in = insights.get(t.algorithm());
            if (t.state() != TrainerState.DONE || in == null || in.classification() == null) {
                continue;
            }
            ClassInsights c = in.classification();
            String alg = in.algorithm();
            if (!any) {
                h.append("<p class=\"note\">Each model on its ").append(in.testRows()).append(" test rows. Confusion: a row "
                        + "per true class, shaded by its share of that class. Calibration: the rows in each tenth of "
                        + "probability, observed fraction against mean probability; on the diagonal, probabilities mean "
                        + "what they say.</p>\n");
            }
            any = true;
            h.append("<figure class=\"class-charts\" data-algorithm=\"").append(esc(alg)).append("\"><figcaption>")
                    .append(esc(alg)).append("</figcaption>\n");
            h.append(confusionMatrix("confusion-" + alg, c.classes(), c.confusion()));
            h.append("<div class=\"pair\">\n");
            if (c.rocFpr() != null && c.rocAuc() != null) {
                h.append(roc("roc-" + alg, c.rocFpr(), c.rocTpr(), c.rocAuc()));
            }
            h.append(calibration("calibration-" + alg, c.calibration(), c.calibrationOf()));
            h.append("</div></figure>\n");
        }
        if (!any) {
            h.append("<p class=\"note\">No saved model of this run has its test rows' figures.</p>\n");
        }
        h.append("</section>\n");
    }

    /** Frame, grid at every 0.2, tick labels and the diagonal of a [0, 1] × [0, 1] chart. */
    private static void unitSquare(StringBuilder h, int size, int pad, double span) {
        for (int t = 1; t < 5; t++) {
            double x = pad + span * t / 5;
            double y = size - pad - span * t / 5;
            h.append("<line class=\"grid\" x1=\"").append(fmt("%.1f", x)).append("\" y1=\"").append(pad).append("\" x2=\"")
                    .append(fmt("%.1f", x)).append("\" y2=\"").append(size - pad).append("\"/><line class=\"grid\" x1=\"").append(pad)
                    .append("\" y1=\"").append(fmt("%.1f", y)).append("\" x2=\"").append(size - pad).append("\" y2=\"")
                    .append(fmt("%.1f", y)).append("\"/>");
        }
        h.append("<rect class=\"frame\" x=\"").append(pad).append("\" y=\"").append(pad).append("\" width=\"")
                .append(fmt("%.0f", span)).append("\" height=\"").append(fmt("%.0f", span)).append("\"/>")
                .append("<line class=\"diag\" x1=\"").append(pad).append("\" y1=\"").append(size - pad).append("\" x2=\"")
                .append(size - pad).append("\" y2=\"").append(pad).append("\"/>\n");
        for (int t = 0; t <= 5; t++) {
            String v = fmt("%.1f", t / 5.0);
            h.append("<text x=\"").append(fmt("%.1f", pad + span * t / 5)).append("\" y=\"").append(size - pad + 14)
                    .append("\" text-anchor=\"middle\">").append(v).append("</text><text x=\"").append(pad - 4).append("\" y=\"")
                    .append(fmt("%.1f", size - pad - span * t / 5 + 4)).append("\" text-anchor=\"end\">").append(v).append("</text>");
        }
        h.append('\n');
    }

    private static void axisTitles(StringBuilder h, int size, String x, String y) {
        h.append("<text x=\"").append(size / 2).append("\" y=\"").append(size - 8).append("\" text-anchor=\"middle\">").append(esc(x))
                .append("</text><text x=\"12\" y=\"").append(size / 2).append("\" transform=\"rotate(-90 12 ").append(size / 2)
                .append(")\" text-anchor=\"middle\">").append(esc(y)).append("</text>\n");
    }
}
