package dev.canopy.storage.s3;

import dev.canopy.error.CanopyException;
import dev.canopy.error.ConfigurationException;
import dev.canopy.error.ConflictException;
import dev.canopy.error.ObjectNotFoundException;
import dev.canopy.error.StorageException;
import dev.canopy.storage.ObjectInfo;
import dev.canopy.storage.ObjectStore;
import dev.canopy.storage.StorageUri;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

/**
 * The storage port on S3, or anything that speaks its HTTP API (S3Proxy, LocalStack, MinIO: set the
 * endpoint override and path-style access in the S3 client's configuration).
 *
 * <p>Versions are ETags. A read pinned to a version sends {@code If-Match}, so S3 itself refuses to hand
 * out bytes of a newer object (HTTP 412) instead of Canopy checking after the fact.
 */
public final class S3ObjectStore implements ObjectStore {
    private final S3Client s3;

    public S3ObjectStore(S3Client s3) {
        this.s3 = s3;
    }

    private static StorageUri s3(String uri) {
        StorageUri u = StorageUri.parse("uri", uri);
        if (!u.scheme().equals("s3")) {
            throw new IllegalArgumentException("not an s3:// URI: " + uri);
        }
        return u;
    }

    @Override
    public byte[] read(String uri) {
        return read(uri, null);
    }

    @Override
    public byte[] read(String uri, String expectedVersion) {
        StorageUri u = s3(uri);
        return call("read", uri, () -> s3.getObjectAsBytes(GetObjectRequest.builder().bucket(u.bucket()).key(u.path())
                .ifMatch(expectedVersion).build()).asByteArray());
    }

    @Override
    public byte[] readRange(String uri, long offset, int length, String expectedVersion) {
        if (length <= 0) {
            return new byte[0];
        }
        StorageUri u = s3(uri);
        return call("read range of", uri, () -> s3.getObjectAsBytes(GetObjectRequest.builder().bucket(u.bucket())
                .key(u.path()).range("bytes=" + offset + "-" + (offset + length - 1)).ifMatch(expectedVersion)
                .build()).asByteArray());
    }

    /**
     * One GET with {@code Range: bytes=-length}: S3 answers 206 with the last bytes (the whole object when it is
     * shorter) and {@code Content-Range: bytes first-last/size}. An empty object has no byte to range over and
     * answers 416; it is then read whole, still one request for an object that cannot be a Parquet file anyway.
     */
    @Override
    public Suffix readSuffix(String uri, int length) {
        if (length <= 0) {
            throw new IllegalArgumentException("a suffix of " + length + " bytes");
        }
        StorageUri u = s3(uri);
        ResponseBytes<GetObjectResponse> r;
        try {
            r = call("read the end of", uri, () -> s3.getObjectAsBytes(GetObjectRequest.builder().bucket(u.bucket())
                    .key(u.path()).range("bytes=-" + length).build()));
        } catch (StorageException e) {
            if (!(e.getCause() instanceof S3Exception s3e) || s3e.statusCode() != 416) {
                throw e;
            }
            r = call("read", uri, () -> s3.getObjectAsBytes(GetObjectRequest.builder().bucket(u.bucket()).key(u.path())
                    .build()));
        }
        byte[] bytes = r.asByteArray();
        long size = objectSize(uri, r.response().contentRange(), bytes.length);
        return new Suffix(new ObjectInfo(uri, size, r.response().eTag()), bytes);
    }

    /**
     * The object's size from a ranged answer's {@code Content-Range} ({@code bytes 0-9/10}); an answer without
     * one (a server that sent the whole object) is the whole object.
     */
    public static long objectSize(String uri, String contentRange, int bodyLength) {
        if (contentRange == null || contentRange.isBlank()) {
            return bodyLength;
        }
        int slash = contentRange.lastIndexOf('/');
        try {
            long size = Long.parseLong(contentRange.substring(slash + 1).trim());
            if (size < bodyLength) {
                throw new NumberFormatException("smaller than the body");
            }
            return size;
        } catch (NumberFormatException | IndexOutOfBoundsException e) {
            throw new StorageException("cannot read the end of " + uri + ": unusable Content-Range '" + contentRange
                    + "' for a " + bodyLength + "-byte body", false, e).with("uri", uri);
        }
    }

    @Override
    public void write(String uri, byte[] data, String contentType) {
        StorageUri u = s3(uri);
        call("write", uri, () -> s3.putObject(b -> b.bucket(u.bucket()).key(u.path()).contentType(contentType),
                RequestBody.fromBytes(data)));
    }

    /** {@code PutObject} with {@code If-None-Match: *}: S3 answers 412 when the key exists (AWS S3 since 2024). */
    @Override
    public boolean writeIfAbsent(String uri, byte[] data, String contentType) {
        StorageUri u = s3(uri);
        return createOnce(uri, data, () -> s3.putObject(b -> b.bucket(u.bucket()).key(u.path())
                .contentType(contentType).ifNoneMatch("*"), RequestBody.fromBytes(data)), () -> read(uri));
    }

    /**
     * A conditional create, whose answer, unlike other calls', is not the same when repeated: a PUT that S3
     * carried out but whose response was lost (a broken connection, a 5xx the SDK's own retries sent again) is
     * answered 412 the second time, so the 412 alone would report "someone else created it" where this call did
     * (seen as four racing claims with no winner against S3Proxy). A 412 is therefore checked by reading the
     * object back: the bytes are this call's (or equal to them, which no reader can tell apart) or another
     * writer's. Only a lost claim pays the extra GET.
     */
    static boolean createOnce(String uri, byte[] data, Supplier<?> put, Supplier<byte[]> readBack) {
        for (int attempt = 1; ; attempt++) {
            try {
                mapped("create", uri, put);
                return true;
            } catch (ConflictException e) { // 412 Precondition Failed: an object is there
                try {
                    return Arrays.equals(data, readBack.get());
                } catch (ObjectNotFoundException gone) { // another writer's, deleted since
                    return false;
                }
            } catch (UncheckedIOException e) {
                if (attempt >= IO_ATTEMPTS) {
                    throw context(new StorageException("cannot create " + uri + ": " + e.getCause(), true, e), uri);
                }
            }
        }
    }

    @Override
    public void delete(String uri) {
        StorageUri u = s3(uri);
        call("delete", uri, () -> s3.deleteObject(b -> b.bucket(u.bucket()).key(u.path())));
    }

    /**
     * {@code CopyObject} inside S3 (up to 5 GB, far above a shard's predictions): one request, and the bytes never
     * leave S3. The copy keeps the source's content type. Needs {@code s3:GetObject} on the source and
     * {@code s3:PutObject} on the target.
     */
    @Override
    public void copy(String from, String to, String contentType) {
        StorageUri f = s3(from);
        StorageUri t = s3(to);
        call("copy", from, () -> s3.copyObject(b -> b.sourceBucket(f.bucket()).sourceKey(f.path())
                .destinationBucket(t.bucket()).destinationKey(t.path())));
    }

    @Override
    public List<ObjectInfo> list(String prefixUri) {
        StorageUri u = s3(prefixUri);
        return call("list", prefixUri, () -> {
            List<ObjectInfo> out = new ArrayList<>();
            for (S3Object o : s3.listObjectsV2Paginator(ListObjectsV2Request.builder().bucket(u.bucket())
                    .prefix(u.path()).build()).contents()) {
                out.add(new ObjectInfo("s3://" + u.bucket() + "/" + o.key(), o.size(), o.eTag()));
            }
            return out;
        });
    }

    @Override
    public ObjectInfo head(String uri) {
        StorageUri u = s3(uri);
        HeadObjectResponse h = call("head", uri, () -> s3.headObject(b -> b.bucket(u.bucket()).key(u.path())));
        return new ObjectInfo(uri, h.contentLength(), h.eTag());
    }

    /** Calls in all when a connection breaks while a response is read (the SDK's own retries do not see it). */
    static final int IO_ATTEMPTS = 3;

    /**
     * Maps SDK failures onto Canopy's: missing, changed, transient (retry) or permanent (do not). A connection
     * that breaks while the SDK reads a response body (a server closing a kept-alive connection, a reset)
     * surfaces as an {@link UncheckedIOException} that the SDK does not retry; every Canopy call is
     * idempotent (reads, and writes to deterministic keys), so it is retried here, then reported transient.
     */
    static <T> T call(String op, String uri, Supplier<T> body) {
        for (int attempt = 1; ; attempt++) {
            try {
                return mapped(op, uri, body);
            } catch (UncheckedIOException e) {
                if (attempt >= IO_ATTEMPTS) {
                    throw context(new StorageException("cannot " + op + " " + uri + ": " + e.getCause(), true, e), uri);
                }
            }
        }
    }

    private static <T> T mapped(String op, String uri, Supplier<T> body) {
        try {
            return body.get();
        } catch (NoSuchBucketException e) {
            throw missingBucket(uri);
        } catch (NoSuchKeyException e) {
            throw new ObjectNotFoundException(uri);
        } catch (S3Exception e) {
            int status = e.statusCode();
            if (status == 404) {
                // a PUT to a missing bucket is a plain 404 S3Exception: only its error code says it is the bucket
                throw e.awsErrorDetails() != null && "NoSuchBucket".equals(e.awsErrorDetails().errorCode())
                        ? missingBucket(uri) : new ObjectNotFoundException(uri);
            }
            if (status == 412) {
                throw new ConflictException("object changed during the run: " + uri
                        + " no longer has the version the run pinned");
            }
            boolean transientFault = status == 429 || status == 503 || status >= 500 || e.isThrottlingException();
            throw context(new StorageException("cannot " + op + " " + uri + ": HTTP " + status + " "
                    + e.awsErrorDetails().errorCode(), transientFault, e), uri);
        } catch (SdkClientException e) {
            if (e.getMessage() != null && e.getMessage().startsWith("Unable to load credentials")) {
                // no retry finds credentials that are not there: one line naming what to set
                throw new ConfigurationException("no AWS credentials to " + op + " " + uri + ": set AWS_ACCESS_KEY_ID and "
                        + "AWS_SECRET_ACCESS_KEY, or AWS_PROFILE, or another source of the SDK's default credential chain "
                        + "(web identity, SSO, container or instance role)", e);
            }
            throw context(new StorageException("cannot " + op + " " + uri + ": " + e.getMessage(), true, e), uri);
        } catch (SdkException e) {
            throw context(new StorageException("cannot " + op + " " + uri + ": " + e.getMessage(), e.retryable(), e), uri);
        }
    }

    private static ObjectNotFoundException missingBucket(String uri) {
        String bucket = StorageUri.parse("uri", uri).bucket();
        return new ObjectNotFoundException(uri, "bucket '" + bucket + "' does not exist (or is not visible to these "
                + "credentials): " + uri);
    }

    private static StorageException context(StorageException e, String uri) {
        return e.with("uri", uri);
    }
}
