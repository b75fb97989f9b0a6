package dev.canopy.storage.local;

import dev.canopy.storage.ObjectStore;
import dev.canopy.storage.ObjectStoreContract;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class LocalObjectStoreTest extends ObjectStoreContract {
    @TempDir
    Path dir;
    final LocalObjectStore store = new LocalObjectStore();

    @Override
    protected ObjectStore store() {
        return store;
    }

    @Override
    protected String base() {
        return dir.toString();
    }

    @Test
    void fileUrisAndPlainPathsNameTheSameObject() throws Exception {
        Path p = dir.resolve("x/y.csv");
        store.write(p.toUri().toString(), "a,b".getBytes(StandardCharsets.UTF_8), "text/csv");
        assertArrayEquals("a,b".getBytes(StandardCharsets.UTF_8), store.read(p.toString()));
        assertEquals(3, store.head("file:" + p).size());
        try (var s = Files.list(p.getParent())) {
            assertEquals(1, s.count(), "no temporary files are left behind");
        }
    }
}
