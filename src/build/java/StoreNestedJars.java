import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * Rewrites the Lambda package Quarkus built (target/function.zip) so that every jar under {@code lib/} holds
 * its entries STORED, while the package itself stays deflated. Run by the build (exec-maven-plugin) as a
 * single-file program: {@code java src/build/java/StoreNestedJars.java target/function.zip}.
 *
 * <p>Why: Lambda unpacks the package once per execution environment, but a compressed jar is inflated again
 * class by class on every cold start (about 90 ms of CPU for Canopy's ~3,300 classes). Stored jars cost
 * nothing to read, and the package gets smaller, not larger: deflating a stored jar as one zip entry
 * compresses across its classes, where a jar deflates each class file on its own.
 *
 * <p>The entries' bytes, names, order and times are kept, so signed jars stay valid and the output is as
 * reproducible as the input. The one exception is asked for by name: each further argument
 * {@code <jar-prefix>!<entry-prefix>} leaves out of the jars under {@code lib/} whose names start with
 * {@code jar-prefix} the entries whose names start with {@code entry-prefix}. The pom uses it for XGBoost4J's
 * native libraries of platforms Lambda does not run (Windows, macOS): Lambda's direct upload takes at most
 * 50 MB, and those libraries alone are 23 MB. A package without nested jars (the native one: a {@code bootstrap} binary
 * whose executable bit a rewrite would lose) is left untouched.
 */
public final class StoreNestedJars {
    private StoreNestedJars() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 1) {
            throw new IllegalArgumentException("usage: java StoreNestedJars.java <function.zip> [<jar-prefix>!<entry-prefix>...]");
        }
        Path zip = Path.of(args[0]);
        List<String[]> drops = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            String[] d = args[i].split("!", 2);
            if (d.length != 2 || d[0].isEmpty() || d[1].isEmpty()) {
                throw new IllegalArgumentException("expected <jar-prefix>!<entry-prefix>, got " + args[i]);
            }
            drops.add(d);
        }
        int[] dropped = {0};
        if (!Files.isRegularFile(zip)) {
            throw new IllegalArgumentException("no Lambda package at " + zip.toAbsolutePath());
        }
        if (!hasNestedJars(zip)) {
            System.out.println("[store-nested-jars] " + zip + ": no lib/*.jar, left as it is");
            return;
        }
        long before = Files.size(zip);
        Path tmp = zip.resolveSibling(zip.getFileName() + ".tmp");
        int jars = 0;
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip));
             ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(tmp))) {
            // the default level: BEST_COMPRESSION took 10.5 s of the build for a package 0.6 % smaller (6.8 s)
            out.setLevel(Deflater.DEFAULT_COMPRESSION);
            Set<String> names = new HashSet<>();
            for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                if (!names.add(e.getName())) {
                    // Quarkus's package lists some directories twice; a file listed twice would be ambiguous
                    if (e.isDirectory()) {
                        continue;
                    }
                    throw new IOException(zip + " holds " + e.getName() + " twice");
                }
                byte[] data = in.readAllBytes();
                if (isNestedJar(e.getName())) {
                    data = storedCopy(data, e.getName(), dropped(drops, e.getName()), dropped);
                    jars++;
                }
                ZipEntry copy = new ZipEntry(e.getName());
                copy.setTime(e.getTime());
                out.putNextEntry(copy);
                out.write(data);
                out.closeEntry();
            }
        }
        Files.move(tmp, zip, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        System.out.printf("[store-nested-jars] %s: %d jars stored, %d entries left out, %,d -> %,d bytes%n", zip, jars,
                dropped[0], before, Files.size(zip));
    }

    static boolean isNestedJar(String name) {
        return name.startsWith("lib/") && name.endsWith(".jar") && name.indexOf('/', 4) < 0;
    }

    private static boolean hasNestedJars(Path zip) throws IOException {
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
            for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                if (isNestedJar(e.getName())) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The entry prefixes to leave out of the nested jar {@code name}. */
    private static List<String> dropped(List<String[]> drops, String name) {
        List<String> out = new ArrayList<>();
        for (String[] d : drops) {
            if (name.startsWith("lib/" + d[0])) {
                out.add(d[1]);
            }
        }
        return out;
    }

    /**
     * The same jar, every entry STORED (a STORED entry needs its size and CRC before its bytes), less the
     * entries whose names start with one of {@code leaveOut}; {@code dropped[0]} counts those.
     */
    static byte[] storedCopy(byte[] jar, String name, List<String> leaveOut, int[] dropped) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(jar.length * 3);
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(jar));
             ZipOutputStream out = new ZipOutputStream(bytes)) {
            int entries = 0;
            for (ZipEntry e; (e = in.getNextEntry()) != null; entries++) {
                String entry = e.getName();
                if (leaveOut.stream().anyMatch(entry::startsWith)) {
                    dropped[0]++;
                    continue;
                }
                byte[] data = in.readAllBytes();
                CRC32 crc = new CRC32();
                crc.update(data);
                ZipEntry copy = new ZipEntry(e.getName());
                copy.setTime(e.getTime());
                copy.setMethod(ZipEntry.STORED);
                copy.setSize(data.length);
                copy.setCompressedSize(data.length);
                copy.setCrc(crc.getValue());
                out.putNextEntry(copy);
                out.write(data);
                out.closeEntry();
            }
            if (entries == 0) {
                throw new IOException(name + " is not a jar (no entries)");
            }
        }
        return bytes.toByteArray();
    }
}
