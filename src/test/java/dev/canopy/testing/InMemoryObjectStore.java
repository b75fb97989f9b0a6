package dev.canopy.testing;

import dev.canopy.error.ConflictException;
import dev.canopy.error.ObjectNotFoundException;
import dev.canopy.storage.ObjectInfo;
import dev.canopy.storage.ObjectStore;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/** The storage port in memory, recording every write in order. Thread-safe. */
public final class InMemoryObjectStore implements ObjectStore {
    private record Blob(byte[] data, String version) {
    }

    /** One recorded write. */
    public record Write(String uri, byte[] data) {
        public String text() {
            return new String(data, java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    private final Map<String, Blob> blobs = new ConcurrentSkipListMap<>();
    private final List<Write> writes = new CopyOnWriteArrayList<>();
    private final AtomicLong versions = new AtomicLong();

    public void put(String uri, byte[] data) {
        blobs.put(uri, new Blob(data.clone(), "v" + versions.incrementAndGet()));
    }

    public List<Write> writes() {
        return List.copyOf(writes);
    }

    private Blob blob(String uri) {
        Blob b = blobs.get(uri);
        if (b == null) {
            throw new ObjectNotFoundException(uri);
        }
        return b;
    }

    @Override
    public byte[] read(String uri) {
        return blob(uri).data().clone();
    }

    @Override
    public byte[] read(String uri, String expectedVersion) {
        Blob b = blob(uri);
        if (expectedVersion != null && !expectedVersion.equals(b.version())) {
            throw new ConflictException(uri + " changed: " + b.version() + " != " + expectedVersion);
        }
        return b.data().clone();
    }

    @Override
    public byte[] readRange(String uri, long offset, int length, String expectedVersion) {
        byte[] d = read(uri, expectedVersion);
        int from = (int) Math.min(offset, d.length);
        return Arrays.copyOfRange(d, from, Math.min(d.length, from + length));
    }

    @Override
    public Suffix readSuffix(String uri, int length) {
        Blob b = blob(uri);
        byte[] d = b.data();
        return new Suffix(new ObjectInfo(uri, d.length, b.version()),
                Arrays.copyOfRange(d, Math.max(0, d.length - length), d.length));
    }

    @Override
    public void write(String uri, byte[] data, String contentType) {
        put(uri, data);
        writes.add(new Write(uri, data.clone()));
    }

    @Override
    public boolean writeIfAbsent(String uri, byte[] data, String contentType) {
        Blob there = blobs.putIfAbsent(uri, new Blob(data.clone(), "v" + versions.incrementAndGet()));
        if (there == null) {
            writes.add(new Write(uri, data.clone()));
        }
        return there == null || Arrays.equals(there.data(), data); // as ObjectStore's contract says
    }

    @Override
    public void delete(String uri) {
        blobs.remove(uri);
    }

    @Override
    public List<ObjectInfo> list(String prefixUri) {
        List<ObjectInfo> out = new ArrayList<>();
        blobs.forEach((k, v) -> {
            if (k.startsWith(prefixUri)) {
                out.add(new ObjectInfo(k, v.data().length, v.version()));
            }
        });
        return out;
    }

    @Override
    public ObjectInfo head(String uri) {
        Blob b = blob(uri);
        return new ObjectInfo(uri, b.data().length, b.version());
    }
}
