package dev.canopy.model;

import dev.canopy.model.files.ModelFiles;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Run by {@link ForgedModelsTest} in a JVM of a few MiB of heap: converts every file of a folder. Files named
 * {@code ok-*} must convert, all others must be refused with a {@link ModelFormatException}; anything else
 * (another exception, an {@link OutOfMemoryError}) fails. Prints one line per file and exits 0 when every file
 * did what its name says.
 */
public final class RefuseInSmallHeap {
    private RefuseInSmallHeap() {
    }

    public static void main(String[] args) throws Exception {
        List<Path> files;
        try (Stream<Path> s = Files.list(Path.of(args[0]))) {
            files = s.sorted().toList();
        }
        int wrong = 0;
        for (Path f : files) {
            boolean ok = f.getFileName().toString().startsWith("ok-");
            String outcome;
            try {
                ModelFiles.convert(Files.readAllBytes(f), List.of());
                outcome = "converted";
                wrong += ok ? 0 : 1;
            } catch (ModelFormatException e) {
                outcome = "refused: " + e.getMessage();
                wrong += ok ? 1 : 0;
            } catch (Throwable e) {
                outcome = "FAILED: " + e;
                wrong++;
            }
            System.out.println(f.getFileName() + " " + outcome.replace('\n', ' '));
        }
        System.out.println("max heap " + Runtime.getRuntime().maxMemory() / (1 << 20) + " MiB, wrong " + wrong);
        System.exit(wrong == 0 ? 0 : 1);
    }
}
