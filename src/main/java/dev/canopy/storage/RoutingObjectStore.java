package dev.canopy.storage;

import dev.canopy.error.InvalidInputException;

import java.util.List;
import java.util.Map;

/**
 * Sends each call to the adapter for the URI's scheme. A scheme with no adapter configured (for example
 * {@code s3://} on a machine with no S3 settings) is a clear input error, not a null pointer.
 */
public final class RoutingObjectStore implements ObjectStore {
    private final Map<String, ObjectStore> byScheme;

    public RoutingObjectStore(Map<String, ObjectStore> byScheme) {
        this.byScheme = Map.copyOf(byScheme);
    }

    private ObjectStore route(String uri) {
        StorageUri parsed = StorageUri.parse("uri", uri);
        ObjectStore store = byScheme.get(parsed.scheme());
        if (store == null) {
            throw new InvalidInputException("uri", uri, "no storage configured for scheme '" + parsed.scheme()
                    + "'; configured: " + byScheme.keySet());
        }
        return store;
    }

    @Override
    public byte[] read(String uri) {
        return route(uri).read(uri);
    }

    @Override
    public byte[] read(String uri, String expectedVersion) {
        return route(uri).read(uri, expectedVersion);
    }

    @Override
    public byte[] readRange(String uri, long offset, int length, String expectedVersion) {
        return route(uri).readRange(uri, offset, length, expectedVersion);
    }

    @Override
    public Suffix readSuffix(String uri, int length) {
        return route(uri).readSuffix(uri, length);
    }

    @Override
    public void write(String uri, byte[] data, String contentType) {
        route(uri).write(uri, data, contentType);
    }

    @Override
    public boolean writeIfAbsent(String uri, byte[] data, String contentType) {
        return route(uri).writeIfAbsent(uri, data, contentType);
    }

    @Override
    public void delete(String uri) {
        route(uri).delete(uri);
    }

    /** Inside one store, that store's copy; across stores, read from one and write to the other. */
    @Override
    public void copy(String from, String to, String contentType) {
        ObjectStore source = route(from);
        ObjectStore target = route(to);
        if (source == target) {
            source.copy(from, to, contentType);
        } else {
            target.write(to, source.read(from), contentType);
        }
    }

    /** Inside one store, that store's move; across stores, a copy and then a delete. */
    @Override
    public void move(String from, String to, String contentType) {
        ObjectStore source = route(from);
        if (source == route(to)) {
            source.move(from, to, contentType);
        } else {
            copy(from, to, contentType);
            source.delete(from);
        }
    }

    @Override
    public List<ObjectInfo> list(String prefixUri) {
        return route(prefixUri).list(prefixUri);
    }

    @Override
    public ObjectInfo head(String uri) {
        return route(uri).head(uri);
    }
}
