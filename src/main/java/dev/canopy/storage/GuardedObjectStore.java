package dev.canopy.storage;

import dev.canopy.error.InvalidInputException;

import java.nio.file.Path;
import java.util.List;

/**
 * Refuses, before any storage call, every location outside a configured set of roots: S3 URIs by bucket
 * and key prefix, local paths by their real location (symbolic links and {@code ..} resolved, so neither
 * can lead out of a root). Requests name locations, and a function must never read or write where its
 * operator did not allow it.
 */
public final class GuardedObjectStore implements ObjectStore {
    private final ObjectStore delegate;
    private final List<String> s3Roots;
    private final List<Path> localRoots;
    private final List<String> described;

    /** @param roots allowed prefixes: {@code s3://bucket/prefix} or local directories; empty allows nothing */
    public GuardedObjectStore(ObjectStore delegate, List<String> roots) {
        this.delegate = delegate;
        this.described = List.copyOf(roots);
        this.s3Roots = roots.stream().filter(r -> r.startsWith("s3://")).toList();
        this.localRoots = localRoots(roots);
    }

    /**
     * The local directories among {@code roots}, as real paths: what a local store confined to the same
     * allowed locations checks again at every open ({@code LocalObjectStore(List)}), where this guard's check
     * alone could be raced by a link swapped in after it.
     */
    public static List<Path> localRoots(List<String> roots) {
        return roots.stream().filter(r -> !r.startsWith("s3://") && !r.startsWith("http"))
                .map(r -> RealPath.of(Path.of(StorageUri.parse("canopy.storage.allowed-locations", r).path()))).toList();
    }

    String check(String uri) {
        StorageUri u = StorageUri.parse("uri", uri);
        boolean ok = switch (u.scheme()) {
            case "s3" -> !hasDotSegment(u.path()) && s3Roots.stream().anyMatch(r -> under("s3://" + u.bucket() + "/" + u.path(), r));
            case "file" -> {
                Path p = RealPath.of(Path.of(u.path()));
                yield localRoots.stream().anyMatch(p::startsWith);
            }
            default -> false; // https is read-only public data, allowed only where listed explicitly
        };
        if (!ok && u.scheme().equals("https")) {
            ok = described.stream().anyMatch(r -> r.startsWith("https://") && httpsUnder(uri, r));
        }
        if (!ok) {
            throw new InvalidInputException("uri", uri, "outside the allowed locations " + described
                    + " (canopy.storage.allowed-locations)");
        }
        return uri;
    }

    /**
     * An https location is under a root when scheme, host and port are the root's and the root's path
     * segments begin its path: {@code https://host} admits neither {@code https://host.evil.example} nor
     * {@code https://host@evil.example}, and {@code https://host/data} not {@code https://host/data-evil}.
     * User info, {@code .} or {@code ..} segments and escaped slashes are refused outright.
     */
    static boolean httpsUnder(String uri, String root) {
        java.net.URI u;
        java.net.URI r;
        try {
            u = new java.net.URI(uri);
            r = new java.net.URI(root);
        } catch (java.net.URISyntaxException e) {
            return false;
        }
        if (!"https".equalsIgnoreCase(u.getScheme()) || !"https".equalsIgnoreCase(r.getScheme())
                || u.getRawUserInfo() != null || u.getHost() == null || r.getHost() == null
                || !u.getHost().equalsIgnoreCase(r.getHost()) || port(u) != port(r)) {
            return false;
        }
        String up = u.getRawPath() == null ? "" : u.getRawPath();
        String rp = r.getRawPath() == null ? "" : r.getRawPath();
        if (up.toLowerCase(java.util.Locale.ROOT).contains("%2f") || hasDotSegment(up)
                || up.toLowerCase(java.util.Locale.ROOT).contains("%2e")) {
            return false;
        }
        List<String> us = segments(up);
        List<String> rs = segments(rp);
        return us.size() >= rs.size() && us.subList(0, rs.size()).equals(rs);
    }

    private static int port(java.net.URI u) {
        return u.getPort() < 0 ? 443 : u.getPort();
    }

    private static List<String> segments(String path) {
        return java.util.Arrays.stream(path.split("/")).filter(x -> !x.isEmpty()).toList();
    }

    private static boolean under(String uri, String root) {
        return root.endsWith("/") ? uri.startsWith(root) : uri.equals(root) || uri.startsWith(root + "/");
    }

    private static boolean hasDotSegment(String key) {
        for (String s : key.split("/", -1)) {
            if (s.equals("..") || s.equals(".")) {
                return true;
            }
        }
        return false;
    }

    @Override
    public byte[] read(String uri) {
        return delegate.read(check(uri));
    }

    @Override
    public byte[] read(String uri, String expectedVersion) {
        return delegate.read(check(uri), expectedVersion);
    }

    @Override
    public byte[] readRange(String uri, long offset, int length, String expectedVersion) {
        return delegate.readRange(check(uri), offset, length, expectedVersion);
    }

    @Override
    public Suffix readSuffix(String uri, int length) {
        return delegate.readSuffix(check(uri), length);
    }

    @Override
    public void write(String uri, byte[] data, String contentType) {
        delegate.write(check(uri), data, contentType);
    }

    @Override
    public boolean writeIfAbsent(String uri, byte[] data, String contentType) {
        return delegate.writeIfAbsent(check(uri), data, contentType);
    }

    @Override
    public void delete(String uri) {
        delegate.delete(check(uri));
    }

    @Override
    public void copy(String from, String to, String contentType) {
        delegate.copy(check(from), check(to), contentType);
    }

    @Override
    public void move(String from, String to, String contentType) {
        delegate.move(check(from), check(to), contentType);
    }

    /**
     * Roots are folders: a listing's prefix may reach past a root's last segment ({@code s3://b/models}
     * also matches {@code models-evil/}), so every object listed is checked as well, and those outside are
     * left out.
     */
    @Override
    public List<ObjectInfo> list(String prefixUri) {
        List<ObjectInfo> all = delegate.list(check(prefixUri));
        List<ObjectInfo> inside = new java.util.ArrayList<>(all.size());
        for (ObjectInfo o : all) {
            if (allowed(o.uri())) {
                inside.add(o);
            }
        }
        return inside;
    }

    private boolean allowed(String uri) {
        try {
            check(uri);
            return true;
        } catch (InvalidInputException e) {
            return false;
        }
    }

    @Override
    public ObjectInfo head(String uri) {
        return delegate.head(check(uri));
    }
}
