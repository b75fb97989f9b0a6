package dev.canopy.report;

import dev.canopy.training.ClassificationMetrics;

import java.util.List;

import static dev.canopy.report.HtmlReport.esc;
import static dev.canopy.report.HtmlReport.fmt;

/**
 * The charts of a classification's report as SVG strings, drawn like {@link HtmlReport}'s: inline, no script,
 * one element per mark with a class that names it ({@code cell}, {@code roc}, {@code cal}) and {@code data-}
 * attributes holding the values it stands for, so tests and the browser test can read them back. Styles are in
 * {@link #CSS}, for the report's {@code <style>}. Pure functions of their arguments.
 */
public final class ClassificationCharts {
    /** Bins of the calibration chart, as scikit-learn's {@code calibration_curve(n_bins=10)}. */
    public static final int BINS = 10;

    /** The rules these charts need beside {@link HtmlReport}'s own ({@code .frame}, {@code .diag}, {@code .chart text}). */
    public static final String CSS = """
            .cell{fill:#2f6fca}.cell-text{font-size:11px}.cell-text.dark{fill:#fff}.roc{fill:none;stroke:#2f6fca;stroke-width:2}
            .cal{fill:#dd6b20}.cal-line{fill:none;stroke:#dd6b20;stroke-width:1.5}.grid{stroke:#edf0f4}
            """;

    private ClassificationCharts() {
    }

    /**
     * Counts of true class (rows) against predicted class (columns), {@code confusion[t][p]}; each cell is shaded
     * by its share of its row (the class's recall on the diagonal), and its tooltip says both.
     */
    public static String confusionMatrix(List<String> labels, int[][] confusion) {
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
        h.append("<svg id=\"confusion-chart\" class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 ")
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
        int size = 360;
        int pad = 44;
        double span = size - 2 * pad;
        StringBuilder h = new StringBuilder(512 + curve.fpr().length * 16);
        h.append("<svg id=\"roc-chart\" class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 ").append(size)
                .append(' ').append(size).append("\" width=\"").append(size).append("\" height=\"").append(size)
                .append("\" role=\"img\" aria-label=\"ROC curve\" data-auc=\"").append(fmt("%.6f", area)).append("\">\n");
        unitSquare(h, size, pad, span);
        h.append("<path class=\"roc\" data-points=\"").append(curve.fpr().length).append("\" d=\"");
        for (int i = 0; i < curve.fpr().length; i++) {
            h.append(i == 0 ? "M" : "L").append(fmt("%.1f", pad + curve.fpr()[i] * span)).append(' ')
                    .append(fmt("%.1f", size - pad - curve.tpr()[i] * span));
        }
        h.append("\"><title>").append(fmt("ROC AUC %.4f", area)).append("</title></path>\n");
        h.append("<text x=\"").append(pad + 8).append("\" y=\"").append(pad + 16).append("\">").append(fmt("AUC %.4f", area))
                .append("</text>\n");
        axisTitles(h, size, "false positive rate", "true positive rate");
        return h.append("</svg>\n").toString();
    }

    /**
     * One bin of the calibration chart: the rows whose probability fell in it, their mean probability and the
     * fraction of them that were positive.
     */
    public record Bin(int index, int rows, double meanPredicted, double observed) {
    }

    /**
     * Ten equal-width bins of {@code probability} over [0, 1], as scikit-learn's
     * {@code calibration_curve(hit, probability, n_bins=10, strategy="uniform")}: edges {@code i·0.1}, a value on an
     * inner edge in the lower bin. Empty bins are left out. For a binary task {@code probability} is the
     * positive class's and {@code hit} whether the row was positive; for a multiclass one, the most probable
     * class's probability and whether that class was right (a reliability diagram of the top class).
     */
    public static List<Bin> calibrationBins(double[] probability, boolean[] hit) {
        if (probability.length != hit.length) {
            throw new IllegalArgumentException(probability.length + " probabilities but " + hit.length + " outcomes");
        }
        long[] rows = new long[BINS];
        double[] sum = new double[BINS];
        long[] hits = new long[BINS];
        for (int i = 0; i < probability.length; i++) {
            double p = probability[i];
            if (!(p >= 0 && p <= 1)) {
                throw new IllegalArgumentException("row " + i + ": probability " + p + " is outside [0, 1]");
            }
            int b = 0;
            while (b < BINS - 1 && (b + 1) * 0.1 < p) { // np.searchsorted(inner edges, p), side="left"
                b++;
            }
            rows[b]++;
            sum[b] += p;
            hits[b] += hit[i] ? 1 : 0;
        }
        java.util.ArrayList<Bin> out = new java.util.ArrayList<>();
        for (int b = 0; b < BINS; b++) {
            if (rows[b] > 0) {
                out.add(new Bin(b, (int) rows[b], sum[b] / rows[b], hits[b] / (double) rows[b]));
            }
        }
        return out;
    }

    /** The calibration chart: observed fraction against mean probability per bin, the diagonal being perfect. */
    public static String calibration(List<Bin> bins, String what) {
        int size = 360;
        int pad = 44;
        double span = size - 2 * pad;
        StringBuilder h = new StringBuilder(1024);
        h.append("<svg id=\"calibration-chart\" class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 ").append(size)
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
        for (Bin b : bins) {
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
