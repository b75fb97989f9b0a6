package dev.canopy.report;

import dev.canopy.error.InvalidInputException;
import dev.canopy.testing.InMemoryObjectStore;
import dev.canopy.testing.TestData;
import dev.canopy.training.RunLayout;
import dev.canopy.training.SuperviseResult;
import dev.canopy.training.TrainerState;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReportServiceTest {
    static final String DATA = "mem://data/housing.csv";
    static final String OUT = "mem://out";

    static int count(String html, String regex) {
        Matcher m = Pattern.compile(regex).matcher(html);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    @Test
    void oneSelfContainedPageWithAMarkPerConfigurationPointFeatureAndInvocation() {
        InMemoryObjectStore store = new InMemoryObjectStore();
        store.put(DATA, TestData.housingCsvBytes(500, 4));
        SuperviseResult r = ReportFixture.search(store, DATA, OUT, "rep1");
        String uri = new ReportService(store).write(OUT, "rep1");
        assertEquals(RunLayout.report(OUT, "rep1"), uri);
        String html = new String(store.read(uri), StandardCharsets.UTF_8);

        long done = r.search().ranking().stream().filter(t -> t.state() == TrainerState.DONE).count();
        assertEquals(7, done, "3 forest depths, one failing, + 4 boosting points + 1 tree");
        assertEquals(done, count(html, "<rect class=\"bar"));
        assertEquals(r.search().ranking().stream().filter(t -> t.state() == TrainerState.DONE && t.cvStd() > 0).count(),
                count(html, "<path class=\"err\""));
        assertEquals(125, count(html, "<circle class=\"pt\""), "every test row of the best model (125 < 2000)");
        assertEquals(3 * 8, count(html, "<rect class=\"imp\""), "8 features of each of the 3 refitted models");
        assertEquals(r.invocations().size(), count(html, "<rect class=\"inv "));
        assertEquals(8 * 3 + 3, r.invocations().size(), "8 configurations × 3 folds, and 3 refits");
        assertEquals(3, count(html, "<rect class=\"inv failed\""), "the failing configuration's three folds");

        // nothing from the network: no src or href at all, and a policy that forbids any other source
        assertEquals(0, count(html, "(?i)\\s(src|href)\\s*="), "no external resource");
        assertTrue(html.contains("content=\"default-src 'none'"), "a CSP that forbids loads");
        // text from errors and parameters is escaped
        assertTrue(html.contains("&lt;b&gt;trainer&lt;/b&gt; crashed &amp; burned"), "escaped error");
        assertFalse(html.contains("<b>trainer</b>"));
        // the cost section, from the stored result: one row per function (this fixture's invoker reports no
        // billing, so every successful call is counted and none is priced by duration)
        assertEquals(r.invocations().size() - 3, r.cost().invocations(), "the three crashed calls never reached a function");
        assertEquals(r.cost().functions().size(), count(html.substring(html.indexOf("id=\"cost-table\"")), "<tr><td>train"));
        assertTrue(html.contains("id=\"cost-total\"><b>$"), "a total");
    }

    @Test
    void aRunThatDoesNotExistIsNamed() {
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> new ReportService(new InMemoryObjectStore()).write(OUT, "nope"));
        assertEquals("runId", e.field());
    }
}
