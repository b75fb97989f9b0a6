package dev.canopy.model;

import dev.canopy.testing.TestJvm;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Forged and truncated XGBoost and LightGBM models are refused, with a {@link ModelFormatException} and
 * nothing else, by a JVM of {@value #HEAP} of heap: nothing is allocated from a count a file declares, and
 * nesting is bounded. The same JVM converts the intact models (about 1 MiB each), so the heap is not simply
 * too small for anything.
 */
class ForgedModelsTest {
    static final String HEAP = "24m";

    @Test
    void forgedAndTruncatedModelsAreRefusedInAFewMiB() throws Exception {
        Path dir = Files.createTempDirectory("canopy-forged");
        try {
            String xgb = SyntheticModels.xgboost(200, 6, 5, 1, "reg:squarederror").json(true);
            String lgb = SyntheticModels.lightgbm(300, 31, 5, 2, "regression").text();
            assertTrue(xgb.length() > 1 << 20 && lgb.length() > 400_000, xgb.length() + " " + lgb.length());
            write(dir, "ok-xgb.json", xgb);
            write(dir, "ok-lgb.txt", lgb);
            for (int i = 1; i <= 9; i++) {
                write(dir, "cut" + i + "-xgb.json", xgb.substring(0, xgb.length() * i / 10));
                write(dir, "cut" + i + "-lgb.txt", lgb.substring(0, lgb.length() * i / 10));
            }
            // counts that would ask for gigabytes if believed
            write(dir, "forged-xgb-trees.json", xgb.replace("\"num_trees\":\"200\"", "\"num_trees\":\"2000000000\""));
            write(dir, "forged-xgb-features.json", xgb.replace("\"num_feature\":\"5\",\"num_target\"", "\"num_feature\":\"2000000000\",\"num_target\""));
            write(dir, "forged-lgb-leaves.txt", lgb.replaceFirst("num_leaves=31", "num_leaves=2000000000"));
            write(dir, "forged-lgb-features.txt", lgb.replaceFirst("max_feature_idx=4", "max_feature_idx=2000000000"));
            // a child pointing back up (a cycle) and one far out of range
            write(dir, "forged-xgb-cycle.json", xgb.replaceFirst("\"left_children\":\\[1,", "\"left_children\":[0,"));
            write(dir, "forged-lgb-child.txt", lgb.replaceFirst("left_child=-1", "left_child=999999"));
            // 3 MiB of nesting, and a number of 3 million digits
            write(dir, "forged-deep.json", "{\"learner\":{\"x\":" + "[".repeat(3 << 20));
            write(dir, "forged-long-number.json", "{\"learner\":{\"x\":" + "9".repeat(3 << 20) + "}}");
            write(dir, "forged-pickle.pkl", "\u0080\u0004\u0095garbage");
            write(dir, "forged-ubjson.ubj", "{L\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0007learner");
            Files.write(dir.resolve("forged-random.bin"), new java.util.Random(3).ints(1 << 20).collect(
                    java.io.ByteArrayOutputStream::new, (o, i) -> o.write(i), (a, b) -> a.writeBytes(b.toByteArray())).toByteArray());

            List<String> command = TestJvm.java("-Xmx" + HEAP, "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                    RefuseInSmallHeap.class.getName(), dir.toString());
            Path log = Files.createTempFile("canopy-forged", ".log");
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            try {
                if (!p.waitFor(300, TimeUnit.SECONDS)) {
                    fail("the small-heap JVM did not finish: " + Files.readString(log));
                }
            } finally {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
            String out = Files.readString(log);
            Files.delete(log);
            assertEquals(0, p.exitValue(), out);
            assertTrue(out.contains("ok-xgb.json converted") && out.contains("ok-lgb.txt converted"), out);
            assertTrue(out.contains("forged-pickle.pkl refused: a Python pickle"), out);
            assertTrue(out.contains("forged-ubjson.ubj refused: an XGBoost model in UBJSON"), out);
            assertTrue(out.contains("forged-xgb-cycle.json refused: tree 0 reaches node 0 twice"), out);
            assertTrue(out.contains("forged-deep.json refused: not a readable XGBoost JSON model: Document nesting depth"), out);
        } finally {
            try (var files = Files.list(dir)) {
                for (Path f : files.toList()) {
                    Files.delete(f);
                }
            }
            Files.delete(dir);
        }
    }

    private static void write(Path dir, String name, String content) throws Exception {
        Files.writeString(dir.resolve(name), content, StandardCharsets.ISO_8859_1);
    }
}
