package dev.canopy.report;

import dev.canopy.cost.CostReport;
import dev.canopy.training.DatasetSummary;
import dev.canopy.training.SuperviseResult;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The report's Cost section, from the run's stored cost report. */
class HtmlReportCostTest {
    static SuperviseResult run(CostReport cost) {
        return new SuperviseResult("r1", 4200, new DatasetSummary("d.csv", "v", 10, 8, 2, "y", List.of("x")),
                List.of(), null, null, null, cost);
    }

    static String section(String html) {
        int from = html.indexOf("<section id=\"cost\">");
        return html.substring(from, html.indexOf("</section>", from));
    }

    @Test
    void totalsARowPerFunctionAndTheOrchestratorsEstimateApart() {
        CostReport c = new CostReport(7, 3456, 10.125, 0.00017016, "arm64", CostReport.LAMBDA, List.of(
                new CostReport.FunctionCost("train", 6, 3000, 3008, 8.8125, 0.00011870),
                new CostReport.FunctionCost("train", 1, 456, 2048, 0.912, 0.00001236)), 1,
                new CostReport.FunctionCost("supervise", 1, 4200, 512, 2.1, 0.00002820));
        String s = section(HtmlReport.render(run(c), Map.of()));
        assertTrue(s.contains("<b>$0.000170</b> for 7 invocations, 3,456 billed ms, 10.125 GB-s on arm64 "
                + "(billed durations from Lambda's REPORT lines)"), s);
        assertTrue(s.contains("1 of the invocations got no answer"), s);
        assertEquals(3, ReportServiceTest.count(s, "<tr><td>"), "two function rows and the orchestrator");
        assertTrue(s.contains("<tr><td>train</td><td>6</td><td>3000</td><td>3008</td><td>8.813</td><td>$0.000119</td></tr>"), s);
        assertTrue(s.contains("<tr><td>supervise (orchestrator, estimated from its wall time; not in the total)</td><td>1</td>"
                + "<td>4200</td><td>512</td><td>2.100</td><td>$0.000028</td></tr>"), s);
    }

    @Test
    void aResultWithoutACostReportSaysSo() {
        String s = section(HtmlReport.render(run(null), Map.of()));
        assertTrue(s.contains("has no cost report"), s);
        assertEquals(0, ReportServiceTest.count(s, "<tr>"));
    }
}
