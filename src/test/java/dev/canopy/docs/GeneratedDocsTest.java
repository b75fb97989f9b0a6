package dev.canopy.docs;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * docs/configuration.md and docs/architecture.md are generated ({@link ConfigurationDocs},
 * {@link ArchitectureDocs}); these tests fail when a committed page is not what the generator writes from the
 * sources now. With {@code -Dcanopy.docs.update=true} they write the pages instead ({@link #REGENERATE}).
 */
class GeneratedDocsTest {
    /** The one command that rewrites every generated page. */
    static final String REGENERATE = "./mvnw -B test -Dtest=GeneratedDocsTest -Dcanopy.docs.update=true";

    private static final Path MAIN_SOURCES = Path.of("src/main/java");

    @Test
    void configurationPageIsCurrent() throws IOException {
        check(Path.of("docs/configuration.md"), ConfigurationDocs.generate(MAIN_SOURCES));
    }

    @Test
    void architecturePageIsCurrent() throws IOException {
        check(Path.of("docs/architecture.md"), ArchitectureDocs.generate(MAIN_SOURCES));
    }

    private static void check(Path page, String generated) throws IOException {
        if (Boolean.getBoolean("canopy.docs.update")) {
            Files.writeString(page, generated, StandardCharsets.UTF_8);
        }
        String committed = Files.isRegularFile(page) ? Files.readString(page, StandardCharsets.UTF_8) : null;
        if (committed == null) {
            fail(page + " is missing; generate it with: " + REGENERATE);
        }
        if (!committed.equals(generated)) {
            fail(page + " is not what the sources generate now (" + firstDifference(committed, generated)
                    + "); regenerate it with: " + REGENERATE);
        }
    }

    /** Where two texts first differ, by line, for a readable failure. */
    static String firstDifference(String committed, String generated) {
        String[] a = committed.split("\n", -1);
        String[] b = generated.split("\n", -1);
        for (int i = 0; i < Math.max(a.length, b.length); i++) {
            String x = i < a.length ? a[i] : "<end of file>";
            String y = i < b.length ? b[i] : "<end of file>";
            if (!x.equals(y)) {
                return "line " + (i + 1) + " is\n  " + x + "\nbut the sources give\n  " + y + "\n";
            }
        }
        return "they differ";
    }
}
