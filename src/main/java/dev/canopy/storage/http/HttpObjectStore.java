package dev.canopy.storage.http;

import dev.canopy.error.ConflictException;
import dev.canopy.error.InvalidInputException;
import dev.canopy.error.ObjectNotFoundException;
import dev.canopy.error.StorageException;
import dev.canopy.storage.ObjectInfo;
import dev.canopy.storage.ObjectStore;

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
        String v = version(r);
        if (expectedVersion != null && !expectedVersion.equals(v)) {
            throw new ConflictException("object changed during the run: " + uri + " is now version " + v
                    + ", the run pinned " + expectedVersion);
        }
        return r.body();
    }

    @Override
    public byte[] readRange(String uri, long offset, int length) {
        HttpResponse<byte[]> r = send(uri, HttpRequest.newBuilder(URI.create(uri)).timeout(timeout)
                .header("Range", "bytes=" + offset + "-" + (offset + length - 1)).GET().build());
        if (r.statusCode() == 206) {
            return r.body();
        }
        byte[] all = r.body();
        int from = (int) Math.min(offset, all.length);
        return java.util.Arrays.copyOfRange(all, from, Math.min(all.length, from + length));
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
        return new ObjectInfo(uri, size, version(r));
    }

    private static String version(HttpResponse<?> r) {
        return r.headers().firstValue("ETag").orElseGet(() -> r.headers().firstValue("Last-Modified").orElse("")
                + "/" + r.headers().firstValue("Content-Length").orElse(""));
    }

    private HttpResponse<byte[]> send(String uri, HttpRequest request) {
        try {
            HttpResponse<byte[]> r = client().send(request, HttpResponse.BodyHandlers.ofByteArray());
            int s = r.statusCode();
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
