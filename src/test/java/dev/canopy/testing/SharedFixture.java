package dev.canopy.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Test data that several test classes read from one folder, made once even when those classes run at the same
 * time, in one JVM (the plain tests' threads: {@link #once} is synchronized) or in different forks: the first JVM
 * to take the folder's lock (a file lock, which holds across processes) makes it and then writes
 * {@code <dir>.ready} beside it; the others wait for the lock ({@code <dir>.lock}) and find it made. Both files sit beside the folder, not in it, where a listing of the fixture would find them.
 * Without this, a fork could read a file that another fork was still writing.
 */
public final class SharedFixture {
    private SharedFixture() {
    }

    /** What makes the fixture; it may throw {@link IOException}. */
    public interface Maker {
        void make() throws IOException;
    }

    /** Runs {@code maker} unless {@code dir} is made already, in this JVM or another. */
    public static synchronized void once(Path dir, Maker maker) {
        try {
            Files.createDirectories(dir);
            Path ready = dir.resolveSibling(dir.getFileName() + ".ready");
            Path lockFile = dir.resolveSibling(dir.getFileName() + ".lock");
            try (FileChannel lock = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                 var held = lock.lock()) {
                if (!Files.exists(ready)) {
                    maker.make();
                    Files.writeString(ready, "");
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
