package dev.canopy.storage;

import dev.canopy.error.InvalidInputException;
import dev.canopy.testing.InMemoryObjectStore;
import dev.canopy.testing.RecordingObjectStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GuardedObjectStoreTest {
    @TempDir
    Path dir;

    @Test
    void s3LocationsOutsideTheAllowedPrefixesAreRefusedBeforeAnyCall() {
        RecordingObjectStore inner = new RecordingObjectStore(new InMemoryObjectStore());
        GuardedObjectStore g = new GuardedObjectStore(inner, List.of("s3://canopy-data/", "s3://shared/models"));
        assertDoesNotThrow(() -> g.check("s3://canopy-data/x/y.csv"));
        assertDoesNotThrow(() -> g.check("s3://shared/models/rf.model"));
        for (String bad : List.of("s3://other-bucket/x", "s3://shared/models-evil/x", "s3://canopy-data/../other/x",
                "s3://canopydata/x", "/etc/passwd", "https://example.org/data.csv")) {
            InvalidInputException e = assertThrows(InvalidInputException.class, () -> g.read(bad), bad);
            assertTrue(e.getMessage().contains("outside the allowed locations"), e.getMessage());
        }
        assertEquals(List.of(), inner.calls, "no storage call was made for a refused location");
    }

    @Test
    void aCopyIsCheckedAtBothEnds() {
        RecordingObjectStore inner = new RecordingObjectStore(new InMemoryObjectStore());
        inner.write("s3://canopy-data/out/_attempts/r/1/a.parquet", new byte[]{1}, "x");
        inner.write("s3://elsewhere/a.parquet", new byte[]{2}, "x");
        GuardedObjectStore g = new GuardedObjectStore(inner, List.of("s3://canopy-data/"));
        int before = inner.calls.size();
        InvalidInputException out = assertThrows(InvalidInputException.class,
                () -> g.copy("s3://canopy-data/out/_attempts/r/1/a.parquet", "s3://elsewhere/b.parquet", "x"));
        assertTrue(out.getMessage().contains("s3://elsewhere/b.parquet"), out.getMessage());
        InvalidInputException in = assertThrows(InvalidInputException.class,
                () -> g.copy("s3://elsewhere/a.parquet", "s3://canopy-data/out/a.parquet", "x"));
        assertTrue(in.getMessage().contains("s3://elsewhere/a.parquet"), in.getMessage());
        assertEquals(before, inner.calls.size(), "refused before any call: " + inner.calls);
        g.copy("s3://canopy-data/out/_attempts/r/1/a.parquet", "s3://canopy-data/out/a.parquet", "x");
        assertArrayEquals(new byte[]{1}, inner.read("s3://canopy-data/out/a.parquet"));
    }

    @Test
    void localPathsCannotEscapeTheirRootByDotsOrSymlinks() throws Exception {
        Path root = Files.createDirectories(dir.resolve("root"));
        Path outside = Files.createDirectories(dir.resolve("outside"));
        Files.writeString(outside.resolve("secret.txt"), "secret");
        Files.createSymbolicLink(root.resolve("link"), outside);
        GuardedObjectStore g = new GuardedObjectStore(new InMemoryObjectStore(), List.of(root.toString()));
        assertDoesNotThrow(() -> g.check(root.resolve("data/a.csv").toString()));
        assertDoesNotThrow(() -> g.check(root.toUri().resolve("b.csv").toString()));
        for (String bad : List.of(root + "/../outside/secret.txt", root.resolve("link/secret.txt").toString(),
                "file:" + outside.resolve("secret.txt"), "s3://any/x")) {
            assertThrows(InvalidInputException.class, () -> g.check(bad), bad);
        }
    }

    @Test
    void httpsRootsMatchSchemeHostPortAndWholePathSegments() {
        GuardedObjectStore g = new GuardedObjectStore(new InMemoryObjectStore(), List.of("https://data.example.org",
                "https://host.example/data"));
        for (String ok : List.of("https://data.example.org/x.csv", "https://DATA.example.org:443/a/b.parquet",
                "https://host.example/data/x.csv", "https://host.example/data")) {
            assertDoesNotThrow(() -> g.check(ok), ok);
        }
        for (String bad : List.of("https://data.example.org.evil.example/x.csv", "https://data.example.org@evil.example/x",
                "https://user@data.example.org/x", "https://data.example.org:8443/x", "http://data.example.org/x",
                "https://host.example/data-evil/x", "https://host.example/data/../secret", "https://host.example/data/%2e%2e/x",
                "https://host.example/datax")) {
            assertThrows(InvalidInputException.class, () -> g.check(bad), bad);
        }
    }

    @Test
    void aRootIsAFolderSoAListingNeverReachesASiblingWithTheSamePrefix() {
        InMemoryObjectStore inner = new InMemoryObjectStore();
        inner.put("s3://b/models/rf.trees", new byte[]{1});
        inner.put("s3://b/models-evil/secret", new byte[]{2});
        GuardedObjectStore g = new GuardedObjectStore(inner, List.of("s3://b/models"));
        assertEquals(List.of("s3://b/models/rf.trees"), g.list("s3://b/models").stream().map(ObjectInfo::uri).toList());
        assertThrows(InvalidInputException.class, () -> g.list("s3://b/models-evil/"));
    }
}
