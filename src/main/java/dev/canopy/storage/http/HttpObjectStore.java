package dev.canopy.storage.http;

import dev.canopy.error.ConflictException;
import dev.canopy.error.InvalidInputException;
import dev.canopy.error.ObjectNotFoundException;
import dev.canopy.error.StorageException;
import dev.canopy.storage.ObjectInfo;
import dev.canopy.storage.ObjectStore;
import dev.canopy.storage.s3.S3ObjectStore;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

/**
 * Read-only storage over plain HTTPS, for public data sets ({@code --data https://...}). The version is the
 * server's ETag, or Last-Modified and length when it sends no ETag. Redirects are refused, never followed:
 * the storage guard allows locations, and a redirect would lead past it.
 */
public final class HttpObjectStore implements ObjectStore {
    /** Built on first use: its TLS set-up costs a cold start ~0.1 s, and most functions never read https. */
    private volatile HttpClient client;
    private final Duration timeout;

    public HttpObjectStore(Duration timeout) {
        this.timeout = timeout;
    }

    private HttpClient client() {
        HttpClient c = client;
        if (c == null) {
            synchronized (this) {
                c = client;
                if (c == null) {
                    c = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).connectTimeout(timeout).build();
                    client = c;
                }
            }
        }
        return c;
    }

    @Override
    public byte[] read(String uri) {
        return send(uri, HttpRequest.newBuilder(URI.create(uri)).timeout(timeout).GET().build()).body();
    }

    @Override
    public byte[] read(String uri, String expectedVersion) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(uri)).timeout(timeout).GET();
        HttpResponse<byte[]> r = send(uri, b.build());
        String v = version(r, r.body().length);
        v = v != null ? v : "/" + r.body().length;
        if (expectedVersion != null && !expectedVersion.equals(v)) {
            throw new ConflictException("object changed during the run: " + uri + " is now version " + v
                    + ", the run pinned " + expectedVersion);
        }
        return r.body();
    }

    /**
     * A GET with {@code Range}. A pinned read sends {@code If-Match} when the version is a strong ETag (a 412 is a
     * conflict), and checks the answer's own version in every case: a server that ignores {@code If-Match}, or
     * versions by Last-Modified, still cannot hand out bytes of another version unnoticed. An answer with no
     * version at all cannot be pinned and is refused.
     */
    @Override
    public byte[] readRange(String uri, long offset, int length, String expectedVersion) {
        if (length <= 0) {
            return new byte[0];
        }
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(uri)).timeout(timeout)
                .header("Range", "bytes=" + offset + "-" + (offset + length - 1)).GET();
        if (strongEtag(expectedVersion)) {
            b.header("If-Match", expectedVersion);
        }
        HttpResponse<byte[]> r = send(uri, b.build(), expectedVersion);
        byte[] body = r.body();
        long size = r.statusCode() == 206
                ? S3ObjectStore.objectSize(uri, r.headers().firstValue("Content-Range").orElse(null), body.length)
                : body.length;
        checkPinned(uri, expectedVersion, version(r, size));
        if (r.statusCode() == 206) {
            return body;
        }
        int from = (int) Math.min(offset, body.length);
        return java.util.Arrays.copyOfRange(body, from, Math.min(body.length, from + length));
    }

    /** A GET with {@code Range: bytes=-length}; a server that ignores ranges sends all, and the end is kept. */
    @Override
    public Suffix readSuffix(String uri, int length) {
        if (length <= 0) {
            throw new IllegalArgumentException("a suffix of " + length + " bytes");
        }
        HttpResponse<byte[]> r = send(uri, HttpRequest.newBuilder(URI.create(uri)).timeout(timeout)
                .header("Range", "bytes=-" + length).GET().build(), null);
        byte[] body = r.body();
        long size;
        if (r.statusCode() == 206) {
            size = S3ObjectStore.objectSize(uri, r.headers().firstValue("Content-Range").orElse(null),
                    body.length);
        } else {
            size = body.length;
            body = java.util.Arrays.copyOfRange(body, (int) Math.max(0, size - length), body.length);
        }
        String v = version(r, size);
        if (v == null) {
            throw new StorageException("cannot pin the version of " + uri + ": the server sends neither an ETag nor "
                    + "Last-Modified, so a later ranged read could mix two versions of the object", false, null);
        }
        return new Suffix(new ObjectInfo(uri, size, v), body);
    }

    private static boolean strongEtag(String v) {
        return v != null && v.startsWith("\"");
    }

    private static void checkPinned(String uri, String expected, String actual) {
        if (expected != null && !expected.equals(actual)) {
            throw new ConflictException("object changed during the run: " + uri + " is now version " + actual
                    + ", the run pinned " + expected);
        }
    }

    @Override
    public void write(String uri, byte[] data, String contentType) {
        throw new InvalidInputException("uri", uri, "https locations are read-only; write to a path or s3:// URI");
    }

    @Override
    public void delete(String uri) {
        throw new InvalidInputException("uri", uri, "https locations are read-only; nothing there can be deleted");
    }

    @Override
    public List<ObjectInfo> list(String prefixUri) {
        throw new InvalidInputException("uri", prefixUri, "https locations cannot be listed; name each object");
    }

    @Override
    public ObjectInfo head(String uri) {
        HttpResponse<byte[]> r = send(uri, HttpRequest.newBuilder(URI.create(uri)).timeout(timeout)
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build());
        long size = r.headers().firstValueAsLong("Content-Length").orElse(-1);
        String v = version(r, size);
        return new ObjectInfo(uri, size, v != null ? v : "/" + size);
    }

    /**
     * The ETag, else Last-Modified and the object's size (not the answer's Content-Length, which for a ranged
     * answer is the part's); null when the server sends neither.
     */
    private static String version(HttpResponse<?> r, long size) {
        return r.headers().firstValue("ETag").orElseGet(() -> r.headers().firstValue("Last-Modified")
                .map(m -> m + "/" + size).orElse(null));
    }

    private HttpResponse<byte[]> send(String uri, HttpRequest request) {
        return send(uri, request, null);
    }

    private HttpResponse<byte[]> send(String uri, HttpRequest request, String expectedVersion) {
        try {
            HttpResponse<byte[]> r = client().send(request, HttpResponse.BodyHandlers.ofByteArray());
            int s = r.statusCode();
            if (s == 412 && expectedVersion != null) {
                throw new ConflictException("object changed during the run: " + uri
                        + " no longer has the version the run pinned (" + expectedVersion + ")");
            }
            if (s >= 300 && s < 400) {
                // not followed: the storage guard checked this location, not the one a server points to
                throw new InvalidInputException("uri", uri, "redirects (HTTP " + s + ") to "
                        + r.headers().firstValue("Location").orElse("no Location") + "; redirects are not followed, "
                        + "name the final location (and allow it)");
            }
            if (s == 404 || s == 410) {
                throw new ObjectNotFoundException(uri);
            }
            if (s >= 400) {
                throw new StorageException("cannot read " + uri + ": HTTP " + s, s == 429 || s >= 500, null);
            }
            return r;
        } catch (IOException e) {
            throw new StorageException("cannot read " + uri + ": " + e, true, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StorageException("interrupted while reading " + uri, true, e);
        }
    }
}
