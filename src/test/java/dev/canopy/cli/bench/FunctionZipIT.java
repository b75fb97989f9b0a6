package dev.canopy.cli.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.canopy.json.Json;
import dev.canopy.sample.TaxiShards;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * target/function.zip, the bytes a JVM deployment uploads: its jars are stored (the build rewrites them, see
 * src/build/java/StoreNestedJars.java), it holds every run-time jar within Lambda's 50 MB direct-upload limit,
 * XGBoost4J's natives only for Linux x86_64 and aarch64, and, unpacked as Lambda unpacks it and
 * run by AWS's runtime interface client with the client's own class loader (as the managed java25 runtime
 * runs it), it answers a predict request.
 */
class FunctionZipIT {
    private static final Path TARGET = Path.of("target");
    /** Lambda's limit for a package uploaded directly (not through S3): 50 MB. */
    private static final long GOAL_BYTES = 50_000_000;

    @Test
    void holdsEveryRunTimeJarStoredWithinTheSizeGoal() throws Exception {
        Path zip = TARGET.resolve("function.zip");
        assertTrue(Files.size(zip) <= GOAL_BYTES, "function.zip is " + Files.size(zip) + " bytes");
        TreeSet<String> nested = new TreeSet<>();
        TreeSet<String> natives = new TreeSet<>();
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
            for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                // the bench's echo handler is generated as it runs (EchoHandlerClass), never packaged
                assertFalse(e.getName().endsWith("echo/EchoHandler.class"), e.getName());
                if (!e.getName().startsWith("lib/") || !e.getName().endsWith(".jar")) {
                    continue;
                }
                nested.add(e.getName().substring(4));
                int entries = 0;
                try (ZipInputStream jar = new ZipInputStream(new ByteArrayInputStream(in.readAllBytes()))) {
                    for (ZipEntry j; (j = jar.getNextEntry()) != null; entries++) {
                        assertFalse(j.getName().endsWith("echo/EchoHandler.class"), e.getName() + "!" + j.getName());
                        assertEquals(ZipEntry.STORED, j.getMethod(), e.getName() + "!" + j.getName() + " is compressed");
                        if (j.getName().endsWith(".so") || j.getName().endsWith(".dylib") || j.getName().endsWith(".dll")) {
                            natives.add(e.getName().substring(4) + "!" + j.getName());
                        }
                    }
                }
                assertTrue(entries > 0, e.getName() + " has no entries");
            }
        }
        TreeSet<String> lib = new TreeSet<>();
        try (var files = Files.list(TARGET.resolve("lib"))) {
            files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".jar")).forEach(lib::add);
        }
        assertFalse(lib.isEmpty());
        assertEquals(lib, nested);
        // XGBoost4J's natives for the two architectures Lambda runs, and no other platform's (StoreNestedJars)
        assertEquals(java.util.Set.of("ml.dmlc.xgboost4j_2.12-3.4.0.jar!lib/linux/x86_64/libxgboost4j.so",
                "ml.dmlc.xgboost4j_2.12-3.4.0.jar!lib/linux/aarch64/libxgboost4j.so"),
                natives.stream().filter(n -> n.startsWith("ml.dmlc.")).collect(java.util.stream.Collectors.toSet()));
    }

    @Test
    void answersAPredictRequestAsLambdasJavaRuntimeRunsIt(@TempDir Path work) throws Exception {
        answersPredict(work, false);
    }

    /**
     * The java25 runtime's own AOT cache of its runtime client, imitated: written by the client running an
     * echo handler, then required ({@code -XX:AOTMode=on}) by a run of Canopy's function in the zip layout.
     */
    @Test
    void answersWithTheRuntimeClientMappedFromItsOwnAotCache(@TempDir Path work) throws Exception {
        answersPredict(work, true);
    }

    private static void answersPredict(Path work, boolean runtimeCache) throws Exception {
        long twoPlus = TaxiShards.write(work, new int[]{500}, 3).getFirst()[1];
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ColdStartBench.Launch launch = ColdStartBench.launch(List.of(java), TARGET, ColdStartBench.Layout.ZIP, work);
        assertTrue(Files.isDirectory(launch.workDir().resolve("lib")), "the task root holds the package's lib/");
        // the package is loaded from the task root, as on Lambda: the class path holds target/bench-lib's runtime
        // client jars and nothing else (a check on names would trip over a clone folder called "canopy")
        Path benchLib = TARGET.resolve("bench-lib").toAbsolutePath();
        for (String entry : launch.classpath().split(File.pathSeparator)) {
            assertEquals(benchLib, Path.of(entry).toAbsolutePath().getParent(),
                    "only the runtime client is on the JVM's class path: " + launch.classpath());
        }

        Map<String, String> env = new LinkedHashMap<>(ColdStartBench.TEMPLATE_ENV);
        env.put("QUARKUS_FUNQY_EXPORT", "predict");
        env.put("CANOPY_OUTPUT_URI", work.resolve("out").toString());
        env.put("CANOPY_STORAGE_ALLOWED_LOCATIONS", work.toString());
        env.put("AWS_REGION", "us-east-1");
        String shard = work.resolve(String.format(TaxiShards.NAME, 0)).toString();
        String event = Json.writeString(Map.of("modelUri", "rule:passenger_count>=2", "shard", shard));
        List<String> flags = new ArrayList<>(ColdStartBench.LAMBDA_JVM_FLAGS);
        flags.add("-XX:MaxRAM=1769m");
        if (runtimeCache) {
            Path cache = work.resolve("runtime.aot");
            ColdStartBench.Launch echo = new ColdStartBench.Launch(launch.launcher(), launch.classpath(),
                    EchoHandlerClass.taskRoot(work));
            ColdStartBench.writeAotCache(echo, flags, List.of(ColdStartBench.RIC_MAIN, EchoHandlerClass.HANDLER),
                    env, "{\"echo\": 1}", cache);
            assertTrue(Files.size(cache) > 0, "no cache written");
            flags.addAll(List.of("-XX:AOTCache=" + cache, "-XX:AOTMode=on"));
        }

        Path classLog = work.resolve("class-load.log");
        flags.add("-Xlog:class+load:file=" + classLog);

        ColdStartBench.Run r = ColdStartBench.once(launch, flags, env, event, 120_000);
        assertFalse(r.error(), r.response());
        JsonNode result = Json.MAPPER.readTree(r.response());
        assertEquals(500, result.get("rows").asLong(), r.response());
        assertEquals(twoPlus, result.get("scoreSum").asLong(), r.response());
        assertTrue(result.get("modelLoaded").asBoolean(), r.response());
        preloadsForSnapStartOnly(launch.workDir(), classLog);
    }

    /**
     * The package lists its classes for SnapStart (config/SnapStartHooks preloads them before a snapshot), and
     * an on-demand start does not preload them: serve's classes, listed, are never loaded by a predict start.
     */
    private static void preloadsForSnapStartOnly(Path taskRoot, Path classLog) throws Exception {
        List<String> listed = Files.readAllLines(taskRoot.resolve("META-INF/quarkus-generated-preload-classes.txt"));
        assertTrue(listed.contains("dev.canopy.function.PredictFunction"), "the SnapStart preload list: " + listed.size());
        List<String> serve = listed.stream().filter(c -> c.startsWith("dev.canopy.serve.")).toList();
        assertFalse(serve.isEmpty(), "serve's classes are listed");
        // lines "[0.468s][info][class,load] dev.canopy.serve.Serve source: file:…"
        List<String> loaded = Files.readAllLines(classLog).stream()
                .map(line -> line.split(" ")).filter(f -> f.length > 1 && f[1].startsWith("dev.canopy.")).map(f -> f[1])
                .toList();
        assertTrue(loaded.contains("dev.canopy.function.PredictFunction"), "the log records the function's classes: " + loaded);
        assertEquals(List.of(), loaded.stream().filter(c -> c.startsWith("dev.canopy.serve.")).toList(),
                "a predict start loads serve's classes: Quarkus preloads at every start (quarkus.snapstart.preload-classes)");
    }
}
