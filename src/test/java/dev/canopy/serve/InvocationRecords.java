package dev.canopy.serve;

import com.fasterxml.jackson.databind.JsonNode;
import dev.canopy.json.Json;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * serve's invocation log (JSON lines) as a test reads it while serve may still be writing: a record counts once
 * its newline is written. A record longer than the writer's buffer reaches the file in pieces, so the last line
 * read can be a record cut short; it is left for the next read.
 */
public final class InvocationRecords {
    private InvocationRecords() {
    }

    /** The complete records so far; none when the log does not exist yet. */
    public static List<JsonNode> read(Path log) throws IOException {
        if (!Files.exists(log)) {
            return List.of();
        }
        String text = new String(Files.readAllBytes(log), StandardCharsets.UTF_8);
        List<JsonNode> out = new ArrayList<>();
        int from = 0;
        for (int end = text.indexOf('\n'); end >= 0; from = end + 1, end = text.indexOf('\n', from)) {
            String line = text.substring(from, end);
            if (!line.isBlank()) {
                out.add(Json.MAPPER.readTree(line));
            }
        }
        return out;
    }
}
