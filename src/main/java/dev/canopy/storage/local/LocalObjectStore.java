package dev.canopy.storage.local;

import dev.canopy.error.ConflictException;
import dev.canopy.error.InvalidInputException;
import dev.canopy.error.ObjectNotFoundException;
import dev.canopy.error.StorageException;
import dev.canopy.storage.ObjectInfo;
import dev.canopy.storage.ObjectStore;
import dev.canopy.storage.RealPath;
import dev.canopy.storage.StorageUri;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The storage port on a local directory tree: plain paths and {@code file:} URIs. Used by the one-machine
 * mode and by tests. Writes go to a temporary file and are renamed into place, so a reader never sees half
 * an object, just as S3 readers never do.
 */
public final class LocalObjectStore implements ObjectStore {
    /** The real paths of the allowed directories, or null: not confined. */
    private final List<Path> roots;

    /** A store that reaches any path the process can, following links as the file system does. */
    public LocalObjectStore() {
        this.roots = null;
    }

    /**
     * A store confined to {@code roots}, for wherever {@code GuardedObjectStore} guards the locations: each
     * operation resolves the path's real location, refuses one outside the roots, and then reaches exactly that
     * location without following any link ({@link NoFollow}). The guard's own check comes first and refuses
     * before any call; this one holds at the open, so a path changed in between (a directory swapped for a link
     * out of the root) fails rather than leads out.
     */
    public LocalObjectStore(List<Path> roots) {
        this.roots = roots.stream().map(RealPath::of).toList();
    }

    private Path path(String uri) {
        Path given = Path.of(StorageUri.parse("uri", uri).path());
        if (roots == null) {
            return given;
        }
        Path real = RealPath.of(given);
        if (roots.stream().noneMatch(real::startsWith)) {
            throw new InvalidInputException("uri", uri, "outside the allowed locations " + roots
                    + " (canopy.storage.allowed-locations)");
        }
        return real;
    }

    /** A link met where the path had none when it was resolved: refused, naming the location asked for. */
    private static InvalidInputException moved(String uri, NoFollow.LinkFound e) {
        return new InvalidInputException("uri", uri, "the path changed while it was used (" + e.getMessage()
                + "); symbolic links are resolved once, when a location is checked against the allowed ones");
    }

    @Override
    public byte[] read(String uri) {
        try {
            Path p = path(uri);
            return roots == null ? Files.readAllBytes(p) : NoFollow.readAll(p);
        } catch (NoFollow.LinkFound e) {
            throw moved(uri, e);
        } catch (NoSuchFileException e) {
            throw new ObjectNotFoundException(uri);
        } catch (IOException e) {
            throw io("read", uri, e);
        }
    }

    @Override
    public byte[] read(String uri, String expectedVersion) {
        ObjectInfo before = head(uri);
        checkVersion(uri, before, expectedVersion);
        byte[] data = read(uri);
        // A local file has no conditional GET; a second head after the read catches a concurrent rewrite.
        checkVersion(uri, head(uri), expectedVersion);
        return data;
    }

    private static void checkVersion(String uri, ObjectInfo info, String expected) {
        if (expected != null && !expected.equals(info.version())) {
            throw new ConflictException("object changed during the run: " + uri + " is now version "
                    + info.version() + ", the run pinned " + expected);
        }
    }

    /**
     * A local file has no conditional read: the version (modification time and size) is taken from the open
     * file before and after the read, so a file replaced by rename (how {@link #write} replaces) or rewritten in
     * place during the read is caught.
     */
    @Override
    public byte[] readRange(String uri, long offset, int length, String expectedVersion) {
        Path p = path(uri);
        try (NoFollow.OpenFile f = open(p)) {
            checkVersion(uri, version(uri, f.attributes()), expectedVersion);
            byte[] data = read(f.channel(), offset, length);
            checkVersion(uri, version(uri, f.attributes()), expectedVersion);
            return data;
        } catch (NoFollow.LinkFound e) {
            throw moved(uri, e);
        } catch (NoSuchFileException e) {
            throw expectedVersion == null ? new ObjectNotFoundException(uri) : gone(uri, expectedVersion);
        } catch (IOException e) {
            throw io("read range of", uri, e);
        }
    }

    /** The last bytes, read from one open file; size and version from that file's attributes. */
    @Override
    public Suffix readSuffix(String uri, int length) {
        Path p = path(uri);
        try (NoFollow.OpenFile f = open(p)) {
            SeekableByteChannel ch = f.channel();
            ObjectInfo info = version(uri, f.attributes());
            long size = ch.size();
            int n = (int) Math.min(length, size);
            byte[] data = read(ch, size - n, n);
            ObjectInfo after = version(uri, f.attributes());
            checkVersion(uri, after, info.version());
            return new Suffix(new ObjectInfo(uri, size, info.version()), data);
        } catch (NoFollow.LinkFound e) {
            throw moved(uri, e);
        } catch (NoSuchFileException e) {
            throw new ObjectNotFoundException(uri);
        } catch (IOException e) {
            throw io("read the end of", uri, e);
        }
    }

    /** The file open for reading; its attributes follow links unconfined, and are read beside it confined. */
    private NoFollow.OpenFile open(Path p) throws IOException {
        if (roots != null) {
            return NoFollow.openWithAttributes(p);
        }
        FileChannel ch = FileChannel.open(p, StandardOpenOption.READ);
        return new NoFollow.OpenFile() {
            @Override
            public SeekableByteChannel channel() {
                return ch;
            }

            @Override
            public BasicFileAttributes attributes() throws IOException {
                return Files.readAttributes(p, BasicFileAttributes.class);
            }

            @Override
            public void close() throws IOException {
                ch.close();
            }
        };
    }

    private static byte[] read(SeekableByteChannel ch, long offset, int length) throws IOException {
        long size = ch.size();
        int n = (int) Math.max(0, Math.min(length, size - offset));
        ByteBuffer buf = ByteBuffer.allocate(n);
        ch.position(offset);
        while (buf.hasRemaining()) {
            if (ch.read(buf) < 0) {
                break;
            }
        }
        return buf.array();
    }

    private static ConflictException gone(String uri, String expected) {
        return new ConflictException("object changed during the run: " + uri + " is gone, the run pinned version "
                + expected);
    }

    @Override
    public void write(String uri, byte[] data, String contentType) {
        if (roots != null) {
            confined("write", uri, target -> {
                NoFollow.replace(target, data);
                return true;
            });
            return;
        }
        viaTemporaryFile("write", uri, data, (tmp, target) -> {
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            return true;
        });
    }

    /**
     * Written to a temporary file, then hard-linked to its name: {@code link(2)} fails if the name exists,
     * atomically, and a reader sees the whole object or none.
     */
    @Override
    public boolean writeIfAbsent(String uri, byte[] data, String contentType) {
        return create(uri, data) || holds(uri, data);
    }

    /** Another writer's object, or one with these very bytes (the contract's "true" for both stores). */
    private boolean holds(String uri, byte[] data) {
        try {
            return Arrays.equals(data, read(uri));
        } catch (ObjectNotFoundException gone) {
            return false;
        }
    }

    private boolean create(String uri, byte[] data) {
        if (roots != null) {
            return confined("create", uri, target -> NoFollow.create(target, data));
        }
        return viaTemporaryFile("create", uri, data, (tmp, target) -> {
            try {
                Files.createLink(target, tmp);
                return true;
            } catch (java.nio.file.FileAlreadyExistsException e) {
                return false;
            } catch (UnsupportedOperationException e) {
                // no hard links here: an exclusive create is still atomic, though a reader may see it grow
                try (var out = Files.newOutputStream(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                    out.write(data);
                    return true;
                } catch (java.nio.file.FileAlreadyExistsException exists) {
                    return false;
                }
            }
        });
    }

    /** How a written temporary file becomes the object: false when it does not. */
    private interface Publish {
        boolean publish(Path tmp, Path target) throws IOException;
    }

    /** What a confined write does once the target's directories exist. */
    private interface ConfinedWrite {
        boolean apply(Path target) throws IOException;
    }

    /**
     * A confined write: the directories are created as the real path names them, then reached without following
     * links, so a directory swapped for a link meanwhile fails the write instead of receiving it.
     */
    private boolean confined(String op, String uri, ConfinedWrite write) {
        Path target = path(uri);
        try {
            Files.createDirectories(target.getParent());
            return write.apply(target);
        } catch (NoFollow.LinkFound e) {
            throw moved(uri, e);
        } catch (IOException e) {
            throw io(op, uri, e);
        }
    }

    private boolean viaTemporaryFile(String op, String uri, byte[] data, Publish publish) {
        Path target = path(uri);
        try {
            Files.createDirectories(target.getParent());
            // not Files.createTempFile, which makes the file 0600 whatever the umask: outputs are the user's
            // files, read by their other tools and users as any file they write (0644 under the usual umask)
            Path tmp = target.resolveSibling("." + target.getFileName() + "." + java.util.UUID.randomUUID() + ".tmp");
            try {
                Files.write(tmp, data, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                return publish.publish(tmp, target);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw io(op, uri, e);
        }
    }

    @Override
    public void delete(String uri) {
        try {
            Path p = path(uri);
            if (roots == null) {
                Files.deleteIfExists(p);
            } else {
                NoFollow.delete(p);
            }
        } catch (NoFollow.LinkFound e) {
            throw moved(uri, e);
        } catch (IOException e) {
            throw io("delete", uri, e);
        }
    }

    /**
     * A rename ({@code rename(2)}): atomic, no bytes copied, the target replaced if there. Confined, both
     * directories are reached without following links ({@code renameat(2)} between them).
     */
    @Override
    public void move(String from, String to, String contentType) {
        Path source = path(from);
        Path target = path(to);
        try {
            Files.createDirectories(target.getParent());
            if (roots != null) {
                NoFollow.move(source, target);
            } else {
                try {
                    Files.move(source, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(source, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        } catch (NoFollow.LinkFound e) {
            throw moved(from + " -> " + to, e);
        } catch (NoSuchFileException e) {
            throw new ObjectNotFoundException(from);
        } catch (IOException e) {
            throw io("move", from + " to " + to, e);
        }
    }

    @Override
    public List<ObjectInfo> list(String prefixUri) {
        Path prefix = path(prefixUri);
        Path given = Path.of(StorageUri.parse("uri", prefixUri).path());
        boolean dirPrefix = prefixUri.endsWith("/") || Files.isDirectory(prefix);
        Path dir = dirPrefix ? prefix : prefix.getParent();
        Path givenDir = dirPrefix ? given : given.getParent();
        String namePrefix = dirPrefix ? "" : prefix.getFileName().toString();
        if (dir == null || !Files.isDirectory(dir)) {
            return List.of();
        }
        // Confined, a listing follows no link (one could lead out of the roots); the objects it names are
        // reached as the read of each names them, confined again. Names are given under the prefix as asked.
        LinkOption[] follow = roots == null ? new LinkOption[0] : new LinkOption[]{LinkOption.NOFOLLOW_LINKS};
        List<ObjectInfo> out = new ArrayList<>();
        try (Stream<Path> files = Files.walk(dir)) {
            List<Path> found = files.filter(p -> Files.isRegularFile(p, follow))
                    .filter(p -> dir.relativize(p).toString().startsWith(namePrefix))
                    .filter(p -> !p.getFileName().toString().endsWith(".tmp"))
                    .sorted(Comparator.naturalOrder())
                    .toList();
            for (Path p : found) {
                String uri = givenDir == null ? p.toString() : givenDir.resolve(dir.relativize(p)).toString();
                try {
                    out.add(version(uri, Files.readAttributes(p, BasicFileAttributes.class, follow)));
                } catch (NoSuchFileException gone) {
                    // deleted since the walk saw it: not listed, as S3 would not list it
                }
            }
        } catch (IOException | UncheckedIOException e) {
            throw io("list", prefixUri, e);
        }
        return out;
    }

    @Override
    public ObjectInfo head(String uri) {
        Path p = path(uri);
        if (roots == null && !Files.isRegularFile(p)) {
            throw new ObjectNotFoundException(uri);
        }
        return info(uri, p);
    }

    private ObjectInfo info(String uri, Path p) {
        try {
            BasicFileAttributes a = roots == null ? Files.readAttributes(p, BasicFileAttributes.class) : NoFollow.attributes(p);
            if (roots != null && !a.isRegularFile()) {
                if (a.isSymbolicLink()) {
                    throw moved(uri, new NoFollow.LinkFound(p));
                }
                throw new ObjectNotFoundException(uri);
            }
            return version(uri, a);
        } catch (NoFollow.LinkFound e) {
            throw moved(uri, e);
        } catch (NoSuchFileException e) {
            throw new ObjectNotFoundException(uri);
        } catch (IOException e) {
            throw io("head", uri, e);
        }
    }

    /** Like nginx's ETag: modification time and size. Cheap, and changes on every rewrite by rename. */
    private static ObjectInfo version(String uri, BasicFileAttributes a) {
        String version = Long.toHexString(a.lastModifiedTime().to(java.util.concurrent.TimeUnit.MICROSECONDS)) + "-" + Long.toHexString(a.size());
        return new ObjectInfo(uri, a.size(), version);
    }

    private static StorageException io(String op, String uri, Exception e) {
        return new StorageException("cannot " + op + " " + uri + ": " + e, true, e)
                .with("uri", uri);
    }
}
