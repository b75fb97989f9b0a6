import java.io.IOException;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipFile;

/**
 * Checks what Quarkus's native build steps produced (run by .ci/run after
 * {@code ./mvnw -B package -Dnative -Pnative-check}, with .ci/native-image-stub in place of GraalVM):
 * <ul>
 * <li>the native-image arguments carry Quarkus's generated Feature, and no option is both switched on and off
 * ({@code -H:+X} and {@code -H:-X}: the last one wins, so an option given in {@code additional-build-args}
 * can be silently undone by one Quarkus appends);</li>
 * <li>every class that {@code dev.canopy.config.NativeImageRegistration} registers is in the generated
 * reflect-config.json, and in serialization-config.json when registered for serialization;</li>
 * <li>the Lambda packaging step wrote function.zip with its {@code bootstrap}.</li>
 * </ul>
 * Usage: {@code java .ci/NativeBuildCheck.java target/native-check}
 */
public class NativeBuildCheck {
    private static final Pattern NAME = Pattern.compile("\"name\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern SWITCH = Pattern.compile("-H:([+-])(\\w+)");
    private static final String REGISTRATION = "dev.canopy.config.NativeImageRegistration";
    private static final String REGISTER = "io.quarkus.runtime.annotations.RegisterForReflection";

    public static void main(String[] args) throws Exception {
        Path target = Path.of(args.length > 0 ? args[0] : "target/native-check");
        Path sources = target.resolve("canopy-native-image-source-jar");
        List<String> errors = new ArrayList<>();

        List<String> imageArgs = Files.readAllLines(sources.resolve("native-image.args"));
        require(errors, imageArgs.stream().anyMatch(a -> a.startsWith("--features=") && a.contains("io.quarkus.runner.Feature")),
                "native-image.args has no --features=...io.quarkus.runner.Feature");
        require(errors, imageArgs.contains("--no-fallback"), "native-image.args has no --no-fallback");
        Set<String> on = new HashSet<>();
        Set<String> off = new HashSet<>();
        for (String a : imageArgs) {
            Matcher m = SWITCH.matcher(a);
            // Quarkus brackets experimental options with +/-UnlockExperimentalVMOptions on purpose
            if (m.matches() && !m.group(2).equals("UnlockExperimentalVMOptions")) {
                (m.group(1).equals("+") ? on : off).add(m.group(2));
            }
        }
        on.retainAll(off);
        require(errors, on.isEmpty(), "native-image options both switched on and off (the last one wins): " + on);

        Path runner = sources.resolve("canopy-runner.jar");
        Set<String> reflection;
        Set<String> serialization;
        try (ZipFile jar = new ZipFile(runner.toFile())) {
            reflection = names(jar, "META-INF/native-image/reflect-config.json");
            serialization = names(jar, "META-INF/native-image/serialization-config.json");
        }
        int registered = 0;
        try (URLClassLoader loader = new URLClassLoader(classPath(runner, sources.resolve("lib")), null)) {
            Class<?> registration = Class.forName(REGISTRATION, false, loader);
            for (Class<?> holder : registration.getDeclaredClasses()) {
                for (Annotation a : holder.getAnnotations()) {
                    if (!a.annotationType().getName().equals(REGISTER)) {
                        continue;
                    }
                    boolean serializable = (boolean) value(a, "serialization");
                    for (Class<?> c : (Class<?>[]) value(a, "targets")) {
                        registered++;
                        Set<String> expected = serializable ? serialization : reflection;
                        require(errors, expected.contains(c.getName()), c.getName() + " (" + holder.getSimpleName()
                                + ") is missing from " + (serializable ? "serialization" : "reflect") + "-config.json");
                    }
                }
            }
        }
        require(errors, registered > 0, "no @RegisterForReflection targets found in " + REGISTRATION);

        try (ZipFile zip = new ZipFile(target.resolve("function.zip").toFile())) {
            require(errors, zip.getEntry("bootstrap") != null, "function.zip has no bootstrap");
        }

        if (!errors.isEmpty()) {
            errors.forEach(e -> System.err.println("native build check: " + e));
            System.exit(1);
        }
        System.out.println("native build check: " + imageArgs.size() + " native-image arguments; " + registered
                + " registered classes found in the generated configuration (" + reflection.size() + " for reflection, "
                + serialization.size() + " for serialization); function.zip has its bootstrap");
    }

    private static void require(List<String> errors, boolean ok, String error) {
        if (!ok) {
            errors.add(error);
        }
    }

    private static Set<String> names(ZipFile jar, String entry) throws IOException {
        var e = jar.getEntry(entry);
        if (e == null) {
            throw new IllegalStateException(entry + " is not in " + jar.getName());
        }
        Set<String> names = new HashSet<>();
        Matcher m = NAME.matcher(new String(jar.getInputStream(e).readAllBytes(), StandardCharsets.UTF_8));
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    private static URL[] classPath(Path runner, Path lib) throws IOException {
        List<URL> urls = new ArrayList<>(List.of(runner.toUri().toURL()));
        try (Stream<Path> jars = Files.list(lib)) {
            for (Path jar : jars.filter(p -> p.toString().endsWith(".jar")).toList()) {
                urls.add(jar.toUri().toURL());
            }
        }
        return urls.toArray(URL[]::new);
    }

    private static Object value(Annotation a, String name) throws ReflectiveOperationException {
        Method m = a.annotationType().getMethod(name);
        return m.invoke(a);
    }
}
