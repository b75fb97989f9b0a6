package dev.canopy.storage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Where a local path really leads: the one resolution both the guard and the confined local store check. */
public final class RealPath {
    private RealPath() {
    }

    /**
     * The real path of {@code p} (symbolic links and {@code ..} resolved), or, for a path not there yet, the real
     * path of its nearest existing ancestor joined with the rest.
     */
    public static Path of(Path p) {
        Path abs = p.toAbsolutePath().normalize();
        Path existing = abs;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return abs;
        }
        try {
            return existing.toRealPath().resolve(existing.relativize(abs)).normalize();
        } catch (IOException e) {
            return abs;
        }
    }
}
