package dev.canopy.docs;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The README stays one screen, and every relative link in README.md and docs/*.md leads somewhere: the file
 * (or folder) exists, and a {@code #fragment} names a heading of the target page, as GitHub derives anchors
 * from headings.
 */
class DocsLinksTest {
    /** 15 KiB: what one screen of README may weigh (issue 19). */
    static final long README_MAX_BYTES = 15 * 1024;

    private static final Pattern FENCE = Pattern.compile("(?ms)^\\s*(```|~~~).*?^\\s*\\1[^\\n]*$");
    private static final Pattern CODE_SPAN = Pattern.compile("(`+)(?:(?!\\1).)+?\\1", Pattern.DOTALL);
    private static final Pattern LINK = Pattern.compile("!?\\[[^\\]]*]\\(\\s*<?([^)\\s>]+)>?(?:\\s+\"[^\"]*\")?\\s*\\)");
    private static final Pattern TEST_OPTION = Pattern.compile("-D(?:it\\.)?test='?([A-Za-z0-9_#*,]+)");
    private static final Pattern HEADING = Pattern.compile("(?m)^ {0,3}#{1,6}\\s+(.*?)\\s*#*\\s*$");

    @Test
    void readmeIsOneScreen() throws IOException {
        long size = Files.size(Path.of("README.md"));
        assertTrue(size <= README_MAX_BYTES, "README.md is " + size + " bytes, over " + README_MAX_BYTES
                + ": keep it to what Canopy is, the two commands and one short section per task; move reference to docs/");
    }

    @Test
    void everyRelativeLinkResolves() throws IOException {
        List<Path> pages = new ArrayList<>();
        pages.add(Path.of("README.md"));
        try (Stream<Path> docs = Files.list(Path.of("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
        }
        Map<Path, Set<String>> anchors = new HashMap<>();
        List<String> broken = new ArrayList<>();
        int checked = 0;
        for (Path page : pages) {
            for (String target : links(Files.readString(page, StandardCharsets.UTF_8))) {
                if (target.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:.*")) {
                    continue; // https:, mailto:…: not this repository's
                }
                checked++;
                int hash = target.indexOf('#');
                String file = hash >= 0 ? target.substring(0, hash) : target;
                String fragment = hash >= 0 ? target.substring(hash + 1) : null;
                Path resolved = file.isEmpty() ? page : page.toAbsolutePath().getParent().resolve(file).normalize();
                if (!Files.exists(resolved)) {
                    broken.add(page + ": " + target + " (no file " + resolved + ")");
                    continue;
                }
                if (fragment != null && resolved.toString().endsWith(".md")) {
                    Set<String> known = anchors.computeIfAbsent(resolved, DocsLinksTest::anchorsOf);
                    if (!known.contains(fragment)) {
                        broken.add(page + ": " + target + " (no heading with anchor #" + fragment + " in " + file
                                + "; it has " + known + ")");
                    }
                }
            }
        }
        assertTrue(checked > 20, "found only " + checked + " relative links: the link pattern is broken");
        assertEquals(List.of(), broken, "links that lead nowhere");
    }

    /**
     * The test commands the pages give run what they say: each class a {@code -Dtest=} or {@code -Dit.test=}
     * names (a list, or {@code Class#method}) is a test source, so that a renamed class does not leave a command
     * that runs nothing (with {@code -Dsurefire.failIfNoSpecifiedTests=false}, silently).
     */
    @Test
    void everyTestClassACommandNamesExists() throws IOException {
        Set<String> sources = new HashSet<>();
        try (Stream<Path> files = Files.walk(Path.of("src", "test", "java"))) {
            files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".java"))
                    .forEach(n -> sources.add(n.substring(0, n.length() - ".java".length())));
        }
        List<Path> pages = new ArrayList<>();
        pages.add(Path.of("README.md"));
        try (Stream<Path> docs = Files.list(Path.of("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
        }
        List<String> missing = new ArrayList<>();
        int named = 0;
        for (Path page : pages) {
            Matcher m = TEST_OPTION.matcher(Files.readString(page, StandardCharsets.UTF_8));
            while (m.find()) {
                for (String name : m.group(1).split(",")) {
                    String cls = name.replaceAll("#.*", "").strip();
                    if (cls.isEmpty() || !Character.isUpperCase(cls.charAt(0)) || cls.contains("*")
                            || cls.equals("FooTest") || cls.equals("BarTest")) {
                        continue; // -Dtest=none (no unit test), a pattern, or the how-to's placeholders
                    }
                    named++;
                    if (!sources.contains(cls)) {
                        missing.add(page + ": " + m.group());
                    }
                }
            }
        }
        assertTrue(named >= 3, "found only " + named + " test classes named in commands: the pattern is broken");
        assertEquals(List.of(), missing, "commands that name a test class that does not exist");
    }

    /** The anchor derivation, checked on headings this repository uses. */
    @Test
    void anchorsAreGitHubs() {
        assertEquals("training-supervise-train-status", slug("Training: `supervise`, `train`, `status`"));
        assertEquals("serve-run-it-as-lambda-on-your-machine", slug("serve: run it as Lambda on your machine"));
        assertEquals("the-workflows-locally", slug("The workflows, locally"));
        assertEquals("quarkus-keys-canopy-relies-on", slug("Quarkus keys Canopy relies on"));
        assertEquals("canopy-canopyconfig", slug("`canopy`: CanopyConfig"));
        assertEquals("a_b--c", slug("A_b → c"));
    }

    static List<String> links(String markdown) {
        String prose = CODE_SPAN.matcher(FENCE.matcher(markdown).replaceAll("")).replaceAll("");
        List<String> targets = new ArrayList<>();
        Matcher m = LINK.matcher(prose);
        while (m.find()) {
            targets.add(m.group(1));
        }
        return targets;
    }

    static Set<String> anchorsOf(Path page) {
        String text;
        try {
            text = Files.readString(page, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Set<String> anchors = new LinkedHashSet<>();
        Map<String, Integer> seen = new HashMap<>();
        Matcher m = HEADING.matcher(FENCE.matcher(text).replaceAll(""));
        while (m.find()) {
            String base = slug(m.group(1));
            int n = seen.merge(base, 1, Integer::sum) - 1;
            anchors.add(n == 0 ? base : base + "-" + n); // GitHub numbers repeated headings -1, -2…
        }
        return anchors;
    }

    /** GitHub's anchor for a heading: its text, lower case, without punctuation, spaces as hyphens. */
    static String slug(String heading) {
        String text = heading.replaceAll("!?\\[([^\\]]*)]\\([^)]*\\)", "$1"); // a link counts by its text
        text = text.toLowerCase(Locale.ROOT);
        StringBuilder out = new StringBuilder();
        text.codePoints().forEach(c -> {
            if (Character.isLetterOrDigit(c) || c == '-' || c == '_') {
                out.appendCodePoint(c);
            } else if (c == ' ') {
                out.append('-');
            }
        });
        return out.toString();
    }
}
