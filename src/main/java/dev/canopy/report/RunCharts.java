package dev.canopy.report;

import dev.canopy.training.ModelInsights;
import dev.canopy.training.TrainInvocation;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import static dev.canopy.report.HtmlReport.esc;
import static dev.canopy.report.HtmlReport.fmt;

/**
 * The charts of a run's report, drawn into its page as inline SVG: the MSE bars of the ranking, predicted
 * against actual, each model's feature importance and the trainers' timeline, each chart section with the note
 * that reads it. Every mark has a class that names what it stands for ({@code bar}, {@code err}, {@code pt},
 * {@code imp}, {@code inv}), one element per bar or point, so the browser test can count them; the styles are
 * {@link HtmlReport}'s, which assembles the page around them.
 */
final class RunCharts {
    private RunCharts() {
    }

    /** One bar of the MSE chart: a label, a value and its spread (0 when there is none). */
    record Bar(String label, String detail, double value, double spread) {
    }

    /** @param measure what the bars measure: {@code MSE} (a regression's chart, id {@code mse-chart}) or a metric */
    static void barChart(StringBuilder h, List<Bar> bars, String measure) {
        if (bars.isEmpty()) {
            h.append("<p class=\"note\">No model finished: nothing to chart.</p>\n");
            return;
        }
        int left = 300;
        int width = 820;
        int row = 20;
        int top = 10;
        int height = top + bars.size() * row + 30;
        double max = bars.stream().mapToDouble(b -> b.value() + b.spread()).max().orElse(1) * 1.05;
        double plot = width - left - 20;
        h.append("<svg id=\"").append("MSE".equals(measure) ? "mse-chart" : "metric-chart").append("\" class=\"chart\" viewBox=\"0 0 ")
                .append(width).append(' ').append(height).append("\" width=\"").append(width).append("\" height=\"").append(height)
                .append("\" role=\"img\" aria-label=\"").append(esc(measure)).append(" by configuration\">\n");
        for (int i = 0; i < bars.size(); i++) {
            Bar b = bars.get(i);
            double y = top + i * row;
            double w = b.value() / max * plot;
            h.append("<text class=\"label\" x=\"").append(left - 6).append("\" y=\"").append(fmt("%.1f", y + 13))
                    .append("\" text-anchor=\"end\">").append(esc(b.label())).append("</text>");
            h.append("<rect class=\"bar").append(i == 0 ? " best" : "").append("\" x=\"").append(left).append("\" y=\"")
                    .append(fmt("%.1f", y + 3)).append("\" width=\"").append(fmt("%.1f", Math.max(1, w)))
                    .append("\" height=\"").append(row - 6).append("\"><title>").append(esc(b.label() + " " + b.detail()))
                    .append(": ").append(fmt("%.4f", b.value())).append(b.spread() > 0 ? fmt(" ± %.4f", b.spread()) : "")
                    .append("</title></rect>");
            if (b.spread() > 0) {
                double x1 = left + Math.max(0, b.value() - b.spread()) / max * plot;
                double x2 = left + (b.value() + b.spread()) / max * plot;
                double cy = y + row / 2.0;
                h.append("<path class=\"err\" d=\"M").append(fmt("%.1f", x1)).append(' ').append(fmt("%.1f", cy))
                        .append("H").append(fmt("%.1f", x2)).append("M").append(fmt("%.1f", x1)).append(' ').append(fmt("%.1f", cy - 5))
                        .append("V").append(fmt("%.1f", cy + 5)).append("M").append(fmt("%.1f", x2)).append(' ')
                        .append(fmt("%.1f", cy - 5)).append("V").append(fmt("%.1f", cy + 5)).append("\"/>");
            }
            h.append('\n');
        }
        axis(h, left, top + bars.size() * row, plot, max, measure);
        h.append("</svg>\n");
    }

    /** A horizontal axis with five ticks from 0 to {@code max}. */
    private static void axis(StringBuilder h, double left, double y, double plot, double max, String unit) {
        h.append("<g class=\"axis\"><line x1=\"").append(fmt("%.1f", left)).append("\" y1=\"").append(fmt("%.1f", y))
                .append("\" x2=\"").append(fmt("%.1f", left + plot)).append("\" y2=\"").append(fmt("%.1f", y)).append("\"/>");
        for (int t = 0; t <= 4; t++) {
            double x = left + plot * t / 4;
            h.append("<text x=\"").append(fmt("%.1f", x)).append("\" y=\"").append(fmt("%.1f", y + 16))
                    .append("\" text-anchor=\"middle\">").append(fmt(max * t / 4 >= 10 ? "%.0f" : "%.3g", max * t / 4))
                    .append("</text>");
        }
        h.append("<text x=\"").append(fmt("%.1f", left + plot)).append("\" y=\"").append(fmt("%.1f", y + 28))
                .append("\" text-anchor=\"end\">").append(esc(unit)).append("</text></g>\n");
    }

    // ---- predictions ----------------------------------------------------------------------------

    static void predictions(StringBuilder h, String best, ModelInsights in) {
        h.append("<section id=\"predictions\"><h2>Predicted against actual</h2>\n");
        if (in == null) {
            h.append("<p class=\"note\">No saved model with predictions in this run.</p></section>\n");
            return;
        }
        int n = in.actual().length;
        h.append("<p class=\"note\">").append(esc(best)).append(" on the test rows: ").append(n).append(" points")
                .append(n < in.testRows() ? " of " + in.testRows() + ", taken at an even stride" : "")
                .append(". On the diagonal, prediction equals truth.</p>\n");
        // both axes share one scale, so that the diagonal is prediction = truth; each label gives its own range
        double lo = Double.MAX_VALUE;
        double hi = -Double.MAX_VALUE;
        double[] actual = range(in.actual(), n);
        double[] predicted = range(in.predicted(), n);
        lo = Math.min(actual[0], predicted[0]);
        hi = Math.max(actual[1], predicted[1]);
        if (!(hi > lo)) {
            hi = lo + 1;
        }
        int size = 440;
        int pad = 52;
        double span = size - 2 * pad;
        double fLo = lo;
        double fHi = hi;
        java.util.function.DoubleUnaryOperator sx = v -> pad + (v - fLo) / (fHi - fLo) * span;
        java.util.function.DoubleUnaryOperator sy = v -> size - pad - (v - fLo) / (fHi - fLo) * span;
        h.append("<svg id=\"scatter\" class=\"chart\" viewBox=\"0 0 ").append(size).append(' ').append(size)
                .append("\" width=\"").append(size).append("\" height=\"").append(size).append("\" role=\"img\" aria-label=\"predicted against actual\">\n");
        h.append("<rect class=\"frame\" x=\"").append(pad).append("\" y=\"").append(pad).append("\" width=\"")
                .append(fmt("%.0f", span)).append("\" height=\"").append(fmt("%.0f", span)).append("\"/>");
        h.append("<line class=\"diag\" x1=\"").append(fmt("%.1f", sx.applyAsDouble(lo))).append("\" y1=\"")
                .append(fmt("%.1f", sy.applyAsDouble(lo))).append("\" x2=\"").append(fmt("%.1f", sx.applyAsDouble(hi)))
                .append("\" y2=\"").append(fmt("%.1f", sy.applyAsDouble(hi))).append("\"/>\n");
        for (int i = 0; i < n; i++) {
            h.append("<circle class=\"pt\" cx=\"").append(fmt("%.1f", sx.applyAsDouble(in.actual()[i]))).append("\" cy=\"")
                    .append(fmt("%.1f", sy.applyAsDouble(in.predicted()[i]))).append("\" r=\"2\"/>");
            if (i % 8 == 7) {
                h.append('\n');
            }
        }
        h.append("\n<g class=\"axis\">");
        for (int t = 0; t <= 4; t++) {
            double v = lo + (hi - lo) * t / 4;
            String label = fmt(Math.abs(hi - lo) >= 10 ? "%.0f" : "%.2f", v);
            h.append("<text class=\"tick\" x=\"").append(fmt("%.1f", sx.applyAsDouble(v))).append("\" y=\"")
                    .append(size - pad + 14).append("\" text-anchor=\"middle\">").append(label).append("</text>");
            h.append("<text class=\"tick\" x=\"").append(pad - 4).append("\" y=\"").append(fmt("%.1f", sy.applyAsDouble(v) + 4))
                    .append("\" text-anchor=\"end\">").append(label).append("</text>");
        }
        h.append("</g>\n<text x=\"").append(size / 2).append("\" y=\"").append(size - 8).append("\" text-anchor=\"middle\">actual ")
                .append(fmt("(%.2f … ", actual[0])).append(fmt("%.2f)", actual[1]))
                .append("</text><text x=\"12\" y=\"").append(size / 2).append("\" transform=\"rotate(-90 12 ").append(size / 2)
                .append(")\" text-anchor=\"middle\">predicted ").append(fmt("(%.2f … ", predicted[0])).append(fmt("%.2f)", predicted[1]))
                .append("</text>\n</svg></section>\n");
    }

    /** The smallest and largest of {@code v[0..n)}. */
    private static double[] range(double[] v, int n) {
        double lo = Double.MAX_VALUE;
        double hi = -Double.MAX_VALUE;
        for (int i = 0; i < n; i++) {
            lo = Math.min(lo, v[i]);
            hi = Math.max(hi, v[i]);
        }
        return new double[]{lo, hi};
    }

    // ---- importance -----------------------------------------------------------------------------

    static void importance(StringBuilder h, Map<String, ModelInsights> insights) {
        h.append("<section id=\"importance\"><h2>Feature importance</h2>\n");
        boolean any = false;
        for (ModelInsights in : insights.values()) {
            if (in.importance() == null || in.features() == null || in.importance().length != in.features().size()) {
                continue;
            }
            any = true;
            double max = 0;
            for (double v : in.importance()) {
                max = Math.max(max, v);
            }
            List<Integer> order = new ArrayList<>();
            for (int i = 0; i < in.importance().length; i++) {
                order.add(i);
            }
            order.sort(Comparator.comparingDouble((Integer i) -> -in.importance()[i]));
            int left = 160;
            int row = 18;
            int width = 520;
            int height = order.size() * row + 8;
            double plot = width - left - 10;
            h.append("<figure><figcaption>").append(esc(in.algorithm()))
                    .append(": total impurity decrease of each feature's splits, relative to the largest</figcaption>\n");
            h.append("<svg class=\"chart importance\" data-algorithm=\"").append(esc(in.algorithm())).append("\" viewBox=\"0 0 ")
                    .append(width).append(' ').append(height).append("\" width=\"").append(width).append("\" height=\"").append(height).append("\">\n");
            for (int k = 0; k < order.size(); k++) {
                int i = order.get(k);
                double v = max > 0 ? in.importance()[i] / max : 0;
                h.append("<text class=\"label\" x=\"").append(left - 6).append("\" y=\"").append(k * row + 13)
                        .append("\" text-anchor=\"end\">").append(esc(in.features().get(i))).append("</text><rect class=\"imp\" x=\"")
                        .append(left).append("\" y=\"").append(k * row + 3).append("\" width=\"").append(fmt("%.1f", Math.max(1, v * plot)))
                        .append("\" height=\"").append(row - 5).append("\"><title>").append(esc(in.features().get(i)))
                        .append(fmt(": %.3g", in.importance()[i])).append("</title></rect>\n");
            }
            h.append("</svg></figure>\n");
        }
        if (!any) {
            h.append("<p class=\"note\">No saved model of this run reports feature importance.</p>\n");
        }
        h.append("</section>\n");
    }

    // ---- timeline -------------------------------------------------------------------------------

    static void timeline(StringBuilder h, List<TrainInvocation> invocations) {
        h.append("<section id=\"timeline\"><h2>Timeline of the trainers</h2>\n");
        List<TrainInvocation> ran = invocations == null ? List.of() : invocations.stream().filter(i -> i.slot() >= 0).toList();
        if (ran.isEmpty()) {
            h.append("<p class=\"note\">This run's result records no invocations.</p></section>\n");
            return;
        }
        TreeSet<Integer> slots = new TreeSet<>();
        long end = 1;
        for (TrainInvocation i : ran) {
            slots.add(i.slot());
            end = Math.max(end, i.endMillis());
        }
        List<Integer> lanes = new ArrayList<>(slots);
        int left = 70;
        int row = Math.max(6, Math.min(18, 360 / lanes.size()));
        int width = 900;
        int height = 10 + lanes.size() * row + 36;
        double plot = width - left - 20;
        h.append("<p class=\"note\">One bar per <code>train</code> invocation, on the pool slot that ran it: ")
                .append(ran.size()).append(" invocations on ").append(lanes.size()).append(" slots over ")
                .append(fmt("%.1f", end / 1000.0)).append(" s. <span class=\"key trial\">trial</span> <span class=\"key refit\">refit</span> "
                        + "<span class=\"key train\">train</span> <span class=\"key worker\">forest worker</span> "
                        + "<span class=\"key failed\">failed</span></p>\n");
        h.append("<svg id=\"timeline-chart\" class=\"chart\" viewBox=\"0 0 ").append(width).append(' ').append(height)
                .append("\" width=\"").append(width).append("\" height=\"").append(height).append("\">\n");
        for (int k = 0; k < lanes.size(); k++) {
            if (lanes.size() <= 24 || k % 4 == 0) {
                h.append("<text class=\"label\" x=\"").append(left - 6).append("\" y=\"").append(10 + k * row + row - 3)
                        .append("\" text-anchor=\"end\">slot ").append(lanes.get(k)).append("</text>");
            }
        }
        for (TrainInvocation i : ran) {
            int k = lanes.indexOf(i.slot());
            double x = left + i.startMillis() / (double) end * plot;
            double w = Math.max(1.5, (i.endMillis() - i.startMillis()) / (double) end * plot);
            String cls = "DONE".equals(i.state()) ? i.kind() : "failed";
            h.append("<rect class=\"inv ").append(esc(cls)).append("\" x=\"").append(fmt("%.1f", x)).append("\" y=\"")
                    .append(10 + k * row + 1).append("\" width=\"").append(fmt("%.1f", w)).append("\" height=\"").append(row - 2)
                    .append("\"><title>").append(esc(i.kind() + " " + i.algorithm()
                            + (i.config() == null ? "" : " config " + i.config()) + (i.fold() == null ? "" : " fold " + i.fold())
                            + ": " + i.state() + ", " + i.attempts() + " attempt(s), "))
                    .append(fmt("%.2f", i.startMillis() / 1000.0)).append("–").append(fmt("%.2f s", i.endMillis() / 1000.0))
                    .append("</title></rect>\n");
        }
        axis(h, left, 10 + lanes.size() * row + 2, plot, end / 1000.0, "seconds since the run began");
        h.append("</svg></section>\n");
    }
}
