package dev.canopy.storage.local;

import dev.canopy.error.InvalidInputException;
import dev.canopy.storage.GuardedObjectStore;
import dev.canopy.storage.ObjectInfo;
import dev.canopy.storage.ObjectStore;
import dev.canopy.storage.ObjectStoreContract;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The local store as the guard's deployments build it: confined to the allowed roots, checked again at each
 * open without following links. It keeps the whole storage contract, and a link swapped in between the
 * guard's check and the store's open (the race a check-then-open guard loses) is refused, never followed.
 */
class ConfinedLocalObjectStoreTest extends ObjectStoreContract {
    @TempDir
    Path dir;
    Path root;
    Path outside;
    LocalObjectStore store;

    @BeforeEach
    void roots() throws IOException {
        root = Files.createDirectories(dir.resolve("root"));
        outside = Files.createDirectories(dir.resolve("outside"));
        Files.writeString(outside.resolve("secret.txt"), "secret");
        store = new LocalObjectStore(List.of(root));
    }

    @Override
    protected ObjectStore store() {
        return store;
    }

    @Override
    protected String base() {
        return root.toString();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Replaces the directory {@code d} by a symbolic link to {@code to}, as an attacker racing the guard would. */
    private static void swapForLink(Path d, Path to) {
        try {
            try (var files = Files.list(d)) {
                for (Path f : files.toList()) {
                    Files.delete(f);
                }
            }
            Files.delete(d);
            Files.createSymbolicLink(d, to);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A store whose every call first runs {@code between}: under the guard, that is after the guard's check and
     * before the confined store's open.
     */
    private ObjectStore racing(Runnable between) {
        ObjectStore inner = new ObjectStore() {
            private <T> T after(Supplier<T> call) {
                between.run();
                return call.get();
            }

            @Override
            public byte[] read(String uri) {
                return after(() -> store.read(uri));
            }

            @Override
            public byte[] read(String uri, String expectedVersion) {
                return after(() -> store.read(uri, expectedVersion));
            }

            @Override
            public byte[] readRange(String uri, long offset, int length, String expectedVersion) {
                return after(() -> store.readRange(uri, offset, length, expectedVersion));
            }

            @Override
            public Suffix readSuffix(String uri, int length) {
                return after(() -> store.readSuffix(uri, length));
            }

            @Override
            public void write(String uri, byte[] data, String contentType) {
                after(() -> {
                    store.write(uri, data, contentType);
                    return null;
                });
            }

            @Override
            public List<ObjectInfo> list(String prefixUri) {
                return after(() -> store.list(prefixUri));
            }

            @Override
            public ObjectInfo head(String uri) {
                return after(() -> store.head(uri));
            }
        };
        return new GuardedObjectStore(inner, List.of(root.toString()));
    }

    @Test
    void aDirectorySwappedForALinkAfterTheGuardsCheckIsNotFollowed() throws IOException {
        Path d = Files.createDirectories(root.resolve("d"));
        Files.writeString(d.resolve("secret.txt"), "inside");
        ObjectStore guarded = racing(() -> {
            if (!Files.isSymbolicLink(d)) {
                swapForLink(d, outside);
            }
        });
        String uri = d.resolve("secret.txt").toString();
        InvalidInputException read = assertThrows(InvalidInputException.class, () -> guarded.read(uri));
        assertEquals("uri", read.field());
        assertTrue(read.getMessage().contains(uri), read.getMessage());
        assertThrows(InvalidInputException.class, () -> guarded.readRange(uri, 0, 3, null));
        assertThrows(InvalidInputException.class, () -> guarded.readSuffix(uri, 3));
        assertThrows(InvalidInputException.class, () -> guarded.head(uri));
        assertThrows(InvalidInputException.class, () -> guarded.write(d.resolve("planted.txt").toString(), bytes("x"), "text/plain"));
        assertFalse(Files.exists(outside.resolve("planted.txt")), "nothing written through the link");
        assertEquals("secret", Files.readString(outside.resolve("secret.txt")));
    }

    @Test
    void aLinkSwappedInIsRefusedAtTheOpenEvenWithoutTheGuard() throws IOException {
        Path d = Files.createDirectories(root.resolve("e"));
        Files.writeString(d.resolve("a.txt"), "inside");
        assertArrayEquals(bytes("inside"), store.read(d.resolve("a.txt").toString()));
        swapForLink(d, outside);
        // resolved now, the path leads outside the root: refused as such
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> store.read(d.resolve("secret.txt").toString()));
        assertTrue(e.getMessage().contains("outside the allowed locations"), e.getMessage());
        assertThrows(InvalidInputException.class, () -> store.delete(d.resolve("secret.txt").toString()));
        assertTrue(Files.exists(outside.resolve("secret.txt")));
    }

    @Test
    void linksInsideTheRootStillWorkAndAListingNamesObjectsAsAsked() throws IOException {
        Path real = Files.createDirectories(root.resolve("real"));
        Files.writeString(real.resolve("a.csv"), "a");
        Path alias = Files.createSymbolicLink(root.resolve("alias"), real);
        assertArrayEquals(bytes("a"), store.read(alias.resolve("a.csv").toString()));
        store.write(alias.resolve("b.csv").toString(), bytes("bb"), "text/csv");
        assertEquals("bb", Files.readString(real.resolve("b.csv")));
        assertEquals(List.of(alias.resolve("a.csv").toString(), alias.resolve("b.csv").toString()),
                store.list(alias + "/").stream().map(ObjectInfo::uri).toList());
        // a link inside the root that leads out is not listed, and not read
        Files.createSymbolicLink(real.resolve("out.txt"), outside.resolve("secret.txt"));
        assertEquals(2, store.list(real + "/").size());
        assertThrows(InvalidInputException.class, () -> store.read(real.resolve("out.txt").toString()));
    }
}
