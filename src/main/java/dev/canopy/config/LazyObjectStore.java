package dev.canopy.config;

import dev.canopy.storage.ObjectInfo;
import dev.canopy.storage.ObjectStore;

import java.util.List;
import java.util.function.Supplier;

/**
 * Creates its delegate on first use. The S3 client needs a region and credentials; a purely local run has
 * neither and must not fail at start-up because of a client it never uses.
 */
final class LazyObjectStore implements ObjectStore {
    private final Supplier<ObjectStore> factory;
    private volatile ObjectStore delegate;

    LazyObjectStore(Supplier<ObjectStore> factory) {
        this.factory = factory;
    }

    private ObjectStore d() {
        ObjectStore s = delegate;
        if (s == null) {
            synchronized (this) {
                if (delegate == null) {
                    delegate = factory.get();
                }
                s = delegate;
            }
        }
        return s;
    }

    @Override
    public byte[] read(String uri) {
        return d().read(uri);
    }

    @Override
    public byte[] read(String uri, String expectedVersion) {
        return d().read(uri, expectedVersion);
    }

    @Override
    public byte[] readRange(String uri, long offset, int length, String expectedVersion) {
        return d().readRange(uri, offset, length, expectedVersion);
    }

    @Override
    public Suffix readSuffix(String uri, int length) {
        return d().readSuffix(uri, length);
    }

    @Override
    public void write(String uri, byte[] data, String contentType) {
        d().write(uri, data, contentType);
    }

    @Override
    public boolean writeIfAbsent(String uri, byte[] data, String contentType) {
        return d().writeIfAbsent(uri, data, contentType);
    }

    @Override
    public void delete(String uri) {
        d().delete(uri);
    }

    @Override
    public void copy(String from, String to, String contentType) {
        d().copy(from, to, contentType);
    }

    @Override
    public void move(String from, String to, String contentType) {
        d().move(from, to, contentType);
    }

    @Override
    public List<ObjectInfo> list(String prefixUri) {
        return d().list(prefixUri);
    }

    @Override
    public ObjectInfo head(String uri) {
        return d().head(uri);
    }
}
