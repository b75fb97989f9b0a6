package dev.canopy.inference;

import dev.canopy.model.Model;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelCacheTest {
    record Fake(long bytes) implements Model {
        public List<String> columns() {
            return List.of("x");
        }

        public void score(double[][] c, int rows, double[] out) {
        }
    }

    @Test
    void loadsOncePerUriAndVersionAndEvictsLeastRecentlyUsedBeyondTheByteBound() {
        ModelCache cache = new ModelCache(250);
        AtomicInteger loads = new AtomicInteger();
        assertTrue(cache.get("a", "v1", () -> { loads.incrementAndGet(); return new Fake(100); }).loaded());
        assertFalse(cache.get("a", "v1", () -> { loads.incrementAndGet(); return new Fake(100); }).loaded());
        assertTrue(cache.get("a", "v2", () -> { loads.incrementAndGet(); return new Fake(100); }).loaded(), "new version");
        cache.get("a", "v1", () -> new Fake(100)); // touch v1: v2 is now the least recently used
        assertTrue(cache.get("b", "v1", () -> { loads.incrementAndGet(); return new Fake(100); }).loaded());
        assertEquals(3, loads.get());
        assertTrue(cache.bytes() <= 250, "bytes " + cache.bytes());
        assertEquals(2, cache.size());
        assertFalse(cache.get("a", "v1", () -> new Fake(100)).loaded(), "recently used stays");
        assertTrue(cache.get("a", "v2", () -> new Fake(100)).loaded(), "least recently used was evicted");
    }
}
