package dev.canopy.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.canopy.error.InvalidInputException;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * JVM cold start as Lambda's Java runtime sees it: a fresh {@code java} process runs AWS's Runtime Interface
 * Client (the code inside Lambda's managed Java runtimes and base images) with Canopy's handler, against a
 * Lambda Runtime API served here. The figure is the time from starting the process to receiving the first
 * function response, for each of {@code repeat} fresh processes.
 *
 * <p>The Runtime API is the documented one (GET {@code /2018-06-01/runtime/invocation/next}, POST
 * {@code .../response} or {@code .../error}); one event is handed out per process, then the next poll is
 * held open until the process is stopped, as Lambda freezes an idle environment.
 */
final class ColdStartBench {
    static final String HANDLER = "io.quarkus.funqy.lambda.FunqyStreamHandler::handleRequest";
    static final String RIC_MAIN = "com.amazonaws.services.lambda.runtime.api.client.AWSLambda";
    /** The flags Lambda's Java 17+ managed runtimes start the JVM with (JAVA_TOOL_OPTIONS aside). */
    static final List<String> LAMBDA_JVM_FLAGS = List.of("-XX:+TieredCompilation", "-XX:TieredStopAtLevel=1",
            "-XX:+UseSerialGC");

    record Run(long millis, String response, boolean error) {
    }

    private ColdStartBench() {
    }

    /**
     * @param classpath the function package's class path plus the runtime interface client
     * @param env       the function's environment (QUARKUS_FUNQY_EXPORT and Canopy's settings)
     * @param jvmFlags  extra JVM flags, e.g. an AOT cache
     */
    static Run once(String javaBin, String classpath, List<String> jvmFlags, Map<String, String> env, String event,
                    long timeoutMillis) throws IOException, InterruptedException {
        return once(javaBin, classpath, jvmFlags, List.of(RIC_MAIN, HANDLER), env, event, timeoutMillis);
    }

    /** @param main the main class and its arguments: the runtime client and the handler */
    static Run once(String javaBin, String classpath, List<String> jvmFlags, List<String> main, Map<String, String> env,
                    String event, long timeoutMillis) throws IOException, InterruptedException {
        CountDownLatch answered = new CountDownLatch(1);
        CountDownLatch stop = new CountDownLatch(1);
        AtomicInteger served = new AtomicInteger();
        CompletableFuture<Run> result = new CompletableFuture<>();
        long[] t0 = {0};
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/2018-06-01/runtime/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            try (exchange) {
                if (path.endsWith("/invocation/next")) {
                    if (served.getAndIncrement() > 0) {
                        stop.await(); // a frozen environment: no second event
                        return;
                    }
                    exchange.getResponseHeaders().add("Lambda-Runtime-Aws-Request-Id", "cold-start-1");
                    exchange.getResponseHeaders().add("Lambda-Runtime-Deadline-Ms", String.valueOf(System.currentTimeMillis() + 900_000));
                    exchange.getResponseHeaders().add("Lambda-Runtime-Invoked-Function-Arn",
                            "arn:aws:lambda:us-east-1:000000000000:function:canopy-bench");
                    exchange.getResponseHeaders().add("Lambda-Runtime-Trace-Id", "Root=1-00000000-000000000000000000000000");
                    send(exchange, 200, event);
                } else if (path.endsWith("/response") || path.endsWith("/error")) {
                    long now = System.nanoTime();
                    String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                    send(exchange, 202, "{}");
                    result.complete(new Run((now - t0[0]) / 1_000_000, body, path.endsWith("/error")));
                    answered.countDown();
                } else {
                    send(exchange, 404, "{}");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        server.start();
        Process process = null;
        try {
            List<String> command = new ArrayList<>(List.of(javaBin));
            command.addAll(jvmFlags);
            command.addAll(List.of("-cp", classpath));
            command.addAll(main);
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD);
            pb.environment().putAll(env);
            pb.environment().put("AWS_LAMBDA_RUNTIME_API", "127.0.0.1:" + server.getAddress().getPort());
            pb.environment().put("_HANDLER", HANDLER);
            t0[0] = System.nanoTime();
            process = pb.start();
            Process p = process;
            p.onExit().thenRun(() -> result.completeExceptionally(
                    new IllegalStateException("the function process exited with " + p.exitValue() + " before answering")));
            if (!answered.await(timeoutMillis, TimeUnit.MILLISECONDS) && !result.isDone()) {
                throw new IllegalStateException("no response within " + timeoutMillis + " ms");
            }
            return result.join();
        } finally {
            stop.countDown();
            if (process != null) {
                // SIGTERM first: a JVM asked to write an AOT cache (-XX:AOTCacheOutput) does so as it exits
                process.destroy();
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            }
            server.stop(0);
        }
    }

    private static void send(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /**
     * The class path of the packaged function (target/canopy-runner.jar and target/lib, as in function.zip)
     * plus the runtime interface client the build copies to target/bench-lib.
     */
    static String classpath(Path target) {
        Path runner = target.resolve("canopy-runner.jar");
        Path lib = target.resolve("lib");
        Path ric = target.resolve("bench-lib");
        for (Path p : List.of(runner, lib, ric)) {
            if (!Files.exists(p)) {
                throw new InvalidInputException("--target", target.toString(), "has no " + target.relativize(p)
                        + "; build it first with ./mvnw -B package");
            }
        }
        List<String> parts = new ArrayList<>(List.of(runner.toString()));
        for (Path dir : List.of(lib, ric)) {
            try (var files = Files.list(dir)) {
                files.filter(f -> f.toString().endsWith(".jar")).sorted().forEach(f -> parts.add(f.toString()));
            } catch (IOException e) {
                throw new InvalidInputException("--target", target.toString(), "cannot list " + dir + ": " + e.getMessage());
            }
        }
        return String.join(File.pathSeparator, parts);
    }

    static Map<String, Object> summary(List<Run> runs) {
        long[] ms = runs.stream().mapToLong(Run::millis).sorted().toArray();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("runs", Arrays.stream(ms).boxed().toList());
        m.put("medianMillis", ms[ms.length / 2]);
        m.put("minMillis", ms[0]);
        m.put("maxMillis", ms[ms.length - 1]);
        return m;
    }
}
