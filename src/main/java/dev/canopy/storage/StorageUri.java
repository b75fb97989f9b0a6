package dev.canopy.storage;

import dev.canopy.error.InvalidInputException;

import java.net.URI;
import java.nio.file.Path;

/**
 * A parsed storage location. Canopy accepts {@code s3://bucket/key}, {@code file:} URIs, plain local paths
 * and (read-only) {@code https://} URLs.
 *
 * @param scheme {@code s3}, {@code file} or {@code https}
 * @param bucket the S3 bucket, or {@code null}
 * @param path   the S3 key, the absolute local path, or the whole URL for https
 */
public record StorageUri(String scheme, String bucket, String path) {

    public static StorageUri parse(String field, String uri) {
        if (uri == null || uri.isBlank()) {
            throw new InvalidInputException(field, uri, "a URI is required (s3://bucket/key, file:/path or a path)");
        }
        // NUL and other control characters have no business in a key or path; some file systems and HTTP
        // clients would cut the name at them, so one name could mean two objects.
        if (uri.chars().anyMatch(Character::isISOControl)) {
            throw new InvalidInputException(field, uri.replaceAll("\\p{Cntrl}", "?"), "contains a control character");
        }
        if (uri.startsWith("s3://")) {
            String rest = uri.substring(5);
            int slash = rest.indexOf('/');
            String bucket = slash < 0 ? rest : rest.substring(0, slash);
            String key = slash < 0 ? "" : rest.substring(slash + 1);
            if (bucket.isEmpty()) {
                throw new InvalidInputException(field, uri, "an s3 URI needs a bucket: s3://bucket/key");
            }
            return new StorageUri("s3", bucket, key);
        }
        if (uri.startsWith("https://") || uri.startsWith("http://")) {
            return new StorageUri("https", null, uri);
        }
        if (uri.startsWith("file:")) {
            try {
                return new StorageUri("file", null, Path.of(URI.create(uri)).toAbsolutePath().normalize().toString());
            } catch (RuntimeException e) {
                throw new InvalidInputException(field, uri, "not a valid file: URI (" + e.getMessage() + ")");
            }
        }
        if (uri.matches("^[a-zA-Z][a-zA-Z0-9+.-]*://.*")) {
            throw new InvalidInputException(field, uri, "unsupported scheme; use s3://, file:, https:// or a path");
        }
        try {
            return new StorageUri("file", null, Path.of(uri).toAbsolutePath().normalize().toString());
        } catch (java.nio.file.InvalidPathException e) {
            throw new InvalidInputException(field, uri, "not a valid path: " + e.getReason());
        }
    }

    private static final java.util.regex.Pattern SEGMENT = java.util.regex.Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    /**
     * Checks a name a request gives for one segment of an object key (a run id): 1-64 letters, digits,
     * '.', '_' or '-', starting with a letter or digit, so it can neither climb out ({@code ..}) nor add a level.
     */
    public static String checkSegment(String field, String name) {
        if (name == null || !SEGMENT.matcher(name).matches() || name.contains("..")) {
            throw new InvalidInputException(field, name,
                    "must be 1-64 characters of letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
        return name;
    }

    /**
     * The name of {@code uri} below the folder {@code prefixUri} ({@code a/b.json}), or null when it is not
     * below it. The two may be written in different forms of the same location (a relative path and the
     * absolute path a listing returns, {@code file:} and a plain path): they are compared parsed.
     */
    public static String relative(String prefixUri, String uri) {
        String p = comparable(prefixUri);
        String u = comparable(uri);
        if (!p.endsWith("/")) {
            p += "/";
        }
        return u.startsWith(p) && u.length() > p.length() ? u.substring(p.length()) : null;
    }

    /** One spelling per location; a URI of a scheme Canopy does not parse (a test store's) is taken as written. */
    private static String comparable(String uri) {
        try {
            StorageUri s = parse("uri", uri);
            return s.scheme() + "://" + (s.bucket() == null ? "" : s.bucket()) + "/" + s.path()
                    + (uri.endsWith("/") && !s.path().endsWith("/") ? "/" : "");
        } catch (InvalidInputException e) {
            return uri;
        }
    }

    /** Whether two URIs name the same object (compared parsed, as in {@link #relative}). */
    public static boolean same(String a, String b) {
        return comparable(a).equals(comparable(b));
    }

    /** Joins a relative name onto a prefix URI with exactly one slash, keeping the prefix's own form. */
    public static String join(String prefix, String name) {
        if (prefix.endsWith("/")) {
            return prefix + name;
        }
        return prefix + "/" + name;
    }
}
