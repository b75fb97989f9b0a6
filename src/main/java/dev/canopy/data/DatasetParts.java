package dev.canopy.data;

import dev.canopy.error.ConflictException;
import dev.canopy.error.InvalidInputException;
import dev.canopy.error.ObjectNotFoundException;
import dev.canopy.parquet.read.ParquetFile;
import dev.canopy.storage.ObjectInfo;
import dev.canopy.storage.ObjectStore;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * What a data set's URI names: one object, or every part under a folder or S3 prefix. A URI that names an
 * object is that object alone; otherwise (or when it ends with {@code /}) it is a prefix, and its parts are
 * the objects under it, in URI order, except those with a path segment (below the prefix) that starts with
 * {@code _} or {@code .}: Spark's {@code _SUCCESS}, {@code _temporary/}, checksums ({@code .part-0.crc}).
 *
 * <p>The {@link Plan#version() version} pins the whole set: for one object its own version (as before), for
 * parts a SHA-256 over every part's URI, size and version, so a part added, removed or rewritten changes it.
 */
public final class DatasetParts {
    /** Prefix of a version that covers parts. */
    public static final String PARTS_VERSION = "parts-sha256:";

    private DatasetParts() {
    }

    /**
     * One part.
     *
     * @param rows    rows from a Parquet footer, or -1 where unknown (CSV) until read
     * @param columns columns from a Parquet footer, or -1 where unknown
     */
    public record Part(String uri, long size, String version, long rows, int columns) {
        Part(String uri, long size, String version, long rows) {
            this(uri, size, version, rows, -1);
        }

        /** The part's file name, as messages name it. */
        public String name() {
            String u = uri.endsWith("/") ? uri.substring(0, uri.length() - 1) : uri;
            return u.substring(u.lastIndexOf('/') + 1);
        }
    }

    /**
     * A data set's parts and the version that pins them.
     *
     * @param single the URI names one object (not a prefix)
     */
    public record Plan(String uri, boolean single, List<Part> parts, String version) {
        public long bytes() {
            return parts.stream().mapToLong(Part::size).sum();
        }

        /** Rows the footers declare, or -1 when some part's count is unknown. */
        public long rows() {
            long n = 0;
            for (Part p : parts) {
                if (p.rows() < 0) {
                    return -1;
                }
                n += p.rows();
            }
            return n;
        }

        /** The most columns a footer declares, or -1 when none was read. */
        public int columns() {
            return parts.stream().mapToInt(Part::columns).max().orElse(-1);
        }

        /** Size and pinning version of the whole set, as the run's fingerprint takes them. */
        public ObjectInfo info() {
            return new ObjectInfo(uri, bytes(), version);
        }
    }

    /** The parts of {@code uri} and their version (no footers read). */
    public static Plan plan(ObjectStore store, String field, String uri) {
        ObjectNotFoundException notAnObject = null;
        if (!uri.endsWith("/")) {
            try {
                ObjectInfo o = store.head(uri);
                return new Plan(uri, true, List.of(new Part(uri, o.size(), o.version(), -1)), o.version());
            } catch (ObjectNotFoundException e) {
                notAnObject = e;
            }
        }
        String prefix = uri.endsWith("/") ? uri : uri + "/";
        List<ObjectInfo> listed;
        try {
            listed = store.list(prefix);
        } catch (RuntimeException e) {
            if (notAnObject != null) {
                notAnObject.addSuppressed(e);
                throw notAnObject;
            }
            throw e;
        }
        List<Part> parts = new ArrayList<>();
        for (ObjectInfo o : listed) {
            String rel = relative(prefix, o.uri());
            if (o.uri().endsWith("/") || hidden(rel)) {
                continue;
            }
            parts.add(new Part(o.uri(), o.size(), o.version(), -1));
        }
        if (parts.isEmpty()) {
            String why = listed.isEmpty() ? "no such object, and nothing under " + prefix
                    : "no parts under " + prefix + ": all " + listed.size() + " objects there start with _ or . (skipped)";
            if (notAnObject != null && listed.isEmpty()) {
                throw notAnObject;
            }
            throw new InvalidInputException(field, uri, why);
        }
        return new Plan(uri, false, List.copyOf(parts), partsVersion(parts));
    }

    /**
     * The plan at the version a run pinned: the same parts, or a {@link ConflictException} naming what changed.
     * A null version pins nothing.
     */
    public static Plan pinned(ObjectStore store, String field, String uri, String version) {
        Plan plan = plan(store, field, uri);
        if (version != null && !plan.single() && !version.equals(plan.version())) {
            throw new ConflictException("the parts of " + uri + " changed since the run pinned them (" + version
                    + ", now " + plan.version() + " over " + plan.parts().size() + " parts); start a new run");
        }
        if (version != null && plan.single()) {
            // the read itself checks a single object against the pinned version (ObjectStore.read(uri, version))
            Part p = plan.parts().getFirst();
            return new Plan(uri, true, List.of(new Part(p.uri(), p.size(), version, p.rows())), version);
        }
        return plan;
    }

    /** The same plan with every Parquet part's row count from its footer (one ranged read or two per part). */
    public static Plan withFooterRows(ObjectStore store, Plan plan) {
        List<Part> out = new ArrayList<>();
        for (Part p : plan.parts()) {
            long rows = -1;
            int columns = -1;
            if (p.name().endsWith(".parquet")) {
                try (ParquetFile f = ParquetFile.open(new ObjectStoreInputFile(store, p.uri()))) {
                    rows = 0;
                    columns = f.columns().size();
                    for (int g = 0; g < f.rowGroups(); g++) {
                        rows += f.rows(g);
                    }
                } catch (java.io.IOException | RuntimeException e) {
                    rows = -1;
                    columns = -1; // read (and refused with the reason) when the part itself is read
                }
            }
            out.add(new Part(p.uri(), p.size(), p.version(), rows, columns));
        }
        return new Plan(plan.uri(), plan.single(), List.copyOf(out), plan.version());
    }

    static boolean hidden(String relative) {
        for (String segment : relative.split("/")) {
            if (segment.startsWith("_") || segment.startsWith(".")) {
                return true;
            }
        }
        return false;
    }

    /** {@code uri} below {@code prefix}; local stores list plain paths for a {@code file:} prefix. */
    static String relative(String prefix, String uri) {
        if (uri.startsWith(prefix)) {
            return uri.substring(prefix.length());
        }
        String path = prefix.startsWith("file://") ? prefix.substring(7) : prefix.startsWith("file:") ? prefix.substring(5) : prefix;
        int at = uri.indexOf(path);
        return at >= 0 ? uri.substring(at + path.length()) : uri.substring(uri.lastIndexOf('/') + 1);
    }

    static String partsVersion(List<Part> parts) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (Part p : parts) {
                sha.update((p.uri() + '\t' + p.size() + '\t' + p.version() + '\n').getBytes(StandardCharsets.UTF_8));
            }
            return PARTS_VERSION + parts.size() + ":" + HexFormat.of().formatHex(sha.digest(), 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
