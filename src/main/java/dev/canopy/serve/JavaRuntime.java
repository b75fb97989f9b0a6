package dev.canopy.serve;

import dev.canopy.error.InvalidInputException;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.Comparator;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Lambda's managed Java runtime, as far as a function's process sees it: AWS's Runtime Interface Client (the
 * code inside the managed {@code java*} runtimes) is the JVM's main class, alone on the class path with
 * aws-lambda-java-core; it loads the function from the task root (its working directory: the package
 * unpacked, with its {@code lib/} jars) with a class loader of its own, and polls the Runtime API named by
 * {@code AWS_LAMBDA_RUNTIME_API}.
 */
public final class JavaRuntime {
    public static final String RIC_MAIN = "com.amazonaws.services.lambda.runtime.api.client.AWSLambda";
    /**
     * The flags Lambda's Java 17+ managed runtimes start the JVM with besides the heap size (JAVA_TOOL_OPTIONS
     * aside). Source: the command line of the managed java17 runtime's JVM as dumped from inside a function
     * (github.com/sigpwned/the-lambda-iceberg-dissecting-the-official-java-runtimes, quoted in
     * sigpwned's lambda bootstrap scripts, Oct 2023 and Oct 2024): {@code -XX:MaxHeapSize=445645k
     * -XX:+UseSerialGC -Xshare:on -XX:SharedArchiveFile=/var/lang/lib/server/runtime.jsa -XX:+TieredCompilation
     * -XX:TieredStopAtLevel=1 --add-opens=java.base/java.io=ALL-UNNAMED -Djava.net.preferIPv4Stack=true
     * -XX:+ErrorFileToStderr} for a 512 MB function; AWS's "Customize Java runtime startup behavior" page
     * (docs.aws.amazon.com/lambda/latest/dg/java-customization.html) confirms level-1 tiered compilation
     * and the serial collector for java17, java21 and java25 (java25 keeps the JVM's default tiering only
     * with SnapStart or provisioned concurrency, which serve does not emulate). {@code -Xshare:on} with
     * Lambda's own archive is left out: the local JDK's default CDS archive ({@code -Xshare:auto}) plays its
     * part. The java25 runtime's own command line was not dumped here; it is taken to be the same.
     */
    public static final List<String> JVM_FLAGS = List.of("-XX:+TieredCompilation", "-XX:TieredStopAtLevel=1",
            "-XX:+UseSerialGC", "-Djava.net.preferIPv4Stack=true", "-XX:+ErrorFileToStderr");

    /**
     * The share of a function's memory the managed runtime gives the heap: 445645k for 512 MB (above) is
     * 512 × 1024 × 0.85, and 85 % is also what the older java8 runtime used (with 10 % metaspace and 5 %
     * code cache; stackoverflow.com/a/40469970). Without it the JVM would take a quarter of the memory.
     */
    static final double HEAP_SHARE = 0.85;

    private JavaRuntime() {
    }

    /** The heap Lambda's managed Java runtime gives a function of {@code memoryMb}, in KiB, as its flag takes it. */
    public static long maxHeapKb(int memoryMb) {
        return Math.round(memoryMb * 1024L * HEAP_SHARE);
    }

    /**
     * The JVM flags of a function with {@code memoryMb}: Lambda's, its heap size, and the function's memory as
     * the machine's memory, from which the JVM sizes the rest (it would otherwise size them from this host's).
     */
    public static List<String> jvmFlags(int memoryMb) {
        return java.util.stream.Stream.concat(JVM_FLAGS.stream(), java.util.stream.Stream.of(
                "-XX:MaxHeapSize=" + maxHeapKb(memoryMb) + "k", "-XX:MaxRAM=" + memoryMb + "m")).toList();
    }

    /** The runtime client's class path: the jars of {@code dir} (the build copies them to target/bench-lib). */
    public static String classPath(String option, Path dir) {
        try (var files = Files.list(dir)) {
            List<String> jars = files.filter(f -> f.toString().endsWith(".jar")).sorted()
                    .map(f -> f.toAbsolutePath().toString()).toList();
            if (jars.stream().noneMatch(j -> j.contains("aws-lambda-java-runtime-interface-client"))) {
                throw new InvalidInputException(option, dir.toString(), "holds no aws-lambda-java-runtime-interface-client"
                        + " jar; build it with ./mvnw -B package");
            }
            return String.join(File.pathSeparator, jars);
        } catch (IOException e) {
            throw new InvalidInputException(option, dir.toString(), "cannot be listed (" + e.getMessage()
                    + "); build it with ./mvnw -B package");
        }
    }

    /**
     * The runtime client's JNI library, extracted once into {@code dir}, and the JVM flag that makes the client
     * load it from there. Without it every client JVM copies the library to the one fixed path
     * /tmp/.libaws-lambda-jni.so as it starts and loads it from there: JVMs starting together overwrite the
     * file while another maps it, and die of SIGBUS.
     */
    public static String jniFlag(String runtimeClassPath, Path dir) {
        String arch = switch (System.getProperty("os.arch")) {
            case "amd64", "x86_64" -> "x86_64";
            case "aarch64", "arm64" -> "aarch_64";
            default -> throw new IllegalStateException("no runtime client library for " + System.getProperty("os.arch"));
        };
        String entry = "jni/libaws-lambda-jni.linux-" + arch + ".so";
        for (String jar : runtimeClassPath.split(File.pathSeparator)) {
            if (!jar.contains("aws-lambda-java-runtime-interface-client")) {
                continue;
            }
            try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(jar)) {
                ZipEntry e = zip.getEntry(entry);
                if (e == null) {
                    throw new IllegalStateException(jar + " has no " + entry);
                }
                Path to = dir.resolve("libaws-lambda-jni.so");
                Files.createDirectories(dir);
                try (var in = zip.getInputStream(e)) {
                    Files.copy(in, to, StandardCopyOption.REPLACE_EXISTING);
                }
                return "-Dcom.amazonaws.services.lambda.runtime.api.client.runtimeapi.NativeClient.JNI=" + to.toAbsolutePath();
            } catch (IOException ex) {
                throw new UncheckedIOException("cannot extract " + entry + " from " + jar, ex);
            }
        }
        throw new IllegalStateException("no runtime interface client jar in " + runtimeClassPath);
    }

    /** Unpacks a Lambda package as Lambda does, refusing entries that would land outside {@code into}. */
    public static void unpack(Path zip, Path into) {
        Path root = into.toAbsolutePath().normalize();
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
            Files.createDirectories(root);
            for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                Path to = root.resolve(e.getName()).normalize();
                if (!to.startsWith(root)) {
                    throw new InvalidInputException("package", zip.toString(), "has an entry outside its root: " + e.getName());
                }
                if (e.isDirectory()) {
                    Files.createDirectories(to);
                } else {
                    Files.createDirectories(to.getParent());
                    Files.copy(in, to, StandardCopyOption.REPLACE_EXISTING);
                    Files.setLastModifiedTime(to, FileTime.fromMillis(e.getTime()));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot unpack " + zip + ": " + e.getMessage(), e);
        }
    }

    public static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (var paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot clear " + root + ": " + e.getMessage(), e);
        }
    }
}
