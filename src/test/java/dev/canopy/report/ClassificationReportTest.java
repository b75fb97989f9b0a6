package dev.canopy.report;

import dev.canopy.json.Json;
import dev.canopy.testing.InMemoryObjectStore;
import dev.canopy.training.ClassificationMetrics;
import dev.canopy.training.ModelArtifacts;
import dev.canopy.training.ModelInsights;
import dev.canopy.training.SuperviseResult;
import dev.canopy.training.TrainResult;
import dev.canopy.training.TrainerState;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static dev.canopy.report.ReportServiceTest.count;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 25, item 5: a classification's report draws, per model, its confusion matrix, its ROC curve (binary) and
 * its calibration from the figures training saved beside the model, and its table shows the classification
 * metrics instead of MSE.
 */
class ClassificationReportTest {
    static final String OUT = "mem://out";
    static final List<String> ALGORITHMS = List.of("random_forest", "gradient_boosting", "decision_tree");

    record Run(SuperviseResult result, String html, InMemoryObjectStore store) {
    }

    static Run run(String runId, int rows, String... labels) {
        InMemoryObjectStore store = new InMemoryObjectStore();
        String data = "mem://data/" + runId + ".csv";
        store.put(data, ReportFixture.classesCsv(rows, 11, labels));
        SuperviseResult r = ReportFixture.classify(store, data, OUT, runId);
        String html = new String(store.read(new ReportService(store).write(OUT, runId)), StandardCharsets.UTF_8);
        return new Run(r, html, store);
    }

    /** The svg element with id {@code id}, parsed as XML. */
    static Document svg(String html, String id) throws Exception {
        int at = html.indexOf("<svg id=\"" + id + "\"");
        assertTrue(at >= 0, "no svg " + id);
        return ClassificationChartsTest.parse(html.substring(at, html.indexOf("</svg>", at) + "</svg>".length()));
    }

    /** The confusion matrix drawn for {@code alg}: {@code [actual][predicted]} from the cells' data attributes. */
    static int[][] drawnConfusion(Document svg, List<String> labels) {
        int k = labels.size();
        int[][] m = new int[k][k];
        NodeList cells = svg.getElementsByTagName("rect");
        int n = 0;
        for (int i = 0; i < cells.getLength(); i++) {
            Element e = (Element) cells.item(i);
            if (e.getAttribute("class").equals("cell")) {
                m[labels.indexOf(e.getAttribute("data-actual"))][labels.indexOf(e.getAttribute("data-predicted"))] =
                        Integer.parseInt(e.getAttribute("data-count"));
                n++;
            }
        }
        assertEquals(k * k, n, "one cell per pair of classes");
        return m;
    }

    static int calibrationRows(Document svg) {
        NodeList circles = svg.getElementsByTagName("circle");
        int rows = 0;
        for (int i = 0; i < circles.getLength(); i++) {
            rows += Integer.parseInt(((Element) circles.item(i)).getAttribute("data-rows"));
        }
        assertTrue(circles.getLength() >= 2 && circles.getLength() <= 10, circles.getLength() + " bins");
        return rows;
    }

    @Test
    void aBinaryRunsReportDrawsConfusionRocAndCalibrationPerModel() throws Exception {
        Run run = run("bin", 600, "no", "yes");
        SuperviseResult r = run.result();
        String html = run.html();
        assertEquals("binary", r.dataset().task());
        assertEquals(3, count(html, "<figure class=\"class-charts\""), "one figure per model");
        for (TrainResult t : r.results()) {
            assertEquals(TrainerState.DONE, t.state(), t.algorithm());
            ClassificationMetrics m = t.classification();
            String alg = t.algorithm();
            assertEquals(Arrays.deepToString(m.confusion()),
                    Arrays.deepToString(drawnConfusion(svg(html, "confusion-" + alg), List.of("no", "yes"))), alg);
            Document roc = svg(html, "roc-" + alg);
            assertEquals(m.rocAuc(), Double.parseDouble(roc.getDocumentElement().getAttribute("data-auc")), 1e-6, alg);
            assertEquals(r.dataset().testRows(), calibrationRows(svg(html, "calibration-" + alg)), "every test row in a bin");
            assertTrue(html.contains("mean predicted probability (positive class yes)"), "what the bins hold");
        }
        // the table: classification metrics with both AUCs, no MSE
        String table = html.substring(html.indexOf("<table id=\"results-table\""), html.indexOf("</table>", html.indexOf("<table id=\"results-table\"")));
        assertTrue(table.contains("<th>log loss</th><th>accuracy</th><th>balanced accuracy</th><th>macro F1</th><th>ROC AUC</th><th>PR AUC</th>"), table);
        assertFalse(table.contains("MSE"), table);
        TrainResult best = r.results().getFirst();
        assertTrue(table.contains(String.format(Locale.ROOT, "<td>%.4f</td><td>%.4f</td>",
                best.classification().rocAuc(), best.classification().prAuc())), table);
        // no regression chart, and the ranking's bars measure the ranking metric
        assertEquals(0, count(html, "id=\"scatter\"") + count(html, "id=\"mse-chart\""));
        assertTrue(html.contains("<svg id=\"metric-chart\"") && html.contains("aria-label=\"log loss by configuration\""), "the bars");
        assertEquals(List.of(), HtmlReportValidityTest.problems(html), "valid HTML: one id per chart");

        // what training saved: figures, not rows
        ModelInsights in = Json.read(run.store().read(ModelArtifacts.insights(OUT, "bin", "random_forest")), ModelInsights.class, "insights");
        assertEquals(0, in.actual().length, "no per-row points for a classifier");
        assertEquals(List.of("no", "yes"), in.classification().classes());
        assertEquals(in.classification().rocFpr().length, in.classification().rocTpr().length);
    }

    @Test
    void aThreeClassRunsReportDrawsConfusionAndCalibrationButNoRoc() throws Exception {
        Run run = run("three", 600, "low", "mid", "high");
        SuperviseResult r = run.result();
        String html = run.html();
        assertEquals("multiclass", r.dataset().task());
        assertEquals(3, count(html, "<figure class=\"class-charts\""));
        List<String> labels = r.dataset().classes();
        assertEquals(3, labels.size());
        for (TrainResult t : r.results()) {
            String alg = t.algorithm();
            assertEquals(Arrays.deepToString(t.classification().confusion()),
                    Arrays.deepToString(drawnConfusion(svg(html, "confusion-" + alg), labels)), alg);
            assertEquals(r.dataset().testRows(), calibrationRows(svg(html, "calibration-" + alg)));
            assertNull(t.classification().rocAuc());
        }
        assertEquals(0, count(html, "<svg id=\"roc-"), "a ROC curve is a binary task's");
        assertTrue(html.contains("mean predicted probability (most probable class)"), html);
        assertTrue(html.contains("<th>macro F1</th><th>train s</th>"), "no AUC columns for multiclass");
        assertEquals(0, count(html, "<th>ROC AUC</th>"));
        assertEquals(List.of(), HtmlReportValidityTest.problems(html));
        ModelInsights in = Json.read(run.store().read(ModelArtifacts.insights(OUT, "three", "decision_tree")), ModelInsights.class, "insights");
        assertNotNull(in.classification());
        assertNull(in.classification().rocFpr());
    }

    @Test
    void aRegressionsReportHasNoneOfTheClassificationCharts() {
        String html = HtmlReport.render(HtmlReportValidityTest.plainRun(), Map.of("decision_tree", HtmlReportValidityTest.insights()));
        assertEquals(0, count(html, "id=\"classification\"") + count(html, "class=\"cell\"") + count(html, "metric-chart"));
        assertFalse(html.contains(".pair{"), "nor their styles");
        assertTrue(html.contains("<svg id=\"scatter\"") && html.contains("<th>test MSE</th>"), "its own charts and table");
    }
}
