package dev.canopy.storage.local;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Issue 24, item 10: every output (predictions, manifests, report.html) was written with mode 0600. Canopy's
 * files get the modes any program's new files get under the user's umask.
 */
class LocalFileModesTest {
    @TempDir
    Path dir;

    @Test
    void writtenFilesHaveTheModesTheUmaskGives() throws Exception {
        Path plain = dir.resolve("plain.txt");
        Files.write(plain, new byte[]{1}); // as any program creates a file: 0666 less the umask
        Path written = dir.resolve("out/report.html");
        new LocalObjectStore().write(written.toString(), new byte[]{1}, "text/html");
        assertEquals(Files.getPosixFilePermissions(plain), Files.getPosixFilePermissions(written));
        new LocalObjectStore().write(written.toString(), new byte[]{2}, "text/html"); // replaced, same modes
        assertEquals(Files.getPosixFilePermissions(plain), Files.getPosixFilePermissions(written));
    }
}
