package dev.canopy.docs;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Writes docs/architecture.md: one row per package under src/main/java/dev/canopy, with the first paragraph
 * of its package-info.java. A package without a package-info.java, or one without a doc comment, is an
 * error: every package says what it is.
 *
 * <p>Regenerate with the command in {@link GeneratedDocsTest}.
 */
final class ArchitectureDocs {
    static final String ROOT_PACKAGE = "dev.canopy";

    private ArchitectureDocs() {
    }

    static String generate(Path mainSources) {
        Path root = mainSources.resolve(ROOT_PACKAGE.replace('.', '/'));
        List<String> packages = packages(mainSources, root);
        List<Path> infos = packages.stream().map(p -> mainSources.resolve(p.replace('.', '/')).resolve("package-info.java"))
                .filter(Files::isRegularFile).toList();
        JavadocSource javadoc = JavadocSource.parse(infos);
        List<String> undocumented = packages.stream().filter(p -> javadoc.ofPackage(p) == null).toList();
        if (!undocumented.isEmpty()) {
            throw new IllegalStateException("packages without a package-info.java with a doc comment (one or two "
                    + "sentences: what the package is, what it may depend on): " + undocumented);
        }
        StringBuilder out = new StringBuilder();
        out.append("""
                # Architecture

                [Back to the README](../README.md)

                <!-- Generated from the package-info.java files by src/test/java/dev/canopy/docs/ArchitectureDocs.java;
                     do not edit. Regenerate: %s -->

                The command line and the Lambda functions call each other through one port, `FunctionInvoker` (in-process
                or the Lambda Invoke API), and read and write through another, `ObjectStore` (S3, local files, read-only
                HTTPS). `DependencyRulesTest` (ArchUnit) enforces the arrows: function → services → ports, adapters
                chosen only by `config`, the command line and `serve`, and no Quarkus, CDI or AWS in the domain packages
                (`training`, `inference`, `model`, `pool`).

                The packages under `src/main/java/dev/canopy`, each described by its `package-info.java`:

                | package | what it is |
                |---|---|
                """.formatted(GeneratedDocsTest.REGENERATE));
        for (String pkg : packages) {
            String name = pkg.substring(ROOT_PACKAGE.length() + 1);
            out.append("| `").append(name).append("` | ")
                    .append(firstParagraph(javadoc.ofPackage(pkg)).replace("|", "\\|")).append(" |\n");
        }
        return out.toString();
    }

    /** Every package below the root that holds a Java source file, sorted by name. */
    static List<String> packages(Path mainSources, Path root) {
        List<String> packages = new ArrayList<>();
        try (Stream<Path> dirs = Files.walk(root)) {
            for (Path dir : dirs.filter(Files::isDirectory).sorted().toList()) {
                if (dir.equals(root)) {
                    continue;
                }
                try (Stream<Path> files = Files.list(dir)) {
                    if (files.anyMatch(f -> f.toString().endsWith(".java"))) {
                        packages.add(mainSources.relativize(dir).toString().replace(File.separatorChar, '.'));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return packages;
    }

    private static String firstParagraph(String raw) {
        String text = raw.split("(?i)<p>", 2)[0];
        return JavadocSource.markdown(text);
    }
}
