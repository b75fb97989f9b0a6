package dev.canopy.report;

import com.fasterxml.jackson.databind.JsonNode;
import dev.canopy.json.Json;
import dev.canopy.testing.InMemoryObjectStore;
import dev.canopy.testing.TestData;
import dev.canopy.training.DatasetSummary;
import dev.canopy.training.ModelInsights;
import dev.canopy.training.SuperviseResult;
import dev.canopy.training.TrainResult;
import dev.canopy.training.TrainerState;
import nu.validator.client.EmbeddedValidator;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 24, item 5: the report's page, checked by the Nu Html Checker (vnu, what validator.w3.org runs),
 * not by counting marks; its scatter plot's ticks and ranges; and what it says about the data.
 */
class HtmlReportValidityTest {

    /** vnu's errors (and warnings) on {@code html}: empty when the page is valid HTML. */
    static List<String> problems(String html) throws Exception {
        EmbeddedValidator v = new EmbeddedValidator();
        v.setOutputFormat(EmbeddedValidator.OutputFormat.JSON);
        JsonNode out = Json.MAPPER.readTree(v.validate(new ByteArrayInputStream(html.getBytes(StandardCharsets.UTF_8))));
        List<String> problems = new ArrayList<>();
        for (JsonNode m : out.path("messages")) {
            if (!m.path("type").asText().equals("info") || m.path("subType").asText().equals("warning")) {
                problems.add(m.path("type").asText() + " line " + m.path("lastLine").asText() + ": " + m.path("message").asText());
            }
        }
        return problems;
    }

    static SuperviseResult plainRun() {
        Map<String, String> leftOut = new LinkedHashMap<>();
        leftOut.put("id", "looks like an identifier");
        DatasetSummary d = new DatasetSummary("data.csv", "v1", 1000, 750, 250, "MedHouseVal", List.of("MedInc", "ocean"),
                List.of("ocean"), leftOut, "impute", Map.of("MedInc", 12, "ocean", 0), null);
        TrainResult ok = new TrainResult("decision_tree", TrainerState.DONE, 0.5, 0.7, 0.5, 0.6, 100L, 1000L,
                "canopy-out/r/models/decision_tree.trees", Map.of(), null, null);
        TrainResult failed = new TrainResult("random_forest", TrainerState.FAILED, null, null, null, null, null, null, null,
                Map.of(), "InvalidInputException: <b>bad</b>", null);
        return new SuperviseResult("r-1", 1234, d, List.of(ok, failed), "decision_tree");
    }

    static ModelInsights insights() {
        double[] actual = {0.23, 1.5, 2.5, 5.00001};
        double[] predicted = {0.4, 1.4, 2.7, 5.38};
        return new ModelInsights("decision_tree", List.of("MedInc", "ocean"), new double[]{0.8, 0.2}, 250, actual, predicted);
    }

    @Test
    void aRunWithoutASearchIsValidHtml() throws Exception {
        String html = HtmlReport.render(plainRun(), Map.of("decision_tree", insights()));
        assertEquals(List.of(), problems(html));
        assertTrue(!html.contains("<table id=\"ranking-table\""), "no stray ranking table without a search");
    }

    @Test
    void theValidatorCatchesTheTableThatWasNeverClosed() throws Exception {
        // the markup the report had before issue 24: a ranking table opened, without a search, and never closed
        String html = HtmlReport.render(plainRun(), Map.of()).replace("<table id=\"results-table\">",
                "<table id=\"ranking-table\" class=\"sortable\"><thead><tr><th>rank</th><th>algorithm</th><th>state</th>"
                        + "<table id=\"results-table\">");
        assertTrue(!problems(html).isEmpty(), "vnu finds the fault");
    }

    @Test
    void aSearchsReportIsValidHtml() throws Exception {
        InMemoryObjectStore store = new InMemoryObjectStore();
        store.put("mem://d/housing.csv", TestData.housingCsvBytes(300, 3));
        SuperviseResult r = ReportFixture.search(store, "mem://d/housing.csv", "mem://out", "search-1");
        assertEquals(List.of(), problems(HtmlReport.render(r, Map.of())));
    }

    @Test
    void theScatterPlotHasTicksAndEachAxisItsOwnRange() {
        String html = HtmlReport.render(plainRun(), Map.of("decision_tree", insights()));
        String svg = html.substring(html.indexOf("<svg id=\"scatter\""), html.indexOf("</svg>", html.indexOf("<svg id=\"scatter\"")));
        Matcher ticks = Pattern.compile("<text class=\"tick\"[^>]*>([^<]+)</text>").matcher(svg);
        List<String> values = new ArrayList<>();
        while (ticks.find()) {
            values.add(ticks.group(1));
        }
        assertEquals(10, values.size(), "five ticks on each axis: " + values);
        assertTrue(values.contains("0.23") && values.contains("5.38"), values.toString());
        assertTrue(svg.contains("actual (0.23 … 5.00)"), "the actual values' own range: " + svg);
        assertTrue(svg.contains("predicted (0.40 … 5.38)"), svg);
    }

    @Test
    void theReportSaysWhatWasDoneToTheData() {
        String html = HtmlReport.render(plainRun(), Map.of());
        assertTrue(html.contains("<b>Imputed gaps:</b> 12 cell(s)"), html);
        assertTrue(html.contains("MedInc (12)"), html);
        assertTrue(html.contains("<b>Left out:</b> <code>id</code> (looks like an identifier)"), html);
        assertTrue(html.contains("<b>Categorical:</b> <code>ocean</code>"), html);
    }
}
