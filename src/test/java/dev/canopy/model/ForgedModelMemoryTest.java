package dev.canopy.model;

import dev.canopy.error.InvalidInputException;
import dev.canopy.testing.TestJvm;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A forged model file of under 1 KB that declares huge arrays is refused before they are allocated: in a
 * child JVM with a 256 MB heap, reading each one ends with a clear error, not an OutOfMemoryError.
 */
class ForgedModelMemoryTest {

    /** A Java-serialized {@code double[]} that declares {@code length} elements and holds none (~30 bytes). */
    static byte[] forgedDoubleArray(int length) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(new double[0]);
        }
        byte[] b = bytes.toByteArray();
        ByteBuffer.wrap(b, b.length - 4, 4).putInt(length); // the array's length is its last field
        return b;
    }

    /** A {@code .trees} file whose header declares {@code trees} roots and {@code nodes} nodes, and holds neither. */
    static byte[] forgedTrees(int trees, int nodes) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.write("CANOPY-TREES".getBytes(StandardCharsets.US_ASCII));
            out.writeInt(1);
            out.writeInt(3);
            out.writeDouble(0);
            out.writeDouble(1);
            out.writeInt(trees);
            out.writeInt(nodes);
            out.write(new byte[64]);
        }
        return bytes.toByteArray();
    }

    static List<byte[]> forgedModels() throws IOException {
        return List.of(forgedDoubleArray(199_999_999), forgedDoubleArray(Integer.MAX_VALUE - 8));
    }

    @Test
    void aTinyModelThatDeclaresAHugeArrayIsRefusedByItsDeclaredSize() throws IOException {
        for (byte[] forged : forgedModels()) {
            assertTrue(forged.length < 1024);
            InvalidInputException e = assertThrows(InvalidInputException.class, () -> ModelCodec.read("m.model", forged));
            assertTrue(e.getMessage().contains("an array of") && e.getMessage().contains("elements in a file of "
                    + forged.length + " bytes"), e.getMessage());
        }
        InvalidInputException t = assertThrows(InvalidInputException.class,
                () -> TreeCodec.read("m.trees", forgedTrees(Integer.MAX_VALUE, Integer.MAX_VALUE)));
        assertTrue(t.getMessage().contains("trees"), t.getMessage());
    }

    @Test
    void inA256MbHeapEveryForgedFileIsRefusedWithAClearError() throws Exception {
        List<String> command = TestJvm.java("-Xmx256m", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                Child.class.getName());
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the child ends");
        assertEquals(0, p.exitValue(), out);
        assertEquals(3, out.lines().filter(l -> l.startsWith("refused: ")).count(), out);
        assertTrue(!out.contains("OutOfMemoryError"), out);
    }

    /** Reads each forged file in a 256 MB heap and prints how it ended. */
    public static final class Child {
        public static void main(String[] args) throws Exception {
            List<Runnable> reads = new ArrayList<>();
            for (byte[] forged : forgedModels()) {
                reads.add(() -> ModelCodec.read("forged.model", forged));
            }
            byte[] trees = forgedTrees(Integer.MAX_VALUE, Integer.MAX_VALUE);
            reads.add(() -> TreeCodec.read("forged.trees", trees));
            for (Runnable r : reads) {
                try {
                    r.run();
                    System.out.println("accepted");
                } catch (InvalidInputException e) {
                    System.out.println("refused: " + e.getMessage());
                } catch (Throwable e) {
                    System.out.println("failed: " + e);
                }
            }
        }
    }
}
