package dev.canopy.testing;

import dev.canopy.storage.ObjectInfo;
import dev.canopy.storage.ObjectStore;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/** Wraps a store and records each call, to assert how an adapter is used (ranged reads, writes). */
public final class RecordingObjectStore implements ObjectStore {
    private final ObjectStore delegate;
    public final List<String> calls = new CopyOnWriteArrayList<>();
    public final AtomicLong bytesRead = new AtomicLong();

    /** Called after each write, on the writing thread (a test that watches what is written as it is written). */
    private volatile java.util.function.BiConsumer<String, byte[]> afterWrite = (uri, data) -> { };

    public RecordingObjectStore(ObjectStore delegate) {
        this.delegate = delegate;
    }

    public RecordingObjectStore afterWrite(java.util.function.BiConsumer<String, byte[]> hook) {
        this.afterWrite = hook;
        return this;
    }

    public long count(String op, String uriPart) {
        return calls.stream().filter(c -> c.startsWith(op + " ") && c.contains(uriPart)).count();
    }

    @Override
    public byte[] read(String uri) {
        calls.add("read " + uri);
        byte[] b = delegate.read(uri);
        bytesRead.addAndGet(b.length);
        return b;
    }

    @Override
    public byte[] read(String uri, String expectedVersion) {
        calls.add("read " + uri);
        byte[] b = delegate.read(uri, expectedVersion);
        bytesRead.addAndGet(b.length);
        return b;
    }

    @Override
    public byte[] readRange(String uri, long offset, int length) {
        calls.add("range " + uri + " " + offset + "+" + length);
        byte[] b = delegate.readRange(uri, offset, length);
        bytesRead.addAndGet(b.length);
        return b;
    }

    @Override
    public void write(String uri, byte[] data, String contentType) {
        calls.add("write " + uri);
        delegate.write(uri, data, contentType);
        afterWrite.accept(uri, data);
    }

    @Override
    public void delete(String uri) {
        calls.add("delete " + uri);
        delegate.delete(uri);
    }

    @Override
    public List<ObjectInfo> list(String prefixUri) {
        calls.add("list " + prefixUri);
        return delegate.list(prefixUri);
    }

    @Override
    public ObjectInfo head(String uri) {
        calls.add("head " + uri);
        return delegate.head(uri);
    }
}
