package dev.canopy.parquet;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Nothing in {@code dev.canopy.parquet} names a class of the rest of Canopy: the package stands alone. */
class ParquetPackageIndependenceTest {
    private static final Pattern CANOPY = Pattern.compile("\\bdev\\.canopy\\.(\\w+)");

    @Test
    void usesNothingElseOfCanopy() throws Exception {
        Path root = Path.of("src/main/java/dev/canopy/parquet");
        List<Path> sources;
        try (Stream<Path> s = Files.walk(root)) {
            sources = s.filter(p -> p.toString().endsWith(".java")).toList();
        }
        assertTrue(sources.size() >= 7, "sources found: " + sources);
        List<String> outside = new java.util.ArrayList<>();
        for (Path p : sources) {
            Matcher m = CANOPY.matcher(Files.readString(p));
            while (m.find()) {
                if (!m.group(1).equals("parquet")) {
                    outside.add(root.relativize(p) + ": " + m.group());
                }
            }
        }
        assertEquals(List.of(), outside);
    }
}
