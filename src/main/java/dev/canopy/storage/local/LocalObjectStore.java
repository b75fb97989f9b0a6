package dev.canopy.storage.local;

import dev.canopy.error.ConflictException;
import dev.canopy.error.ObjectNotFoundException;
import dev.canopy.error.StorageException;
import dev.canopy.storage.ObjectInfo;
import dev.canopy.storage.ObjectStore;
import dev.canopy.storage.StorageUri;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The storage port on a local directory tree: plain paths and {@code file:} URIs. Used by the one-machine
 * mode and by tests. Writes go to a temporary file and are renamed into place, so a reader never sees half
 * an object, just as S3 readers never do.
 */
public final class LocalObjectStore implements ObjectStore {

    private static Path path(String uri) {
        return Path.of(StorageUri.parse("uri", uri).path());
    }

    @Override
    public byte[] read(String uri) {
        try {
            return Files.readAllBytes(path(uri));
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
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
            checkVersion(uri, info(uri, p), expectedVersion);
            byte[] data = read(ch, offset, length);
            checkVersion(uri, info(uri, p), expectedVersion);
            return data;
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
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
            ObjectInfo info = info(uri, p);
            long size = ch.size();
            int n = (int) Math.min(length, size);
            byte[] data = read(ch, size - n, n);
            ObjectInfo after = info(uri, p);
            checkVersion(uri, after, info.version());
            return new Suffix(new ObjectInfo(uri, size, info.version()), data);
        } catch (NoSuchFileException e) {
            throw new ObjectNotFoundException(uri);
        } catch (IOException e) {
            throw io("read the end of", uri, e);
        }
    }

    private static byte[] read(FileChannel ch, long offset, int length) throws IOException {
        long size = ch.size();
        int n = (int) Math.max(0, Math.min(length, size - offset));
        ByteBuffer buf = ByteBuffer.allocate(n);
        while (buf.hasRemaining()) {
            if (ch.read(buf, offset + buf.position()) < 0) {
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

    private static boolean viaTemporaryFile(String op, String uri, byte[] data, Publish publish) {
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
            Files.deleteIfExists(path(uri));
        } catch (IOException e) {
            throw io("delete", uri, e);
        }
    }

    @Override
    public List<ObjectInfo> list(String prefixUri) {
        Path prefix = path(prefixUri);
        boolean dirPrefix = prefixUri.endsWith("/") || Files.isDirectory(prefix);
        Path dir = dirPrefix ? prefix : prefix.getParent();
        String namePrefix = dirPrefix ? "" : prefix.getFileName().toString();
        if (dir == null || !Files.isDirectory(dir)) {
            return List.of();
        }
        List<ObjectInfo> out = new ArrayList<>();
        try (Stream<Path> files = Files.walk(dir)) {
            files.filter(Files::isRegularFile)
                    .filter(p -> dir.relativize(p).toString().startsWith(namePrefix))
                    .filter(p -> !p.getFileName().toString().endsWith(".tmp"))
                    .sorted(Comparator.naturalOrder())
                    .forEach(p -> out.add(info(p.toString(), p)));
        } catch (IOException | UncheckedIOException e) {
            throw io("list", prefixUri, e);
        }
        return out;
    }

    @Override
    public ObjectInfo head(String uri) {
        Path p = path(uri);
        if (!Files.isRegularFile(p)) {
            throw new ObjectNotFoundException(uri);
        }
        return info(uri, p);
    }

    private static ObjectInfo info(String uri, Path p) {
        try {
            BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
            // Like nginx's ETag: modification time and size. Cheap, and changes on every rewrite by rename.
            String version = Long.toHexString(a.lastModifiedTime().to(java.util.concurrent.TimeUnit.MICROSECONDS)) + "-" + Long.toHexString(a.size());
            return new ObjectInfo(uri, a.size(), version);
        } catch (NoSuchFileException e) {
            throw new ObjectNotFoundException(uri);
        } catch (IOException e) {
            throw io("head", uri, e);
        }
    }

    private static StorageException io(String op, String uri, Exception e) {
        return new StorageException("cannot " + op + " " + uri + ": " + e, true, e)
                .with("uri", uri);
    }
}
