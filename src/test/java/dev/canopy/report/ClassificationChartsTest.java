package dev.canopy.report;

import com.fasterxml.jackson.databind.JsonNode;
import dev.canopy.training.ClassInsights.CalibrationBin;
import dev.canopy.training.ClassificationMetrics;
import dev.canopy.training.ScikitLearnOracle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClassificationChartsTest {
    /** One scikit-learn process for the class's tests. */
    @RegisterExtension
    static final ScikitLearnOracle.Python SKLEARN = new ScikitLearnOracle.Python();


    @Test
    void confusionMatrixHasOneCellPerPairWithItsCountAndEscapedLabels() throws Exception {
        List<String> labels = List.of("cash", "card", "<dispute & \"no\">");
        int[][] m = {{50, 3, 0}, {4, 40, 1}, {0, 0, 2}};
        Document svg = parse(ClassificationCharts.confusionMatrix(labels, m));
        NodeList cells = svg.getElementsByTagName("rect");
        assertEquals(9, cells.getLength());
        for (int i = 0; i < 9; i++) {
            Element c = (Element) cells.item(i);
            int t = labels.indexOf(c.getAttribute("data-actual"));
            int p = labels.indexOf(c.getAttribute("data-predicted"));
            assertEquals(m[t][p], Integer.parseInt(c.getAttribute("data-count")), "cell " + t + "," + p);
            assertEquals(i, t * 3 + p, "cells row by row");
        }
        Element card = (Element) cells.item(4);
        assertTrue(card.getTextContent().contains("actual card, predicted card: 40 (88.9 % of the class)"), card.getTextContent());
        // the diagonal cell of the class always right is darkest; a cell of a zero count is nearly blank
        assertEquals("1.000", ((Element) cells.item(8)).getAttribute("fill-opacity"));
        assertEquals("0.040", ((Element) cells.item(2)).getAttribute("fill-opacity"));
        List<String> texts = texts(svg);
        assertTrue(texts.contains("<dispute & \"no\">"), texts.toString());
        assertTrue(texts.containsAll(List.of("predicted", "actual", "50", "40", "2")), texts.toString());
        assertThrows(IllegalArgumentException.class, () -> ClassificationCharts.confusionMatrix(labels, new int[][]{{1}}));
    }

    @Test
    void rocChartDrawsTheCurveThroughEveryPoint() throws Exception {
        ClassificationMetrics.Curve curve = ClassificationMetrics.roc(new int[]{0, 0, 1, 1}, new double[]{0.1, 0.4, 0.35, 0.8});
        Document svg = parse(ClassificationCharts.roc(curve, curve.area()));
        Element root = svg.getDocumentElement();
        assertEquals("0.750000", root.getAttribute("data-auc"));
        Element path = (Element) svg.getElementsByTagName("path").item(0);
        assertEquals("roc", path.getAttribute("class"));
        // fpr (0, 0, .5, .5, 1), tpr (0, .5, .5, 1, 1) on a 272-pixel square from (44, 316)
        assertEquals("M44.0 316.0L44.0 180.0L180.0 180.0L180.0 44.0L316.0 44.0", path.getAttribute("d"));
        assertTrue(texts(svg).containsAll(List.of("AUC 0.7500", "false positive rate", "true positive rate", "0.0", "1.0")));
    }

    @Test
    void calibrationBinsAreScikitLearnsCalibrationCurve() throws Exception {
        // python3 -c "from sklearn.calibration import calibration_curve as c; print(c([0,0,1,1,1], [.05,.1,.1000001,.95,1.0], n_bins=10))"
        // -> (array([0., 1., 1.]), array([0.075, 0.1000001, 0.975]))   (0.1 sits in the first bin, 0.1000001 in the second)
        List<CalibrationBin> bins = ClassificationCharts.calibrationBins(new double[]{.05, .1, .1000001, .95, 1.0},
                new boolean[]{false, false, true, true, true});
        assertEquals(List.of(0, 1, 9), bins.stream().map(CalibrationBin::index).toList());
        assertArrayEquals(new double[]{0, 1, 1}, bins.stream().mapToDouble(CalibrationBin::observed).toArray());
        assertArrayEquals(new double[]{0.075, 0.1000001, 0.975}, bins.stream().mapToDouble(CalibrationBin::meanPredicted).toArray(), 1e-15);

        Document svg = parse(ClassificationCharts.calibration(bins, "positive class <yes>"));
        NodeList points = svg.getElementsByTagName("circle");
        assertEquals(3, points.getLength());
        Element last = (Element) points.item(2);
        assertEquals("9", last.getAttribute("data-bin"));
        assertEquals("2", last.getAttribute("data-rows"));
        assertEquals("0.975000", last.getAttribute("data-predicted"));
        assertEquals("1.000000", last.getAttribute("data-observed"));
        assertTrue(texts(svg).contains("mean predicted probability (positive class <yes>)"), texts(svg).toString());
        assertThrows(IllegalArgumentException.class, () -> ClassificationCharts.calibrationBins(new double[]{1.5}, new boolean[]{true}));
    }

    @Test
    void calibrationBinsMatchScikitLearnOnManyRows() {
        try (ScikitLearnOracle sk = SKLEARN.require()) {
            Random r = new Random(9);
            int n = 2000;
            int[] y = new int[n];
            boolean[] hit = new boolean[n];
            double[] s = new double[n];
            for (int i = 0; i < n; i++) {
                // a grid of 1/40 puts many values exactly on the bin edges 0.1, 0.2, ...
                s[i] = r.nextInt(41) / 40.0;
                y[i] = r.nextDouble() < s[i] ? 1 : 0;
                hit[i] = y[i] == 1;
            }
            JsonNode want = sk.run("calibration", sk.ints(y).toString(), sk.values(s).toString());
            List<CalibrationBin> bins = ClassificationCharts.calibrationBins(s, hit);
            assertArrayEquals(ScikitLearnOracle.doubleArray(want.get("observed")), bins.stream().mapToDouble(CalibrationBin::observed).toArray(), 1e-12);
            assertArrayEquals(ScikitLearnOracle.doubleArray(want.get("predicted")), bins.stream().mapToDouble(CalibrationBin::meanPredicted).toArray(), 1e-12);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    static Document parse(String svg) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        Document d = f.newDocumentBuilder().parse(new InputSource(new StringReader(svg)));
        assertEquals("svg", d.getDocumentElement().getLocalName());
        assertEquals("http://www.w3.org/2000/svg", d.getDocumentElement().getNamespaceURI());
        return d;
    }

    private static List<String> texts(Document d) {
        NodeList t = d.getElementsByTagName("text");
        List<String> out = new ArrayList<>();
        for (int i = 0; i < t.getLength(); i++) {
            out.add(t.item(i).getTextContent());
        }
        return out;
    }
}
