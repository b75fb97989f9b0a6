package dev.canopy.inference;

import dev.canopy.error.ObjectNotFoundException;
import dev.canopy.error.StorageException;
import dev.canopy.storage.ObjectInfo;
import dev.canopy.storage.ObjectStore;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The storage a predictor loads a model through, counting its requests and round trips. On a cold instance
 * {@link #prefetch} starts the two reads {@link ModelLoader#load} makes (the model, whole, and its metadata
 * beside it) at once, so they cost one round trip instead of two; {@code load} then finds their answers here.
 * Unpinned, the model is read by one suffix read long enough for the whole object, whose answer also gives
 * the version the model cache keys it by: no HEAD before it.
 */
final class ModelReads implements ObjectStore {
    private final ObjectStore store;
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong roundTrips = new AtomicLong();
    private String modelUri;
    private String metaUri;
    private CompletableFuture<Suffix> model;
    private CompletableFuture<byte[]> meta;

    ModelReads(ObjectStore store) {
        this.store = store;
    }

    long requests() {
        return requests.get();
    }

    long roundTrips() {
        return roundTrips.get();
    }

    /**
     * Starts reading the model at {@code uri} whole (pinned to {@code version} when given) and its metadata, at
     * once: one round trip for both.
     */
    void prefetch(String uri, String version) {
        // a model trained in Python names its features after '#' and has no metadata object beside it
        String location = ModelRef.parse(uri).location();
        boolean canopy = ModelLoader.isCanopyFile(uri);
        modelUri = location;
        metaUri = canopy ? ModelLoader.metadataUri(location) : null;
        requests.addAndGet(canopy ? 2 : 1);
        roundTrips.incrementAndGet();
        model = async(() -> {
            if (version == null) {
                return store.readSuffix(location, Integer.MAX_VALUE);
            }
            byte[] b = store.read(location, version);
            return new Suffix(new ObjectInfo(location, b.length, version), b);
        });
        meta = canopy ? async(() -> store.read(metaUri)) : null;
    }

    /** The version of the model being prefetched, from its read's answer (waits for it). */
    String modelVersion() {
        return await(model).info().version();
    }

    private static <T> CompletableFuture<T> async(Supplier<T> read) {
        CompletableFuture<T> f = new CompletableFuture<>();
        Thread.ofVirtual().name("canopy-model-read").start(() -> {
            try {
                f.complete(read.get());
            } catch (Throwable t) {
                f.completeExceptionally(t);
            }
        });
        return f;
    }

    private static <T> T await(CompletableFuture<T> f) {
        try {
            return f.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StorageException("interrupted while reading a model", true, e);
        }
    }

    private <T> T counted(Supplier<T> call) {
        requests.incrementAndGet();
        roundTrips.incrementAndGet();
        return call.get();
    }

    @Override
    public byte[] read(String uri) {
        if (uri.equals(metaUri) && meta != null) {
            return await(meta);
        }
        return counted(() -> store.read(uri));
    }

    @Override
    public byte[] read(String uri, String expectedVersion) {
        if (uri.equals(modelUri) && model != null) {
            Suffix s = await(model);
            if (expectedVersion == null || expectedVersion.equals(s.info().version())) {
                return s.bytes();
            }
        }
        if (uri.equals(metaUri) && meta != null && expectedVersion == null) {
            return await(meta);
        }
        return counted(() -> store.read(uri, expectedVersion));
    }

    @Override
    public byte[] readRange(String uri, long offset, int length, String expectedVersion) {
        return counted(() -> store.readRange(uri, offset, length, expectedVersion));
    }

    @Override
    public Suffix readSuffix(String uri, int length) {
        return counted(() -> store.readSuffix(uri, length));
    }

    @Override
    public void write(String uri, byte[] data, String contentType) {
        store.write(uri, data, contentType);
    }

    @Override
    public void delete(String uri) {
        store.delete(uri);
    }

    @Override
    public void copy(String from, String to, String contentType) {
        store.copy(from, to, contentType);
    }

    @Override
    public void move(String from, String to, String contentType) {
        store.move(from, to, contentType);
    }

    @Override
    public List<ObjectInfo> list(String prefixUri) {
        return counted(() -> store.list(prefixUri));
    }

    @Override
    public ObjectInfo head(String uri) {
        return counted(() -> store.head(uri));
    }

    @Override
    public boolean exists(String uri) {
        try {
            head(uri);
            return true;
        } catch (ObjectNotFoundException e) {
            return false;
        }
    }
}
