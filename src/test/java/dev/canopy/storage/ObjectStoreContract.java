package dev.canopy.storage;

import dev.canopy.error.ConflictException;
import dev.canopy.error.ObjectNotFoundException;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What every {@link ObjectStore} adapter must do; each adapter's test supplies the store and a base URI. */
public abstract class ObjectStoreContract {

    protected abstract ObjectStore store();

    /** A location under which the test may create objects, without a trailing slash. */
    protected abstract String base();

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void writeThenReadWholeAndRanges() {
        String uri = base() + "/data/a.txt";
        store().write(uri, bytes("0123456789"), "text/plain");
        assertArrayEquals(bytes("0123456789"), store().read(uri));
        assertArrayEquals(bytes("345"), store().readRange(uri, 3, 3));
        assertArrayEquals(bytes("89"), store().readRange(uri, 8, 5), "a range past the end is cut at the end");
        store().write(uri, bytes("new"), "text/plain");
        assertArrayEquals(bytes("new"), store().read(uri), "writes replace");
    }

    @Test
    void headReportsSizeAndAVersionThatChangesWithTheContent() throws Exception {
        String uri = base() + "/v/obj.bin";
        store().write(uri, bytes("first"), "application/octet-stream");
        ObjectInfo one = store().head(uri);
        assertEquals(5, one.size());
        assertFalse(one.version().isBlank());
        Thread.sleep(5);
        store().write(uri, bytes("second!"), "application/octet-stream");
        ObjectInfo two = store().head(uri);
        assertEquals(7, two.size());
        assertNotEquals(one.version(), two.version());
        assertArrayEquals(bytes("second!"), store().read(uri, two.version()));
        assertThrows(ConflictException.class, () -> store().read(uri, one.version()));
    }

    @Test
    void copyCreatesOrReplacesTheTargetAndKeepsTheSource() {
        String from = base() + "/copy/_staged/a.parquet";
        String to = base() + "/copy/a.parquet";
        store().write(from, bytes("staged"), "application/vnd.apache.parquet");
        store().copy(from, to, "application/vnd.apache.parquet");
        assertArrayEquals(bytes("staged"), store().read(to));
        store().write(from, bytes("again!!"), "application/vnd.apache.parquet");
        store().copy(from, to, "application/vnd.apache.parquet");
        assertArrayEquals(bytes("again!!"), store().read(to), "a copy replaces");
        assertEquals(7, store().head(to).size());
        assertArrayEquals(bytes("again!!"), store().read(from), "the source stays");
        assertThrows(ObjectNotFoundException.class, () -> store().copy(base() + "/copy/missing", to, "x"));
    }

    @Test
    void moveRenamesReplacingTheTargetAndTheSourceIsGone() {
        String from = base() + "/move/_staged/1/a.parquet";
        String to = base() + "/move/a.parquet";
        store().write(to, bytes("old"), "application/vnd.apache.parquet");
        store().write(from, bytes("staged"), "application/vnd.apache.parquet");
        store().move(from, to, "application/vnd.apache.parquet");
        assertArrayEquals(bytes("staged"), store().read(to));
        assertFalse(store().exists(from), "the source is gone");
        assertEquals(List.of(to), store().list(base() + "/move/").stream().map(ObjectInfo::uri).toList());
        assertThrows(ObjectNotFoundException.class, () -> store().move(from, to, "x"));
    }

    @Test
    void listByPrefixIsSortedAndScoped() {
        store().write(base() + "/list/b.parquet", bytes("b"), "x");
        store().write(base() + "/list/a.parquet", bytes("aa"), "x");
        store().write(base() + "/list/sub/c.parquet", bytes("ccc"), "x");
        store().write(base() + "/listing-other/d", bytes("d"), "x");
        List<ObjectInfo> all = store().list(base() + "/list/");
        assertEquals(List.of(base() + "/list/a.parquet", base() + "/list/b.parquet", base() + "/list/sub/c.parquet"),
                all.stream().map(ObjectInfo::uri).toList());
        assertEquals(2, all.getFirst().size());
        assertEquals(List.of(base() + "/list/a.parquet"),
                store().list(base() + "/list/a").stream().map(ObjectInfo::uri).toList());
        assertTrue(store().list(base() + "/nothing-here/").isEmpty());
    }

    @Test
    void deleteRemovesOneObjectAndMayBeRepeated() {
        store().write(base() + "/del/a.bin", bytes("a"), "x");
        store().write(base() + "/del/ab.bin", bytes("ab"), "x");
        store().delete(base() + "/del/a.bin");
        assertFalse(store().exists(base() + "/del/a.bin"));
        assertEquals(List.of(base() + "/del/ab.bin"), store().list(base() + "/del/").stream().map(ObjectInfo::uri).toList(),
                "only the named object is gone");
        store().delete(base() + "/del/a.bin"); // a second delete of the same object is not an error
        store().delete(base() + "/del/ab.bin");
        assertEquals(List.of(), store().list(base() + "/del/"));
    }

    @Test
    void missingObjectsAreNotFound() {
        String uri = base() + "/missing/none.csv";
        assertThrows(ObjectNotFoundException.class, () -> store().read(uri));
        assertThrows(ObjectNotFoundException.class, () -> store().head(uri));
        assertThrows(ObjectNotFoundException.class, () -> store().readRange(uri, 0, 10));
        assertFalse(store().exists(uri));
    }

    /** A run id is claimed by creating its request file: only one of two claims may create it. */
    @Test
    void writeIfAbsentCreatesOnceAndNeverReplaces() throws Exception {
        String uri = base() + "/claims/request.json";
        store().delete(uri);
        java.util.concurrent.CyclicBarrier go = new java.util.concurrent.CyclicBarrier(4);
        List<java.util.concurrent.Future<Boolean>> claims = new java.util.ArrayList<>();
        try (var threads = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 4; i++) {
                String body = "claim-" + i;
                claims.add(threads.submit(() -> {
                    go.await();
                    return store().writeIfAbsent(uri, bytes(body), "application/json");
                }));
            }
        }
        int created = 0;
        for (var c : claims) {
            created += c.get() ? 1 : 0;
        }
        assertEquals(1, created, "exactly one of four racing creates wins");
        String winner = new String(store().read(uri), StandardCharsets.UTF_8);
        assertFalse(store().writeIfAbsent(uri, bytes("late"), "application/json"));
        assertEquals(winner, new String(store().read(uri), StandardCharsets.UTF_8), "the winner's object is kept");
    }

    /** A create whose answer was lost looks like finding one's very bytes there: that is a true, another's a false. */
    @Test
    void writeIfAbsentOverTheVeryBytesIsTrueOverOtherBytesFalse() {
        String uri = base() + "/claims/same.json";
        store().delete(uri);
        assertTrue(store().writeIfAbsent(uri, bytes("claim-a"), "application/json"));
        assertTrue(store().writeIfAbsent(uri, bytes("claim-a"), "application/json"));
        assertFalse(store().writeIfAbsent(uri, bytes("claim-b"), "application/json"));
        assertEquals("claim-a", new String(store().read(uri), StandardCharsets.UTF_8));
    }
}
