package dev.canopy.training;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.canopy.json.Json;
import dev.canopy.testing.PythonLibrary;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * scikit-learn computing, in the test run, what the classification code must reproduce: Debian's
 * {@code python3-sklearn} for {@code /usr/bin/python3} runs {@code sklearn_oracle.py} (next to this class in the
 * test resources). Without it the test is skipped saying so, except under {@code CI=true}, where {@code .ci/run}
 * installs it and its absence fails the test ({@link PythonLibrary#missing}).
 *
 * <p>One Python process serves every call of a test class's tests: importing scikit-learn costs about 1.5 s of CPU,
 * more than most answers. A class declares the process, which starts at the first {@link Python#require} and
 * ends after the class's last test (so that {@code TestCpuReport} counts its CPU to the class):
 * <pre>
 * &#64;RegisterExtension
 * static final ScikitLearnOracle.Python SKLEARN = new ScikitLearnOracle.Python();
 * ...
 * try (ScikitLearnOracle sk = SKLEARN.require()) { ... }
 * </pre>
 * Each {@code ScikitLearnOracle} holds the input files of one test, which {@link #close} deletes.
 */
public final class ScikitLearnOracle implements AutoCloseable {
    static final String PYTHON = "/usr/bin/python3";

    /** A test class's scikit-learn process, started by the first test that asks for it. */
    public static final class Python implements AfterAllCallback {
        private Server server;

        /** Call inside the test method (a skip in {@code @BeforeAll} would hide the tests from the counts). */
        public synchronized ScikitLearnOracle require() {
            if (server == null || !server.process.isAlive()) {
                server = Server.start();
            }
            try {
                return new ScikitLearnOracle(server);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public synchronized void afterAll(ExtensionContext context) {
            if (server != null) {
                server.stop();
                server = null;
            }
        }
    }

    /**
     * {@code sklearn_oracle.py serve}: one command per line on its standard input, words separated by tabs; one
     * JSON line per answer on its standard output, {@code {"answer": ...}} or {@code {"error": traceback}}.
     */
    private static final class Server {
        private static final int TIMEOUT_SECONDS = 300;
        final Process process;
        final Path dir;
        final Path log;
        final Writer commands;
        final BufferedReader answers;

        private Server(Process process, Path dir, Path log) {
            this.process = process;
            this.dir = dir;
            this.log = log;
            commands = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
            answers = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        }

        static Server start() {
            Path dir = null;
            try {
                dir = Files.createTempDirectory("canopy-sklearn");
                Path script = dir.resolve("sklearn_oracle.py");
                try (InputStream in = Objects.requireNonNull(ScikitLearnOracle.class.getResourceAsStream("sklearn_oracle.py"))) {
                    Files.copy(in, script);
                }
                Path log = dir.resolve("stderr.log");
                Process p;
                try {
                    p = new ProcessBuilder(PYTHON, script.toString(), "serve").redirectError(log.toFile()).start();
                } catch (IOException e) {
                    return PythonLibrary.missing(PYTHON, "sklearn", "cannot run " + PYTHON + ": " + e.getMessage(),
                            INSTALL);
                }
                Server s = new Server(p, dir, log);
                dir = null; // the server's now: stop() deletes it
                // the script says it is ready once it has imported scikit-learn
                String ready = s.answer("start");
                if (ready == null) {
                    String err = s.stop();
                    if (err.contains("No module named")) {
                        return PythonLibrary.missing(PYTHON, "sklearn", err, INSTALL);
                    }
                    throw new AssertionError("sklearn_oracle.py serve did not start:\n" + err);
                }
                if (!ready.startsWith("{\"ready\"")) {
                    // anything printed before it would shift every answer by a line
                    throw new AssertionError("sklearn_oracle.py serve began with " + ready + "\n" + s.stop());
                }
                return s;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } finally {
                if (dir != null) {
                    try {
                        delete(dir);
                    } catch (IOException e) {
                        System.err.println("ScikitLearnOracle: cannot delete " + dir + ": " + e);
                    }
                }
            }
        }

        /** The answer to {@code words}, or a failed test with the script's error. */
        synchronized JsonNode call(List<String> words) {
            String line;
            try {
                commands.write(String.join("\t", words) + "\n");
                commands.flush();
                line = answer(String.join(" ", words));
            } catch (IOException e) {
                line = null;
            }
            if (line == null) {
                throw new AssertionError("sklearn_oracle.py gave no answer to " + String.join(" ", words) + ":\n" + stop());
            }
            try {
                JsonNode out = Json.MAPPER.readTree(line);
                if (out.has("error")) {
                    throw new AssertionError("sklearn_oracle.py " + String.join(" ", words) + " failed:\n"
                            + out.get("error").asText());
                }
                return out.get("answer");
            } catch (IOException e) {
                throw new AssertionError("sklearn_oracle.py " + String.join(" ", words) + " answered: " + line, e);
            }
        }

        /** The next line of output, or null once the process has ended or took over the timeout (it is then stopped). */
        private String answer(String what) throws IOException {
            Thread watchdog = Thread.ofVirtual().start(() -> {
                try {
                    Thread.sleep(TIMEOUT_SECONDS * 1000L);
                    System.err.println("sklearn_oracle.py took over " + TIMEOUT_SECONDS + " s on " + what + "; stopping it");
                    process.destroyForcibly();
                } catch (InterruptedException e) {
                    // answered in time
                }
            });
            try {
                return answers.readLine();
            } finally {
                watchdog.interrupt();
            }
        }

        /** Ends the process (its standard input closed, it exits) and deletes its files; returns its stderr. */
        String stop() {
            try {
                commands.close();
            } catch (IOException e) {
                // the process has gone already
            }
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    process.waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
            String err;
            try {
                err = Files.exists(log) ? Files.readString(log) : "";
            } catch (IOException e) {
                err = e.toString();
            }
            try {
                delete(dir);
            } catch (IOException e) {
                err += "\n(cannot delete " + dir + ": " + e + ")";
            }
            return err;
        }
    }

    private static final String INSTALL = "apt-get install python3-sklearn";

    private final Server server;
    private final Path dir;
    private int files;

    private ScikitLearnOracle(Server server) throws IOException {
        this.server = server;
        dir = Files.createTempDirectory("canopy-sklearn-in");
    }

    /** Runs one command of the script. */
    public JsonNode run(String... args) {
        return server.call(List.of(args));
    }

    /** Several commands: their answers in order. */
    public JsonNode batch(List<List<String>> commands) {
        ArrayNode out = Json.MAPPER.createArrayNode();
        commands.forEach(c -> out.add(server.call(c)));
        return out;
    }

    /** A file of one value per line, for the script. */
    public Path lines(List<?> values) {
        List<String> text = new ArrayList<>(values.size());
        values.forEach(v -> text.add(String.valueOf(v)));
        return write(String.join("\n", text) + "\n");
    }

    public Path ints(int[] values) {
        StringBuilder b = new StringBuilder();
        for (int v : values) {
            b.append(v).append('\n');
        }
        return write(b.toString());
    }

    /** One number per line, written so that Python reads back the very doubles. */
    public Path values(double[] values) {
        StringBuilder b = new StringBuilder();
        for (double v : values) {
            b.append(Double.toString(v)).append('\n');
        }
        return write(b.toString());
    }

    /** Rows of comma-separated numbers, written so that Python reads back the very doubles. */
    public Path rows(double[][] rows) {
        StringBuilder b = new StringBuilder();
        for (double[] r : rows) {
            for (int j = 0; j < r.length; j++) {
                b.append(j == 0 ? "" : ",").append(Double.toString(r[j]));
            }
            b.append('\n');
        }
        return write(b.toString());
    }

    public static int[] intArray(JsonNode array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asInt();
        }
        return out;
    }

    public static double[] doubleArray(JsonNode array) {
        double[] out = new double[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asDouble();
        }
        return out;
    }

    private Path write(String text) {
        try {
            return Files.writeString(dir.resolve("in" + (files++) + ".txt"), text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws IOException {
        delete(dir);
    }

    private static void delete(Path dir) throws IOException {
        try (var paths = Files.list(dir)) {
            for (Path p : paths.toList()) {
                Files.deleteIfExists(p);
            }
        }
        Files.deleteIfExists(dir);
    }
}
