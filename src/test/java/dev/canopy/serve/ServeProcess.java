package dev.canopy.serve;

import com.fasterxml.jackson.databind.JsonNode;
import dev.canopy.testing.TestJvm;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.lambda.LambdaClient;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code java -jar target/canopy-runner.jar serve --port 0 ...} as a user starts it, for integration tests:
 * waits for its one ready line on stderr, and stops it with SIGTERM (killing it after a bounded wait).
 * stderr goes to a file in the test's directory, so that nothing blocks on an unread pipe.
 */
final class ServeProcess implements AutoCloseable {
    static final Path TARGET = Path.of("target").toAbsolutePath();
    private static final Pattern READY = Pattern.compile("canopy: serve listening on (http://127\\.0\\.0\\.1:(\\d+)) \\(functions: ");

    final Process process;
    final URI endpoint;
    final Path stderr;
    final Path invocationLog;

    private ServeProcess(Process process, URI endpoint, Path stderr, Path invocationLog) {
        this.process = process;
        this.endpoint = endpoint;
        this.stderr = stderr;
        this.invocationLog = invocationLog;
    }

    /** Starts serve with the project's template, its output and invocation log in {@code dir}, and {@code args}. */
    static ServeProcess start(Path dir, String... args) throws IOException, InterruptedException {
        Path err = dir.resolve("serve.err");
        Path log = dir.resolve("invocations.jsonl");
        List<String> command = TestJvm.java("-jar", TARGET.resolve("canopy-runner.jar").toString(),
                "serve", "--port", "0", "--template", "sam-template.yaml", "--out", dir.resolve("out").toString(),
                "--invocation-log", log.toString(), "--allow", dir.toString());
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectOutput(dir.resolve("serve.out").toFile())
                .redirectError(err.toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        try {
            while (System.nanoTime() < deadline) {
                String text = Files.exists(err) ? Files.readString(err) : "";
                Matcher m = READY.matcher(text);
                if (m.find()) {
                    return new ServeProcess(p, URI.create(m.group(1)), err, log);
                }
                if (!p.isAlive()) {
                    throw new IllegalStateException("serve exited with " + p.exitValue() + ":\n" + text);
                }
                p.waitFor(100, TimeUnit.MILLISECONDS);
            }
            throw new IllegalStateException("serve printed no ready line within 90 s:\n" + Files.readString(err));
        } catch (RuntimeException | IOException | InterruptedException e) {
            stop(p);
            throw e;
        }
    }

    /** A Lambda client of the AWS SDK for Java v2 aimed at serve, without retries: each call is one request. */
    LambdaClient client() {
        return LambdaClient.builder().endpointOverride(endpoint).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .httpClientBuilder(UrlConnectionHttpClient.builder().socketTimeout(Duration.ofMinutes(2)))
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
                .build();
    }

    /** serve's record of the calls so far, one JSON object per call or start. */
    List<JsonNode> invocations() {
        try {
            return InvocationRecords.read(invocationLog);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits (bounded) until serve's record holds a line that {@code matches}. */
    JsonNode await(Predicate<JsonNode> matches, Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < deadline) {
            for (JsonNode n : invocations()) {
                if (matches.test(n)) {
                    return n;
                }
            }
            if (!process.isAlive()) {
                throw new IllegalStateException("serve exited with " + process.exitValue());
            }
            process.waitFor(50, TimeUnit.MILLISECONDS);
        }
        throw new AssertionError("serve recorded no such call within " + within + ": " + invocations());
    }

    /** The last lines serve wrote on stderr, for failure messages. */
    String stderrTail(int lines) {
        try {
            List<String> all = Files.readAllLines(stderr);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(serve's stderr is unreadable: " + e + ")";
        }
    }

    @Override
    public void close() {
        stop(process);
    }

    private static void stop(Process p) {
        p.destroy();
        try {
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
