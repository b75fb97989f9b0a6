package dev.canopy.testing;

import java.io.IOException;
import java.lang.classfile.Annotation;
import java.lang.classfile.Attributes;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassModel;
import java.lang.constant.ClassDesc;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Sorts the compiled test classes into the two Surefire executions before any of them is loaded, and writes
 * each group as an exclusion list for the other execution ({@code target/test-groups/quarkus.txt},
 * {@code plain.txt}). Run by the build (exec-maven-plugin, phase {@code process-test-classes}).
 *
 * <p>Why: Quarkus's JUnit launcher loads every test class an execution is handed through its own class loader,
 * and for a {@code @QuarkusTest} class that builds the application's class loaders, even when
 * {@link QuarkusTestsFilter} then leaves the class out: handed four Quarkus classes, the plain execution took
 * 6.5 s more wall time and 11 s more CPU. Skipped by name, they are never loaded.
 *
 * <p>{@link QuarkusTestsFilter} stays the authority: a class goes into a list only when its whole superclass
 * chain is among the test classes (or is {@code Object}), so that its annotations are all known here; any other
 * is in neither list, both executions are handed it, and the filter sorts it. {@code TestGroupsTest} checks
 * that both agree on every listed class.
 */
public final class TestGroups {
    static final Set<String> QUARKUS_TESTS = Set.of("io.quarkus.test.junit.QuarkusTest",
            "io.quarkus.test.junit.main.QuarkusMainTest");

    /** What the class files say of a top-level test class: it starts Quarkus, it does not, or it cannot tell. */
    enum Group { QUARKUS, PLAIN, UNKNOWN }

    private TestGroups() {
    }

    /** {@code TestGroups <test-classes dir> <output dir>} */
    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            throw new IllegalArgumentException("usage: TestGroups <test-classes dir> <output dir>");
        }
        Map<String, Group> groups = classify(Path.of(args[0]));
        Path out = Files.createDirectories(Path.of(args[1]));
        List<String> quarkus = patterns(groups, Group.QUARKUS);
        List<String> plain = patterns(groups, Group.PLAIN);
        Files.write(out.resolve("quarkus.txt"), quarkus);
        Files.write(out.resolve("plain.txt"), plain);
        System.out.printf("[test-groups] %d classes: %d start Quarkus, %d do not, %d left to QuarkusTestsFilter%n",
                groups.size(), quarkus.size(), plain.size(), groups.size() - quarkus.size() - plain.size());
    }

    /** Every top-level class under {@code classes} (binary name) with its group. */
    static Map<String, Group> classify(Path classes) throws IOException {
        Map<String, ClassModel> models = new HashMap<>();
        if (!Files.isDirectory(classes)) {
            return Map.of(); // test compilation skipped (-Dmaven.test.skip): nothing to sort
        }
        try (Stream<Path> files = Files.walk(classes)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".class")).toList()) {
                ClassModel m = ClassFile.of().parse(Files.readAllBytes(f));
                models.put(m.thisClass().asInternalName(), m);
            }
        }
        Map<String, Group> groups = new HashMap<>();
        for (ClassModel m : models.values()) {
            String name = m.thisClass().asInternalName();
            if (!name.contains("$") && !name.endsWith("package-info") && !name.equals("module-info")) {
                groups.put(name.replace('/', '.'), group(m, models));
            }
        }
        return groups;
    }

    private static Group group(ClassModel m, Map<String, ClassModel> models) {
        for (ClassModel c = m; ; ) {
            if (annotatedQuarkus(c)) {
                return Group.QUARKUS;
            }
            Optional<String> parent = c.superclass().map(s -> s.asInternalName());
            if (parent.isEmpty() || parent.get().equals("java/lang/Object")) {
                return Group.PLAIN;
            }
            c = models.get(parent.get());
            if (c == null) {
                return Group.UNKNOWN; // a superclass outside the test classes: its annotations are not read here
            }
        }
    }

    private static boolean annotatedQuarkus(ClassModel c) {
        return c.findAttribute(Attributes.runtimeVisibleAnnotations()).stream()
                .flatMap(a -> a.annotations().stream())
                .map(Annotation::classSymbol)
                .map(TestGroups::binaryName)
                .anyMatch(QUARKUS_TESTS::contains);
    }

    private static String binaryName(ClassDesc d) {
        String descriptor = d.descriptorString();
        return descriptor.substring(1, descriptor.length() - 1).replace('/', '.');
    }

    /** Surefire's exclusion patterns (a class file's path under the test classes) of one group, sorted. */
    private static List<String> patterns(Map<String, Group> groups, Group group) {
        List<String> out = new ArrayList<>();
        groups.forEach((name, g) -> {
            if (g == group) {
                out.add(name.replace('.', '/') + ".class");
            }
        });
        out.sort(null);
        return out;
    }
}
