package dev.canopy;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A newcomer reads a class whole: no main class is over {@value #MAX_LINES} lines unless its class Javadoc
 * says why, in a paragraph headed {@value #REASON}.
 */
class ClassSizeTest {
    static final int MAX_LINES = 450;
    static final String REASON = "Why one class of this length.";

    @Test
    void noMainClassIsOverTheLimitWithoutSayingWhy() throws IOException {
        List<String> over = new ArrayList<>();
        int explained = 0;
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                List<String> lines = Files.readAllLines(f);
                if (lines.size() <= MAX_LINES) {
                    continue;
                }
                String text = String.join("\n", lines);
                int type = text.indexOf("\npublic ");
                int javadoc = text.lastIndexOf("/**", type < 0 ? text.length() : type);
                if (javadoc >= 0 && text.substring(javadoc, type < 0 ? text.length() : type).contains(REASON)) {
                    explained++;
                } else {
                    over.add(f + " (" + lines.size() + " lines)");
                }
            }
        }
        assertEquals(List.of(), over, "over " + MAX_LINES + " lines without a \"" + REASON + "\" paragraph");
        assertTrue(explained <= 3, explained + " classes explain their length: split some");
    }
}
