package dev.canopy.docs;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.ConfigMappingInterface;
import io.smallrye.config.ConfigMappings;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Writes docs/configuration.md from the {@code @ConfigMapping} interfaces under src/main/java: each key's
 * name, default and type as SmallRye Config itself derives them (its {@link ConfigMappings#getProperties}, so
 * {@code @WithName}, {@code @WithDefault}, kebab-case names and the mapping's prefix come out as the
 * application reads them), and its meaning from the Javadoc in the source. A key without Javadoc of its own
 * takes its group's (the method that returns the group, else the group interface's).
 *
 * <p>Regenerate with the command in {@link GeneratedDocsTest}.
 */
final class ConfigurationDocs {

    /** Quarkus's own keys that Canopy's behaviour depends on; documented by Quarkus, listed here for users. */
    private static final String QUARKUS_KEYS = """
            ## Quarkus keys Canopy relies on

            These are Quarkus's own settings (its documentation is the reference); Canopy's defaults for them are
            in `src/main/resources/application.properties`.

            | key | default | meaning |
            |---|---|---|
            | `quarkus.funqy.export` | `supervise` | the function this Lambda serves: `supervise`, `train`, `status`, `predict` or `batch-predict` (the template sets it per function) |
            | `quarkus.log.console.json.enabled` | `false` | JSON log lines, one object per line with `runId`, `function`, `algorithm` or `shard`, and `attempt` under `mdc`; the SAM template sets `true` |
            | `quarkus.s3.endpoint-override` | (AWS) | S3 endpoint, e.g. S3Proxy, LocalStack or MinIO |
            | `quarkus.s3.path-style-access` | `false` | path-style bucket addressing (needed by most S3 look-alikes) |
            | `quarkus.s3.aws.region`, `quarkus.s3.aws.credentials.*` | `AWS_REGION`, else `AWS_DEFAULT_REGION`; SDK default chains | S3 region and credentials |
            """;

    /** The annotation as written on an interface, not a mention of it in a comment. */
    private static final Pattern MAPPING = Pattern.compile("(?m)^\\s*@(io\\.smallrye\\.config\\.)?ConfigMapping\\b");

    private ConfigurationDocs() {
    }

    /** The page for the sources under {@code mainSources} (src/main/java), whose classes are on the class path. */
    static String generate(Path mainSources) {
        List<Path> files = mappingSources(mainSources);
        if (files.isEmpty()) {
            throw new IllegalStateException("no @ConfigMapping interface under " + mainSources);
        }
        JavadocSource javadoc = JavadocSource.parse(files);
        StringBuilder out = new StringBuilder();
        out.append("""
                # Configuration

                [Back to the README](../README.md)

                <!-- Generated from the @ConfigMapping interfaces by src/test/java/dev/canopy/docs/ConfigurationDocs.java;
                     do not edit. Regenerate: %s -->

                Every key can be set in `application.properties`, as a system property (`-Dcanopy.invoke.mode=lambda`),
                or from the environment: upper case, with `_` for `.` and `-` (`CANOPY_INVOKE_MODE`). Each table below is
                one `@ConfigMapping` interface: its keys, defaults and the Javadoc of their methods.

                """.formatted(GeneratedDocsTest.REGENERATE));
        for (Path file : files) {
            Class<?> mapping = classOf(mainSources, file);
            ConfigMapping annotation = mapping.getAnnotation(ConfigMapping.class);
            if (annotation == null) {
                continue; // the text appears in a comment or string only
            }
            out.append(table(mapping, annotation.prefix(), javadoc)).append('\n');
        }
        out.append(QUARKUS_KEYS);
        return out.toString();
    }

    private static String table(Class<?> mapping, String prefix, JavadocSource javadoc) {
        Map<String, ConfigMappingInterface.Property> properties = new TreeMap<>(
                ConfigMappings.getProperties(new ConfigMappings.ConfigClass(mapping, prefix)));
        // A list is reported both as `key` and as `key[*]` (its indexed form); the plain key is the one users set.
        properties.keySet().removeIf(k -> k.endsWith("[*]") && properties.containsKey(k.substring(0, k.length() - 3)));
        StringBuilder out = new StringBuilder();
        out.append("## `").append(prefix).append("`: ").append(mapping.getSimpleName()).append("\n\n");
        out.append("| key | default | type | meaning |\n|---|---|---|---|\n");
        for (var e : properties.entrySet()) {
            Method method = e.getValue().getMethod();
            String def = e.getValue().hasDefaultValue() ? "`" + e.getValue().getDefaultValue() + "`" : "(unset)";
            out.append("| `").append(e.getKey()).append("` | ").append(cell(def)).append(" | ")
                    .append(cell(typeName(method.getGenericReturnType()))).append(" | ")
                    .append(cell(meaning(method, mapping, javadoc))).append(" |\n");
        }
        return out.toString();
    }

    /** The method's own Javadoc, else that of the group it belongs to. */
    private static String meaning(Method method, Class<?> mapping, JavadocSource javadoc) {
        String own = JavadocSource.markdown(javadoc.ofMethod(method.getDeclaringClass(), method.getName()));
        if (!own.isEmpty()) {
            return own;
        }
        Class<?> group = method.getDeclaringClass();
        for (Class<?> owner : groupsOf(mapping)) {
            for (Method m : owner.getMethods()) {
                if (m.getReturnType() == group) {
                    String doc = JavadocSource.markdown(javadoc.ofMethod(owner, m.getName()));
                    if (!doc.isEmpty()) {
                        return doc;
                    }
                }
            }
        }
        return JavadocSource.markdown(javadoc.ofClass(group));
    }

    /** The mapping and every interface nested in it, at any depth. */
    private static List<Class<?>> groupsOf(Class<?> mapping) {
        List<Class<?>> all = new ArrayList<>();
        all.add(mapping);
        for (int i = 0; i < all.size(); i++) {
            for (Class<?> nested : all.get(i).getDeclaredClasses()) {
                if (nested.isInterface()) {
                    all.add(nested);
                }
            }
        }
        return all;
    }

    private static String typeName(Type type) {
        if (type instanceof ParameterizedType p) {
            Class<?> raw = (Class<?>) p.getRawType();
            Type[] args = p.getActualTypeArguments();
            if (raw == Optional.class) {
                return typeName(args[0]);
            }
            if (List.class.isAssignableFrom(raw) || Set.class.isAssignableFrom(raw)) {
                return "list of " + typeName(args[0]) + " (comma-separated)";
            }
            if (Map.class.isAssignableFrom(raw)) {
                return "map of " + typeName(args[1]);
            }
            return raw.getSimpleName();
        }
        Class<?> c = (Class<?>) type;
        if (c.isEnum()) {
            StringBuilder values = new StringBuilder();
            for (Object constant : c.getEnumConstants()) {
                values.append(values.isEmpty() ? "" : ", ").append(constant.toString().toLowerCase(Locale.ROOT));
            }
            return values.toString();
        }
        if (c == Duration.class) {
            return "duration (ISO-8601, e.g. `PT30S`)";
        }
        return c.getSimpleName();
    }

    private static String cell(String text) {
        return text.replace("|", "\\|").replace("\n", " ");
    }

    private static List<Path> mappingSources(Path mainSources) {
        try (Stream<Path> files = Files.walk(mainSources)) {
            return files.filter(f -> f.toString().endsWith(".java")).filter(ConfigurationDocs::declaresMapping)
                    .sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean declaresMapping(Path file) {
        try {
            return !file.getFileName().toString().equals("package-info.java")
                    && MAPPING.matcher(Files.readString(file)).find();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Class<?> classOf(Path mainSources, Path file) {
        String relative = mainSources.relativize(file).toString();
        String name = relative.substring(0, relative.length() - ".java".length()).replace(File.separatorChar, '.');
        try {
            return Class.forName(name, false, ConfigurationDocs.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(file + " declares @ConfigMapping but " + name + " is not on the class path", e);
        }
    }
}
