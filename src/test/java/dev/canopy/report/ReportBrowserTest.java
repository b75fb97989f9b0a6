package dev.canopy.report;

import com.fasterxml.jackson.databind.JsonNode;
import dev.canopy.testing.InMemoryObjectStore;
import dev.canopy.testing.TestData;
import dev.canopy.training.RunLayout;
import dev.canopy.training.SuperviseResult;
import dev.canopy.training.TrainerState;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The report in a real browser: Debian's headless Chromium opens the file, and the page must load with no
 * error of any kind and hold one mark per configuration, error bar, test point, feature and invocation.
 * The screenshot is saved to {@code target/report-screenshot.png} for a person to look at.
 *
 * <p>Needs {@code /usr/bin/chromium} (or {@code -Dcanopy.test.chromium}); {@code .ci/run} installs it.
 * Without it the test is skipped with the reason, except where CI=true, where it fails.
 */
class ReportBrowserTest {
    static final String DATA = "mem://data/housing.csv";
    static final String OUT = "mem://out";

    static Path chromium() {
        return Chromium.executable();
    }

    @Test
    void theReportLoadsWithoutErrorsAndItsChartsHoldEveryMark() throws Exception {
        Path executable = chromium();
        InMemoryObjectStore store = new InMemoryObjectStore();
        store.put(DATA, TestData.housingCsvBytes(800, 9));
        SuperviseResult r = ReportFixture.search(store, DATA, OUT, "browser");
        byte[] html = store.read(new ReportService(store).write(OUT, "browser"));
        Path dir = Files.createDirectories(Path.of("target", "report-browser").toAbsolutePath());
        Path page = dir.resolve("report.html");
        Files.write(page, html);
        assertEquals(RunLayout.report(OUT, "browser"), OUT + "/browser/report.html");

        long bars = r.search().ranking().stream().filter(t -> t.state() == TrainerState.DONE).count();
        long whiskers = r.search().ranking().stream().filter(t -> t.state() == TrainerState.DONE && t.cvStd() > 0).count();
        long failed = r.invocations().stream().filter(i -> !i.state().equals("DONE")).count();

        try (Chromium browser = new Chromium(executable)) {
            browser.send("Runtime.enable", Map.of());
            browser.send("Log.enable", Map.of());
            browser.send("Page.enable", Map.of());
            browser.send("Emulation.setDeviceMetricsOverride", Map.of("width", 1000, "height", 1200,
                    "deviceScaleFactor", 1, "mobile", false));
            browser.send("Page.navigate", Map.of("url", page.toUri().toString()));
            browser.await("Page.loadEventFired");

            JsonNode marks = browser.evaluate("""
                    ({ready: document.body.getAttribute('data-ready'),
                      bars: document.querySelectorAll('#mse-chart rect.bar').length,
                      whiskers: document.querySelectorAll('#mse-chart path.err').length,
                      points: document.querySelectorAll('#scatter circle.pt').length,
                      importanceCharts: document.querySelectorAll('svg.importance').length,
                      importanceBars: document.querySelectorAll('svg.importance rect.imp').length,
                      invocations: document.querySelectorAll('#timeline-chart rect.inv').length,
                      failedInvocations: document.querySelectorAll('#timeline-chart rect.inv.failed').length,
                      rankingRows: document.querySelectorAll('#ranking-table tbody tr').length,
                      barWidth: document.querySelector('#mse-chart rect.bar').getBBox().width,
                      resources: performance.getEntriesByType('resource').length,
                      cost: document.querySelector('#cost').textContent})""");
            // the script ran: clicking a header sorts the ranking by that column, again the other way
            String clickRank = """
                    (function () {
                      document.querySelectorAll('#ranking-table th')[0].click();
                      return Array.prototype.map.call(document.querySelectorAll('#ranking-table tbody tr td:first-child'),
                        function (td) { return td.textContent; });
                    })()""";
            JsonNode ascending = browser.evaluate(clickRank);
            JsonNode descending = browser.evaluate(clickRank);
            int height = browser.evaluate("document.documentElement.scrollHeight").asInt();
            browser.send("Emulation.setDeviceMetricsOverride", Map.of("width", 1000, "height", Math.min(height, 6000),
                    "deviceScaleFactor", 1, "mobile", false));
            JsonNode shot = browser.send("Page.captureScreenshot", Map.of("format", "png"));
            Path png = Path.of("target", "report-screenshot.png").toAbsolutePath();
            Files.write(png, Base64.getDecoder().decode(shot.path("data").asText()));
            System.out.println("report screenshot: " + png + " (" + Files.size(png) + " bytes), page " + page);

            assertEquals(List.of(), browser.errors, "the page reports no error; chromium log: " + browser.log());
            assertEquals("true", marks.path("ready").asText(), marks.toString());
            assertEquals(bars, marks.path("bars").asLong(), marks.toString());
            assertEquals(whiskers, marks.path("whiskers").asLong(), marks.toString());
            assertEquals(200, marks.path("points").asInt(), "every one of the 200 test rows");
            assertEquals(3, marks.path("importanceCharts").asInt());
            assertEquals(3 * 8, marks.path("importanceBars").asInt());
            assertEquals(r.invocations().size(), marks.path("invocations").asInt());
            assertEquals(failed, marks.path("failedInvocations").asInt());
            assertEquals(r.search().ranking().size(), marks.path("rankingRows").asInt());
            assertTrue(marks.path("barWidth").asDouble() > 1, "bars are laid out: " + marks);
            assertEquals(0, marks.path("resources").asInt(), "the page loaded no resource");
            assertTrue(marks.path("cost").asText().contains(r.cost().invocations() + " invocations"), marks.toString());
            assertEquals("1", ascending.get(0).asText(), "sorted by rank: " + ascending);
            assertEquals(String.valueOf(bars), descending.get(0).asText(), "sorted the other way: " + descending);
            assertTrue(Files.size(png) > 10_000, "a screenshot with content");
        }
    }

    @Test
    void aClassificationsReportLoadsWithoutErrorsAndDrawsItsChartsPerModel() throws Exception {
        Path executable = chromium();
        InMemoryObjectStore store = new InMemoryObjectStore();
        store.put("mem://data/binary.csv", ReportFixture.classesCsv(400, 3, "no", "yes"));
        SuperviseResult r = ReportFixture.classify(store, "mem://data/binary.csv", OUT, "browser-binary");
        byte[] html = store.read(new ReportService(store).write(OUT, "browser-binary"));
        Path page = Files.createDirectories(Path.of("target", "report-browser").toAbsolutePath()).resolve("binary.html");
        Files.write(page, html);
        try (Chromium browser = new Chromium(executable)) {
            browser.send("Runtime.enable", Map.of());
            browser.send("Log.enable", Map.of());
            browser.send("Page.enable", Map.of());
            browser.send("Page.navigate", Map.of("url", page.toUri().toString()));
            browser.await("Page.loadEventFired");
            JsonNode marks = browser.evaluate("""
                    ({ready: document.body.getAttribute('data-ready'),
                      figures: document.querySelectorAll('figure.class-charts').length,
                      cells: document.querySelectorAll('svg[id^="confusion-"] rect.cell').length,
                      curves: document.querySelectorAll('svg[id^="roc-"] path.roc').length,
                      curveLength: document.querySelector('svg[id^="roc-"] path.roc').getTotalLength(),
                      bins: document.querySelectorAll('svg[id^="calibration-"] circle.cal').length,
                      bars: document.querySelectorAll('#metric-chart rect.bar').length})""");
            assertEquals(List.of(), browser.errors, "the page reports no error; chromium log: " + browser.log());
            assertEquals("true", marks.path("ready").asText(), marks.toString());
            assertEquals(3, marks.path("figures").asInt(), marks.toString());
            assertEquals(3 * 4, marks.path("cells").asInt(), "2 × 2 cells per model: " + marks);
            assertEquals(3, marks.path("curves").asInt(), marks.toString());
            assertTrue(marks.path("curveLength").asDouble() > 272, "a curve from (0, 0) to (1, 1) is longer than the diagonal: " + marks);
            assertTrue(marks.path("bins").asInt() >= 3 * 2, marks.toString());
            assertEquals(r.results().size(), marks.path("bars").asInt(), marks.toString());
        }
    }
}
