package dev.canopy.function;

import com.fasterxml.jackson.databind.JsonNode;
import dev.canopy.json.Json;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The log lines of a run, as Lambda writes them: JSON, one object per line, each naming the run, the
 * function, the algorithm or shard, and the attempt, and never a payload or a credential. The lines go to a
 * file here (the same formatter as the console's in Lambda) so the test can read them back.
 */
final class JsonLogs {
    private JsonLogs() {
    }

    static final String SECRET = "cAnOpYtEsTsEcReTkEy0123456789";

    /** {@code function}'s profile with its log lines in {@code file}, as JSON (FunctionProfiles' profiles). */
    static Map<String, String> profile(String function, String file) {
        Map<String, String> m = new HashMap<>(FunctionProfiles.export(function));
        m.put("quarkus.log.file.enabled", "true");
        m.put("quarkus.log.file.path", path(file).toString());
        m.put("quarkus.log.file.json.enabled", "true");
        m.put("quarkus.log.file.level", "INFO");
        m.put("canopy.log-level", "INFO");
        // credentials that exist in the configuration must never reach a log line
        m.put("quarkus.s3.aws.credentials.type", "static");
        m.put("quarkus.s3.aws.credentials.static-provider.access-key-id", "AKIACANOPYTEST");
        m.put("quarkus.s3.aws.credentials.static-provider.secret-access-key", SECRET);
        return m;
    }

    /** Canopy's lines (and the runtime's line about a failed invocation) from the log file, as JSON. */
    static List<JsonNode> lines(String file, String runId) throws IOException {
        Path p = path(file);
        String text = Files.readString(p);
        assertFalse(text.contains(SECRET), "a credential was logged");
        assertFalse(text.contains("AKIACANOPYTEST"), "a credential was logged");
        return text.lines().filter(l -> !l.isBlank()).map(l -> Json.read(l.getBytes(), JsonNode.class, "log line"))
                .filter(n -> runId.equals(n.path("mdc").path("runId").asText(null)))
                .toList();
    }

    /** The log file of this JVM: two forks may boot the same profile, and each writes its own file. */
    private static Path path(String file) {
        return FunctionProfiles.OUT.resolve(ProcessHandle.current().pid() + "-" + file);
    }

    static void assertLabelled(JsonNode line, Set<String> functions) {
        JsonNode mdc = line.path("mdc");
        String where = line.toString();
        assertTrue(functions.contains(mdc.path("function").asText()), where);
        assertTrue(mdc.path("attempt").asInt() >= 1, where);
        assertFalse(line.path("message").asText().contains("{\""), "no JSON payload in a message: " + where);
    }
}
