package dev.canopy.training;

import com.fasterxml.jackson.databind.JsonNode;
import dev.canopy.json.Json;
import dev.canopy.testing.PythonLibrary;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * scikit-learn computing, in the test run, what the classification code must reproduce: Debian's
 * {@code python3-sklearn} for {@code /usr/bin/python3} runs {@code sklearn_oracle.py} (next to this class in the
 * test resources). Without it the test is skipped saying so, except under {@code CI=true}, where {@code .ci/run}
 * installs it and its absence fails the test ({@link PythonLibrary}).
 */
public final class ScikitLearnOracle implements AutoCloseable {
    private static volatile PythonLibrary found;
    private final PythonLibrary python;
    private final Path dir;
    private final Path script;
    private int files;

    private ScikitLearnOracle(PythonLibrary python) throws IOException {
        this.python = python;
        dir = Files.createTempDirectory("canopy-sklearn");
        script = dir.resolve("sklearn_oracle.py");
        try (InputStream in = Objects.requireNonNull(ScikitLearnOracle.class.getResourceAsStream("sklearn_oracle.py"))) {
            Files.copy(in, script);
        }
    }

    /** Call inside the test method (a skip in {@code @BeforeAll} would hide the tests from the counts). */
    public static ScikitLearnOracle require() {
        PythonLibrary lib = found;
        if (lib == null) { // importing scikit-learn takes seconds: check once per test JVM, after a success
            lib = PythonLibrary.require("/usr/bin/python3", "sklearn", "apt-get install python3-sklearn");
            found = lib;
        }
        try {
            return new ScikitLearnOracle(lib);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String version() {
        return python.version();
    }

    /** Runs one command of the script; its answer is the last line of its output. */
    public JsonNode run(String... args) {
        String out = python.runScript(script, 300, args).strip();
        String last = out.substring(out.lastIndexOf('\n') + 1);
        try {
            return Json.MAPPER.readTree(last);
        } catch (IOException e) {
            throw new AssertionError("sklearn_oracle.py " + String.join(" ", args) + " answered:\n" + out, e);
        }
    }

    /** Several commands in one Python process: their answers in order. */
    public JsonNode batch(List<List<String>> commands) {
        StringBuilder b = new StringBuilder();
        for (List<String> c : commands) {
            b.append(String.join("\t", c)).append('\n');
        }
        JsonNode out = run("batch", write(b.toString()).toString());
        if (out.size() != commands.size()) {
            throw new AssertionError(commands.size() + " commands, " + out.size() + " answers");
        }
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
        try (var paths = Files.list(dir)) {
            for (Path p : paths.toList()) {
                Files.deleteIfExists(p);
            }
        }
        Files.deleteIfExists(dir);
    }
}
