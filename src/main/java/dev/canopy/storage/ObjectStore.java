package dev.canopy.storage;

import dev.canopy.error.ObjectNotFoundException;
import dev.canopy.error.StorageException;
import java.util.Arrays;
import java.util.List;

/**
 * The storage port: where data sets, models, status records and predictions live. Adapters:
 * {@link dev.canopy.storage.s3.S3ObjectStore} (S3 and anything that speaks its HTTP API),
 * {@link dev.canopy.storage.local.LocalObjectStore} (a directory), and a read-only https reader.
 *
 * <p>All methods take full URIs ({@code s3://b/k}, {@code file:/p}, a path). Missing objects raise
 * {@link dev.canopy.error.ObjectNotFoundException}; other failures raise
 * {@link dev.canopy.error.StorageException}, marked retryable when the fault is transient.
 * Implementations are thread-safe.
 */
public interface ObjectStore {

    /** Reads the whole object. */
    byte[] read(String uri);

    /**
     * Reads the whole object, failing with {@link dev.canopy.error.ConflictException} unless its version is
     * still {@code expectedVersion}. This is how every trainer of a run sees the data version the run pinned.
     */
    byte[] read(String uri, String expectedVersion);

    /** Reads {@code length} bytes from {@code offset}; fewer only at the end of the object. */
    default byte[] readRange(String uri, long offset, int length) {
        return readRange(uri, offset, length, null);
    }

    /**
     * As {@link #readRange(String, long, int)}, failing with {@link dev.canopy.error.ConflictException} unless the
     * object still has version {@code expectedVersion} (null: any version). On S3 the request carries
     * {@code If-Match}, so a replaced object answers 412 and no byte of the new version is mixed with the old;
     * adapters without a conditional read check the version around the read.
     */
    byte[] readRange(String uri, long offset, int length, String expectedVersion);

    /**
     * The last {@code length} bytes of the object (all of it when it is shorter), with the object's size and
     * version taken from the same answer: one request where {@code head} then {@code readRange} would take two
     * sequential round trips. On S3 and https this is one GET with {@code Range: bytes=-length}; the size comes
     * from {@code Content-Range}, the version from the ETag. Ranged readers ({@code dev.canopy.data.ObjectStoreInputFile})
     * read a Parquet footer this way and pin every later read of the object to the version it returned.
     */
    Suffix readSuffix(String uri, int length);

    /**
     * What {@link #readSuffix} returns: {@code bytes} are the object's last bytes, {@code info} its whole size and
     * version. {@code bytes.length == min(length asked, size)}.
     */
    record Suffix(ObjectInfo info, byte[] bytes) {
        public Suffix {
            if (bytes.length > info.size()) {
                throw new IllegalArgumentException(info.uri() + ": a suffix of " + bytes.length + " bytes of a "
                        + info.size() + "-byte object");
            }
        }

        /** Where the suffix starts in the object. */
        public long offset() {
            return info.size() - bytes.length;
        }
    }

    /** Creates or replaces the object. Replacing with the same bytes is harmless: writes are idempotent. */
    void write(String uri, byte[] data, String contentType);

    /**
     * Deletes the object; deleting one that is not there is not an error (as on S3), so a delete can be
     * repeated. Canopy deletes only objects it named itself (a run's {@code RunLayout} objects, a batch's
     * outputs listed by its manifest), never whatever else lies beside them.
     */
    default void delete(String uri) {
        throw new StorageException("cannot delete " + uri + ": " + getClass().getSimpleName()
                + " does not delete objects", false, null);
    }

    /**
     * Creates the object only if there is none: true if this call created it, false if another one was there.
     * Two callers racing for the same URI with different bytes get one true between them where the store
     * supports it (S3's {@code If-None-Match: *}, a local hard link); a caller that finds its very bytes there
     * gets true, since a create whose answer was lost on the way back looks just like that. This default
     * checks, then writes: adapters override it.
     */
    default boolean writeIfAbsent(String uri, byte[] data, String contentType) {
        if (exists(uri)) {
            return Arrays.equals(data, read(uri));
        }
        write(uri, data, contentType);
        return true;
    }

    /**
     * Creates or replaces {@code to} with the bytes of {@code from}, which stays. How a batch commits a predictor's
     * staged output under its final name. This default reads, then writes (through the caller); adapters that can
     * copy inside the store override it (S3's {@code CopyObject}: one request, no bytes through the caller).
     */
    default void copy(String from, String to, String contentType) {
        write(to, read(from), contentType);
    }

    /**
     * Gives the object {@code from} the name {@code to}, replacing any object there; {@code from} is gone
     * afterwards. This default copies, then deletes; a local store renames, atomically and without copying.
     */
    default void move(String from, String to, String contentType) {
        copy(from, to, contentType);
        delete(from);
    }

    /** Lists the objects whose URI starts with {@code prefixUri}, sorted by URI. */
    List<ObjectInfo> list(String prefixUri);

    /** Size and version of one object. */
    ObjectInfo head(String uri);

    /** Whether the object exists (a missing object is not an error here). */
    default boolean exists(String uri) {
        try {
            head(uri);
            return true;
        } catch (ObjectNotFoundException e) {
            return false;
        }
    }
}
