package dev.canopy.testing;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line of a JVM that a test starts itself ({@code serve}, the packaged command line): this JDK's
 * {@code java} with the flags the test JVMs run with, {@code test.jvm.flags} in {@code pom.xml}, which Surefire
 * and Failsafe pass on as a system property (C1 only: see docs/testing.md). Run elsewhere (an IDE), no flags.
 * JVMs that stand for a Lambda instance take Lambda's own flags instead ({@code serve.JavaRuntime}).
 */
public final class TestJvm {
    private TestJvm() {
    }

    /** {@code java}, the test flags, then {@code args}, in a list the caller may add to. */
    public static List<String> java(String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        String flags = System.getProperty("test.jvm.flags", "").strip();
        if (!flags.isEmpty()) {
            command.addAll(List.of(flags.split("\\s+")));
        }
        command.addAll(List.of(args));
        return command;
    }
}
