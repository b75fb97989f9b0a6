package dev.canopy.infra;

import dev.canopy.testing.TestJvm;
import org.junit.jupiter.api.Assumptions;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * {@code java -jar target/canopy-runner.jar serve --port 0 …} as a user starts it: the template's functions,
 * each invocation in a JVM of its own running target/function.zip, behind the Lambda Invoke API. Waits for
 * the "listening on" line; {@link #close} ends it (SIGTERM, then kill) and waits for it.
 */
final class ServeProcess implements AutoCloseable {
    static final Path JAR = Path.of("target", "canopy-runner.jar").toAbsolutePath();
    static final Path PACKAGE = Path.of("target", "function.zip").toAbsolutePath();
    private static final Pattern READY = Pattern.compile("listening on (http://127\\.0\\.0\\.1:\\d+)");
    private final Process process;
    private final String endpoint;
    private final Deque<String> lastLines = new ArrayDeque<>();

    /**
     * @param args serve's options after {@code --port 0} ({@code --env K=V}, {@code --reserved-concurrency F=N}, ...)
     * @param env  serve's own environment additions (the credentials it passes on to the functions)
     */
    ServeProcess(List<String> args, Map<String, String> env) throws Exception {
        if (!Files.isRegularFile(JAR) || !Files.isRegularFile(PACKAGE)) {
            String missing = "no " + JAR + " or " + PACKAGE + ": run ./mvnw -B package first (the ITs run after it)";
            if ("true".equals(System.getenv("CI"))) {
                fail(missing);
            }
            Assumptions.abort(missing);
        }
        List<String> command = TestJvm.java("-jar", JAR.toString(), "serve", "--port", "0");
        command.addAll(args);
        // Instances get only the function's environment: the tests' OpenMP wait policy (PASSIVE, see pom.xml)
        // goes with it, or XGBoost's idle threads spin and starve the other test fork.
        String ompWait = System.getenv("OMP_WAIT_POLICY");
        if (ompWait != null) {
            command.addAll(List.of("--env", "OMP_WAIT_POLICY=" + ompWait));
        }
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().putAll(env);
        process = pb.start();
        CompletableFuture<String> ready = new CompletableFuture<>();
        Thread.ofVirtual().name("serve-output").start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    remember(line);
                    Matcher m = READY.matcher(line);
                    if (!ready.isDone() && m.find()) {
                        ready.complete(m.group(1));
                    }
                }
            } catch (IOException e) {
                // the process ended; the wait below reports it
            }
            ready.complete(null);
        });
        String url;
        try {
            url = ready.get(120, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            url = null;
        }
        if (url == null) {
            close();
            fail("serve did not report that it listens; its last lines:\n" + lastLines());
        }
        endpoint = url;
    }

    String endpoint() {
        return endpoint;
    }

    /**
     * Runs the packaged command line in lambda mode against serve, as a user would: the orchestrators it
     * invokes reach their workers through serve too. Returns its exit code; its stdout and stderr are in
     * {@code dir/<name>.out} and {@code .err}.
     */
    int cli(Path dir, String name, String... args) throws IOException, InterruptedException {
        List<String> command = TestJvm.java("-Dcanopy.invoke.mode=lambda", "-Dcanopy.invoke.endpoint=" + endpoint,
                "-jar", JAR.toString());
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(dir.resolve(name + ".out").toFile())
                .redirectError(dir.resolve(name + ".err").toFile());
        pb.environment().putAll(Map.of("AWS_REGION", "us-east-1", "AWS_ACCESS_KEY_ID", "test", "AWS_SECRET_ACCESS_KEY", "test"));
        Process p = pb.start();
        try {
            if (!p.waitFor(5, TimeUnit.MINUTES)) {
                throw new AssertionError(name + " did not end within 5 minutes");
            }
            return p.exitValue();
        } finally {
            if (p.isAlive()) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    private synchronized void remember(String line) {
        lastLines.addLast(line);
        if (lastLines.size() > 200) {
            lastLines.removeFirst();
        }
    }

    synchronized String lastLines() {
        return String.join("\n", lastLines);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly); // the functions' JVMs
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
