package dev.canopy.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.canopy.json.Json;
import dev.canopy.sample.TaxiShards;
import dev.canopy.testing.TestJvm;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 24, item 2: a real {@code predict} process (the packaged runner, as a user starts it) is stopped
 * mid-batch with SIGINT, and in a second case killed with SIGKILL; {@code --resume} then runs only the
 * shards that had not finished. Afterwards every shard has exactly one output, the shards finished before
 * the stop keep theirs untouched, and the answer counts the carried and the rerun shards.
 */
class PredictStopResumeIT {
    static final Path TARGET = Path.of("target").toAbsolutePath();
    static final int SHARDS = 36;
    static final int ROWS = 60_000;
    static Path dir;
    static Path shards;

    @BeforeAll
    static void shards() throws IOException {
        dir = TARGET.resolve("predict-stop-it-" + System.currentTimeMillis()); // this build's own
        shards = dir.resolve("shards");
        int[] sizes = new int[SHARDS];
        Arrays.fill(sizes, ROWS);
        TaxiShards.write(shards, sizes, 24);
    }

    @Test
    void ctrlCStopsTheBatchWithItsFinishedShardsRecordedAndResumeRunsOnlyTheOthers() throws Exception {
        Path out = dir.resolve("out-int");
        Process p = predictUntilOutputs("int", out);
        new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).inheritIO().start().waitFor(10, TimeUnit.SECONDS);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "predict ended after SIGINT");
        String err = Files.readString(dir.resolve("int.err"));
        assertEquals(130, p.exitValue(), err);
        String manifestUri = out.resolve("_manifest.json").toString();
        assertTrue(err.contains("canopy predict --resume " + manifestUri), err);

        JsonNode m = Json.MAPPER.readTree(out.resolve("_manifest.json").toFile());
        Map<String, Integer> states = states(m);
        int ok = states.getOrDefault("SUCCEEDED", 0);
        assertTrue(ok >= 3 && ok < SHARDS, "stopped mid-batch with its finished shards recorded: " + states);
        assertEquals(SHARDS - ok, states.getOrDefault("CANCELLED", 0), states.toString());
        assertEquals(ok, m.get("succeeded").asInt());
        // the outputs on disk are exactly the SUCCEEDED shards'
        Set<String> recorded = new HashSet<>();
        m.get("shards").forEach(r -> {
            if (r.get("state").asText().equals("SUCCEEDED")) {
                recorded.add(Path.of(r.get("outputUri").asText()).getFileName().toString());
            }
        });
        assertEquals(recorded, outputs(out).keySet());

        resumeAndCheck(out, outputs(out));
    }

    @Test
    void afterSigkillResumeRebuildsWhatFinishedFromTheOutputsAndTheirLineage() throws Exception {
        Path out = dir.resolve("out-kill");
        Process p = predictUntilOutputs("kill", out);
        p.destroyForcibly(); // SIGKILL: no handler runs, the manifest stays RUNNING
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(137, p.exitValue());
        JsonNode m = Json.MAPPER.readTree(out.resolve("_manifest.json").toFile());
        assertEquals("RUNNING", m.get("state").asText());
        Map<String, FileTime> before = outputs(out);
        assertTrue(before.size() >= 3 && before.size() < SHARDS, before.keySet().toString());

        resumeAndCheck(out, before);
    }

    /** Resumes the batch in {@code out}, whose finished shards left the outputs {@code before}. */
    private static void resumeAndCheck(Path out, Map<String, FileTime> before) throws Exception {
        String manifest = out.resolve("_manifest.json").toString();
        Process r = start("resume-" + out.getFileName(), "predict", "--resume", manifest, "--json", "--progress", "none");
        assertTrue(r.waitFor(300, TimeUnit.SECONDS), "the resume ended");
        String err = Files.readString(dir.resolve("resume-" + out.getFileName() + ".err"));
        assertEquals(0, r.exitValue(), err);
        JsonNode a = Json.MAPPER.readTree(Files.readString(dir.resolve("resume-" + out.getFileName() + ".out")));
        assertEquals(SHARDS, a.get("succeeded").asInt(), a.toString());
        assertEquals(0, a.get("failed").asInt());
        assertEquals((long) SHARDS * ROWS, a.get("rows").asLong(), "every shard counted once");
        assertEquals(SHARDS, a.get("shards").size());
        int carried = 0;
        int ran = 0;
        Set<Integer> indexes = new HashSet<>();
        for (JsonNode row : a.get("shards")) {
            assertTrue(indexes.add(row.get("index").asInt()), "each shard once");
            String name = Path.of(row.get("outputUri").asText()).getFileName().toString();
            if (row.hasNonNull("runId")) {
                carried++;
                assertTrue(before.containsKey(name), "a carried shard is one that had finished: " + name);
            } else {
                ran++;
                assertFalse(before.containsKey(name), "a shard that had finished ran again: " + name);
                assertTrue(row.get("attempts").asInt() >= 1, row.toString());
            }
        }
        assertEquals(before.size(), carried, "the answer counts the carried shards");
        assertEquals(SHARDS - before.size(), ran, "and only the unfinished ones ran");
        Map<String, FileTime> after = outputs(out);
        assertEquals(SHARDS, after.size(), "exactly one output per shard: " + after.keySet());
        before.forEach((name, time) -> assertEquals(time, after.get(name), "a finished shard's output is kept as it was: " + name));
        JsonNode m = Json.MAPPER.readTree(out.resolve("_manifest.json").toFile());
        assertEquals("DONE", m.get("state").asText());
        assertEquals(SHARDS, m.get("succeeded").asInt());
        m.get("shards").forEach(row -> assertEquals("SUCCEEDED", row.get("state").asText(), row.toString()));
        assertNotNull(a.get("resumedFrom"));
    }

    private static Map<String, Integer> states(JsonNode manifest) {
        Map<String, Integer> out = new HashMap<>();
        manifest.get("shards").forEach(r -> out.merge(r.get("state").asText(), 1, Integer::sum));
        return out;
    }

    /** The predictions files under {@code out} with their modification times. */
    private static Map<String, FileTime> outputs(Path out) throws IOException {
        Map<String, FileTime> m = new HashMap<>();
        if (Files.isDirectory(out)) {
            try (Stream<Path> s = Files.list(out)) {
                for (Path f : s.filter(f -> f.getFileName().toString().endsWith(".predictions.parquet")).toList()) {
                    m.put(f.getFileName().toString(), Files.getLastModifiedTime(f));
                }
            }
        }
        return m;
    }

    /** A predict process over the shards into {@code out}, once it has written 3 outputs (mid-batch). */
    private static Process predictUntilOutputs(String name, Path out) throws Exception {
        Process p = start(name, "predict", "--model", "rule:passenger_count>=2", "--shards", shards.toString(),
                "--pool-size", "2", "--out", out.toString());
        waitForOutputs(p, out, 3);
        return p;
    }

    private static void waitForOutputs(Process p, Path out, int n) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (outputs(out).size() < n) {
            assertTrue(p.isAlive(), "predict ended before " + n + " outputs");
            assertTrue(System.nanoTime() < deadline, "no " + n + " outputs within 120 s");
            p.waitFor(20, TimeUnit.MILLISECONDS);
        }
    }

    /**
     * {@code java -jar target/canopy-runner.jar args} in the test's folder, stdout and stderr to files there. The
     * JVM keeps SIGINT ignored when it starts so (as {@code nohup cmd &} asks), and a build started in the
     * background of a non-interactive shell hands that down to every process under it: {@code env
     * --default-signal=INT} (GNU coreutils) gives the runner SIGINT's default, as a terminal would.
     */
    private static Process start(String name, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of("env", "--default-signal=INT"));
        command.addAll(TestJvm.java("-jar", TARGET.resolve("canopy-runner.jar").toString()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).directory(dir.toFile()).redirectOutput(dir.resolve(name + ".out").toFile())
                .redirectError(dir.resolve(name + ".err").toFile()).start();
    }
}
