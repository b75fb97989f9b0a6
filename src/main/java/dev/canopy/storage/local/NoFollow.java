package dev.canopy.storage.local;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;

/**
 * File operations on an absolute path that follow no symbolic link anywhere in it. Each directory from the
 * file system's root down is opened relative to the one above it with {@code O_NOFOLLOW} ({@link
 * SecureDirectoryStream}, that is {@code openat(2)}), and the file itself likewise. A path checked once and
 * then changed (a directory swapped for a link to elsewhere) therefore makes the operation fail with {@link
 * LinkFound}; it never leads it elsewhere. The check and the open are one: what is opened is what was checked.
 *
 * <p>Needs a file system that offers {@link SecureDirectoryStream} (Linux's and the other Unix ones do);
 * elsewhere every operation fails with {@link UnsupportedOperationException}, rather than silently follow.
 */
final class NoFollow {
    private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;

    private NoFollow() {
    }

    /** A symbolic link where the path, as checked, had none. */
    static final class LinkFound extends IOException {
        LinkFound(Path at) {
            super("a symbolic link is in the way at " + at);
        }
    }

    /** Opens {@code dir} (absolute) through link-free directories. The caller closes it. */
    static SecureDirectoryStream<Path> directory(Path dir) throws IOException {
        Path root = dir.getRoot();
        DirectoryStream<Path> top = Files.newDirectoryStream(root);
        if (!(top instanceof SecureDirectoryStream<Path> current)) {
            top.close();
            throw new UnsupportedOperationException("this file system cannot open a path without following links");
        }
        Path at = root;
        try {
            for (Path name : root.relativize(dir)) {
                at = at.resolve(name);
                SecureDirectoryStream<Path> next;
                try {
                    next = current.newDirectoryStream(name, NOFOLLOW);
                } catch (IOException e) {
                    throw link(current, name, at, e);
                }
                current.close();
                current = next;
            }
            return current;
        } catch (IOException | RuntimeException e) {
            current.close();
            throw e;
        }
    }

    /** A file open for reading, with its attributes at hand; closing it closes both. */
    interface OpenFile extends Closeable {
        SeekableByteChannel channel();

        /** The file's attributes now (a version check before and after a read asks twice). */
        BasicFileAttributes attributes() throws IOException;
    }

    /** Opens a regular file for reading. */
    static SeekableByteChannel openRead(Path file) throws IOException {
        try (SecureDirectoryStream<Path> dir = directory(file.getParent())) {
            return open(dir, file, Set.of(StandardOpenOption.READ));
        }
    }

    /**
     * Opens a regular file for reading and keeps its directory open, so that its attributes are read from that
     * directory ({@code fstatat}) rather than by walking the path again.
     */
    static OpenFile openWithAttributes(Path file) throws IOException {
        SecureDirectoryStream<Path> dir = directory(file.getParent());
        try {
            SeekableByteChannel ch = open(dir, file, Set.of(StandardOpenOption.READ));
            Path name = file.getFileName();
            return new OpenFile() {
                @Override
                public SeekableByteChannel channel() {
                    return ch;
                }

                @Override
                public BasicFileAttributes attributes() throws IOException {
                    return dir.getFileAttributeView(name, BasicFileAttributeView.class, NOFOLLOW).readAttributes();
                }

                @Override
                public void close() throws IOException {
                    try (dir) {
                        ch.close();
                    }
                }
            };
        } catch (IOException | RuntimeException e) {
            dir.close();
            throw e;
        }
    }

    /** The file's attributes, of the file itself if it is a link. */
    static BasicFileAttributes attributes(Path file) throws IOException {
        try (SecureDirectoryStream<Path> dir = directory(file.getParent())) {
            return dir.getFileAttributeView(file.getFileName(), BasicFileAttributeView.class, NOFOLLOW).readAttributes();
        }
    }

    /** The whole content of a regular file. */
    static byte[] readAll(Path file) throws IOException {
        try (SeekableByteChannel ch = openRead(file)) {
            long size = ch.size();
            if (size > Integer.MAX_VALUE - 8) {
                throw new IOException(file + " is too large to read at once: " + size + " bytes");
            }
            ByteBuffer buf = ByteBuffer.allocate((int) size);
            while (buf.hasRemaining() && ch.read(buf) >= 0) {
                // read until full or the end
            }
            return buf.position() == buf.capacity() ? buf.array() : java.util.Arrays.copyOf(buf.array(), buf.position());
        }
    }

    /**
     * Creates or replaces {@code target} with {@code data}: a temporary file in the same directory, then an
     * atomic rename ({@code renameat(2)}) onto the name, so a reader sees the whole object or the old one.
     */
    static void replace(Path target, byte[] data) throws IOException {
        try (SecureDirectoryStream<Path> dir = directory(target.getParent())) {
            Path tmp = Path.of("." + target.getFileName() + "." + UUID.randomUUID() + ".tmp");
            try {
                try (SeekableByteChannel ch = open(dir, target.resolveSibling(tmp),
                        Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE))) {
                    writeAll(ch, data);
                }
                dir.move(tmp, dir, target.getFileName());
            } finally {
                deleteQuietly(dir, tmp);
            }
        }
    }

    /**
     * Creates {@code target} only if no entry has its name ({@code O_CREAT|O_EXCL}): true if this call created it.
     * A reader may see the file before its bytes are all written; callers of a create-if-absent (claims) write
     * small objects and read them only after the create answered.
     */
    static boolean create(Path target, byte[] data) throws IOException {
        try (SecureDirectoryStream<Path> dir = directory(target.getParent())) {
            try (SeekableByteChannel ch = open(dir, target, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE))) {
                writeAll(ch, data);
                return true;
            } catch (java.nio.file.FileAlreadyExistsException e) {
                return false;
            }
        }
    }

    /** Renames {@code source} to {@code target}, replacing it ({@code renameat(2)}, atomic on one file system). */
    static void move(Path source, Path target) throws IOException {
        try (SecureDirectoryStream<Path> from = directory(source.getParent());
             SecureDirectoryStream<Path> to = directory(target.getParent())) {
            from.move(source.getFileName(), to, target.getFileName());
        }
    }

    /** Deletes the entry (a link itself, not what it names); a missing one is not an error. */
    static void delete(Path file) throws IOException {
        try (SecureDirectoryStream<Path> dir = directory(file.getParent())) {
            dir.deleteFile(file.getFileName());
        } catch (NoSuchFileException e) {
            // deleting what is not there (or whose folder is not) is not an error, as on S3
        }
    }

    private static SeekableByteChannel open(SecureDirectoryStream<Path> dir, Path file, Set<OpenOption> options)
            throws IOException {
        Set<OpenOption> all = new HashSet<>(options);
        all.add(NOFOLLOW);
        try {
            return dir.newByteChannel(file.getFileName(), all);
        } catch (IOException e) {
            throw link(dir, file.getFileName(), file, e);
        }
    }

    /** {@code e} as {@link LinkFound} when the entry is a link (O_NOFOLLOW's ELOOP), else {@code e} itself. */
    private static IOException link(SecureDirectoryStream<Path> dir, Path name, Path at, IOException e) {
        if (e instanceof NoSuchFileException || e instanceof java.nio.file.FileAlreadyExistsException) {
            return e;
        }
        try {
            if (dir.getFileAttributeView(name, BasicFileAttributeView.class, NOFOLLOW).readAttributes().isSymbolicLink()) {
                LinkFound found = new LinkFound(at);
                found.initCause(e);
                return found;
            }
        } catch (IOException ignored) {
            // the entry went away meanwhile: report the original failure
        }
        return e;
    }

    private static void writeAll(SeekableByteChannel ch, byte[] data) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(data);
        while (buf.hasRemaining()) {
            ch.write(buf);
        }
    }

    private static void deleteQuietly(SecureDirectoryStream<Path> dir, Path name) {
        try {
            dir.deleteFile(name);
        } catch (IOException ignored) {
            // already renamed into place, or never created
        }
    }
}
