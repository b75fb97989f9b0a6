package dev.canopy.cli.bench;

import dev.canopy.error.InvalidInputException;
import dev.canopy.invoke.FunctionInvocationException;
import dev.canopy.json.Json;
import dev.canopy.serve.CloudFormationYaml;
import dev.canopy.serve.JavaRuntime;
import dev.canopy.testing.TestJvm;
import dev.canopy.training.SuperviseResult;
import dev.canopy.training.TrainResult;
import dev.canopy.training.TrainerState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The bench's run of a fresh process against serve's Lambda Runtime API, driven by a minimal runtime client in
 * a fresh JVM (the real bench runs AWS's client, which needs the packaged function): one event is handed out
 * with Lambda's headers, the response is timed from process start, and an error response is reported as one.
 */
class ColdStartBenchTest {

    /** A runtime client reduced to the protocol: poll, then answer with the request id it was given. */
    public static final class EchoClient {
        public static void main(String[] args) throws Exception {
            String api = "http://" + System.getenv("AWS_LAMBDA_RUNTIME_API") + "/2018-06-01/runtime/invocation/";
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> next = http.send(HttpRequest.newBuilder(URI.create(api + "next")).build(),
                    HttpResponse.BodyHandlers.ofString());
            String id = next.headers().firstValue("Lambda-Runtime-Aws-Request-Id").orElseThrow();
            String deadline = next.headers().firstValue("Lambda-Runtime-Deadline-Ms").orElseThrow();
            String body = "{\"event\": " + next.body() + ", \"id\": \"" + id + "\", \"deadline\": " + deadline
                    + ", \"export\": \"" + System.getenv("QUARKUS_FUNQY_EXPORT") + "\"}";
            http.send(HttpRequest.newBuilder(URI.create(api + id + "/response"))
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.discarding());
            // a warm environment polls again; the bench holds that poll, as Lambda freezes it
            http.send(HttpRequest.newBuilder(URI.create(api + "next")).build(), HttpResponse.BodyHandlers.ofString());
        }
    }

    private static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    private static final String CLASSPATH = System.getProperty("java.class.path").replace(':', File.pathSeparatorChar);
    /** With the test JVMs' flags (C1 only, less CPU): these runs check the protocol, not a Lambda's start-up time. */
    private static final ColdStartBench.Launch LAUNCH = new ColdStartBench.Launch(TestJvm.java(), CLASSPATH, null);

    /**
     * The echo handler of the runtime's own AOT cache is generated, not compiled, so it is nowhere in the
     * package; generated into a task root, it loads as a RequestStreamHandler and answers with its event.
     */
    @Test
    void theEchoHandlerIsGeneratedIntoItsTaskRootAndEchoes(@TempDir Path work) throws Exception {
        Path root = EchoHandlerClass.taskRoot(work);
        assertTrue(Files.exists(root.resolve("echo/EchoHandler.class")));
        assertEquals(null, ColdStartBench.class.getClassLoader().getResource("echo/EchoHandler.class"));
        try (var loader = new java.net.URLClassLoader(new java.net.URL[]{root.toUri().toURL()}, getClass().getClassLoader())) {
            Object handler = loader.loadClass(EchoHandlerClass.CLASS).getConstructor().newInstance();
            var out = new java.io.ByteArrayOutputStream();
            ((com.amazonaws.services.lambda.runtime.RequestStreamHandler) handler).handleRequest(
                    new java.io.ByteArrayInputStream("{\"echo\": 1}".getBytes()), out, null);
            assertEquals("{\"echo\": 1}", out.toString());
        }
    }

    @Test
    void timesTheFirstResponseOfAFreshProcess() throws Exception {
        long before = System.nanoTime();
        ColdStartBench.Run r = ColdStartBench.once(LAUNCH, List.of("-Xshare:auto"),
                List.of(EchoClient.class.getName()), Map.of("QUARKUS_FUNQY_EXPORT", "predict"), "{\"shard\": \"s\"}", 60_000);
        assertFalse(r.error());
        assertTrue(r.response().contains("\"event\": {\"shard\": \"s\"}"), r.response());
        assertTrue(r.response().contains("\"id\": \"cold-start-1\""), r.response());
        assertTrue(r.response().contains("\"export\": \"predict\""), r.response());
        long wallMillis = (System.nanoTime() - before) / 1_000_000;
        // milliseconds from the process's start to its response: within the time this call took, and never 0
        // for a JVM that starts, polls over HTTP and answers
        assertTrue(r.millis() > 0 && r.millis() <= wallMillis, "millis " + r.millis() + ", the call took " + wallMillis);
        assertEquals(r.millis(), (long) ColdStartBench.summary(List.of(r)).get("medianMillis"));
    }

    @Test
    void unpacksAPackageAsLambdaDoesAndRefusesEntriesOutsideTheRoot(@TempDir Path dir) throws Exception {
        Path zip = dir.resolve("function.zip");
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip))) {
            out.putNextEntry(new ZipEntry("lib/"));
            out.putNextEntry(new ZipEntry("lib/a.jar"));
            out.write(new byte[]{1, 2, 3});
            out.putNextEntry(new ZipEntry("dev/canopy/X.class"));
            out.write(new byte[]{4});
        }
        Path root = dir.resolve("task");
        JavaRuntime.unpack(zip, root);
        assertArrayEquals(new byte[]{1, 2, 3}, Files.readAllBytes(root.resolve("lib/a.jar")));
        assertArrayEquals(new byte[]{4}, Files.readAllBytes(root.resolve("dev/canopy/X.class")));

        Path evil = dir.resolve("evil.zip");
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(evil))) {
            out.putNextEntry(new ZipEntry("../outside.txt"));
            out.write(new byte[]{9});
        }
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> JavaRuntime.unpack(evil, dir.resolve("t2")));
        assertTrue(e.getMessage().contains("../outside.txt"), e.getMessage());
        assertFalse(Files.exists(dir.resolve("outside.txt")));
    }

    @Test
    void aCpuLimitIsCheckedAndPassedToTheJvm() {
        assertEquals(List.of(JAVA), ColdStartBench.launcher(JAVA, null));
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> ColdStartBench.launcher(JAVA, 0));
        assertTrue(e.getMessage().contains("--cpus"), e.getMessage());
        int all = Runtime.getRuntime().availableProcessors();
        assertThrows(InvalidInputException.class, () -> ColdStartBench.launcher(JAVA, all + 1));
        if (Files.isExecutable(Path.of("/usr/bin/taskset"))) {
            List<String> one = ColdStartBench.launcher(JAVA, 1);
            assertEquals(List.of("/usr/bin/taskset", "-c", "0", JAVA, "-XX:ActiveProcessorCount=1"), one);
        }
    }

    /** The bench starts each function as the template deploys it: same memory, same start-up settings. */
    @Test
    @SuppressWarnings("unchecked")
    void memoryAndEnvironmentAreTheTemplates() throws Exception {
        Map<String, Object> t = CloudFormationYaml.load(Path.of("sam-template.yaml"));
        Map<String, Object> params = (Map<String, Object>) t.get("Parameters");
        Map<String, Object> resources = (Map<String, Object>) t.get("Resources");
        Map<String, Object> globals = (Map<String, Object>) ((Map<String, Object>) t.get("Globals")).get("Function");
        Map<String, Object> globalEnv = (Map<String, Object>) ((Map<String, Object>) globals.get("Environment")).get("Variables");
        Map<String, Integer> seen = new java.util.TreeMap<>();
        for (Object r : resources.values()) {
            Map<String, Object> res = (Map<String, Object>) r;
            if (!"AWS::Serverless::Function".equals(res.get("Type"))) {
                continue;
            }
            Map<String, Object> props = (Map<String, Object>) res.get("Properties");
            String export = String.valueOf(((Map<String, Object>) ((Map<String, Object>) props.get("Environment"))
                    .get("Variables")).get("QUARKUS_FUNQY_EXPORT"));
            Object memory = props.getOrDefault("MemorySize", globals.get("MemorySize"));
            String param = String.valueOf(((Map<String, Object>) memory).get("Ref"));
            seen.put(export, ((Number) ((Map<String, Object>) params.get(param)).get("Default")).intValue());
        }
        assertEquals(new java.util.TreeMap<>(ColdStartBench.TEMPLATE_MEMORY_MB), seen);
        ColdStartBench.TEMPLATE_ENV.forEach((k, v) -> assertEquals(v, String.valueOf(globalEnv.get(k)), k));
    }

    /** A runtime client that answers its one event with the body in CANOPY_TEST_ANSWER, as a response or an error. */
    public static final class ScriptedClient {
        public static void main(String[] args) throws Exception {
            String api = "http://" + System.getenv("AWS_LAMBDA_RUNTIME_API") + "/2018-06-01/runtime/invocation/";
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> next = http.send(HttpRequest.newBuilder(URI.create(api + "next")).build(),
                    HttpResponse.BodyHandlers.ofString());
            String id = next.headers().firstValue("Lambda-Runtime-Aws-Request-Id").orElseThrow();
            http.send(HttpRequest.newBuilder(URI.create(api + id + "/" + args[0]))
                    .POST(HttpRequest.BodyPublishers.ofString(System.getenv("CANOPY_TEST_ANSWER"))).build(),
                    HttpResponse.BodyHandlers.discarding());
        }
    }

    private static ColdStartBench.Run answer(String outcome, String body) throws Exception {
        return ColdStartBench.once(LAUNCH, List.of(), List.of(ScriptedClient.class.getName(), outcome),
                Map.of("CANOPY_TEST_ANSWER", body), "{}", 60_000);
    }

    /** An error response is reported as an error, and fails the bench naming the function's error. */
    @Test
    void aFunctionErrorFailsTheBenchWithTheFunctionsTypeAndMessage() throws Exception {
        ColdStartBench.Run r = answer("error", "{\"errorType\": \"dev.canopy.error.InvalidInputException\", "
                + "\"errorMessage\": \"modelUri=\\\"x\\\": not a model\", \"stackTrace\": []}");
        assertTrue(r.error());
        FunctionInvocationException e = assertThrows(FunctionInvocationException.class,
                () -> ColdStartBench.answered("predict", r));
        assertEquals("InvalidInputException", e.errorType());
        assertEquals("modelUri=\"x\": not a model", e.errorMessage());
    }

    /**
     * What a run's answer means, given its response: the runs are made here, not by a fresh JVM each (the two tests
     * above take a JVM's response through the Runtime API), which would cost seconds of CPU.
     */
    @Test
    void aSuperviseAnswerWhoseEveryTrainerFailedFailsTheBench() throws Exception {
        TrainResult failed = new TrainResult("random_forest", TrainerState.FAILED, null, null, null, null, null, null,
                null, null, "InvalidInputException: target=\"Price\": no such column", null);
        ColdStartBench.Run r = new ColdStartBench.Run(900, Json.writeString(new SuperviseResult("run-1", 40, null,
                List.of(failed, failed), null)), false);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> ColdStartBench.answered("supervise", r));
        assertTrue(e.getMessage().contains("every trainer failed: InvalidInputException: target=\"Price\""), e.getMessage());

        TrainResult done = new TrainResult("decision_tree", TrainerState.DONE, 0.3, 0.55, 0.4, 0.7, 10L, 100L,
                "out/run-2/models/decision_tree.trees", null, null, null);
        ColdStartBench.Run good = new ColdStartBench.Run(900, Json.writeString(new SuperviseResult("run-2", 40, null,
                List.of(done, failed), "decision_tree")), false);
        assertEquals(good, ColdStartBench.answered("supervise", good));
    }
}
