package dev.canopy.storage.local;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The open itself follows no link: a path that was link-free when resolved and has a link in it when opened
 * (the window between a store's check and its open) fails with {@link NoFollow.LinkFound}, at any depth.
 */
class NoFollowTest {
    @TempDir
    Path dir;

    @Test
    void aLinkAnywhereInThePathFailsTheOperationAndNothingOutsideIsTouched() throws IOException {
        Path outside = Files.createDirectories(dir.resolve("outside/deep"));
        Files.writeString(outside.resolve("secret.txt"), "secret");
        Path inside = Files.createDirectories(dir.resolve("root/a"));
        Files.writeString(inside.resolve("x.txt"), "inside");
        assertArrayEquals("inside".getBytes(StandardCharsets.UTF_8), NoFollow.readAll(inside.resolve("x.txt")));

        Files.createSymbolicLink(dir.resolve("root/a/deep"), outside); // a directory in the middle of the path
        Path through = dir.resolve("root/a/deep/secret.txt");
        NoFollow.LinkFound read = assertThrows(NoFollow.LinkFound.class, () -> NoFollow.readAll(through));
        assertTrue(read.getMessage().contains(dir.resolve("root/a/deep").toString()), read.getMessage());
        assertThrows(NoFollow.LinkFound.class, () -> NoFollow.attributes(through));
        assertThrows(NoFollow.LinkFound.class, () -> NoFollow.replace(dir.resolve("root/a/deep/planted.txt"), new byte[]{1}));
        assertThrows(NoFollow.LinkFound.class, () -> NoFollow.create(dir.resolve("root/a/deep/planted.txt"), new byte[]{1}));
        assertThrows(NoFollow.LinkFound.class, () -> NoFollow.delete(through));
        assertFalse(Files.exists(outside.resolve("planted.txt")));
        assertEquals("secret", Files.readString(outside.resolve("secret.txt")));

        Files.createSymbolicLink(dir.resolve("root/a/file-link"), outside.resolve("secret.txt")); // the file itself
        assertThrows(NoFollow.LinkFound.class, () -> NoFollow.readAll(dir.resolve("root/a/file-link")));
        NoFollow.delete(dir.resolve("root/a/file-link")); // deletes the link, not what it names
        assertFalse(Files.exists(dir.resolve("root/a/file-link"), java.nio.file.LinkOption.NOFOLLOW_LINKS));
        assertTrue(Files.exists(outside.resolve("secret.txt")));
    }

    @Test
    void replaceAndCreateBehaveAsTheStoreNeeds() throws IOException {
        Path d = Files.createDirectories(dir.resolve("w"));
        NoFollow.replace(d.resolve("o.bin"), new byte[]{1, 2});
        NoFollow.replace(d.resolve("o.bin"), new byte[]{3});
        assertArrayEquals(new byte[]{3}, Files.readAllBytes(d.resolve("o.bin")));
        assertTrue(NoFollow.create(d.resolve("c.bin"), new byte[]{4}));
        assertFalse(NoFollow.create(d.resolve("c.bin"), new byte[]{5}));
        assertArrayEquals(new byte[]{4}, Files.readAllBytes(d.resolve("c.bin")));
        try (var files = Files.list(d)) {
            assertEquals(2, files.count(), "no temporary file left");
        }
    }
}
