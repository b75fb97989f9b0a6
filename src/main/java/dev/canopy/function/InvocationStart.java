package dev.canopy.function;

import com.fasterxml.jackson.databind.JsonNode;
import dev.canopy.error.InvalidInputException;
import dev.canopy.json.Json;
import dev.canopy.log.LogContext;

import java.nio.charset.StandardCharsets;

/**
 * The start of every function invocation: labels its log lines, and refuses a request above the size limit
 * before any work. Labelling happens before its request is even parsed, so that the runtime's own line
 * about a failed invocation (written after the function has returned) still names the function and run.
 * Only identifier fields are read, and only when they are JSON strings or numbers; nothing else of the
 * payload reaches a log line.
 */
final class InvocationStart {
    private InvocationStart() {
    }

    /**
     * @param subjectKey {@link LogContext#ALGORITHM} or {@link LogContext#SHARD}, or null
     * @param subjectField the request field holding it
     * @param maxBytes {@code canopy.max-request-bytes}
     */
    static void begin(String function, JsonNode request, String subjectKey, String subjectField, int maxBytes) {
        String attempt = scalar(request, "attempt");
        LogContext.begin(LogContext.FUNCTION, function,
                LogContext.RUN_ID, scalar(request, "runId"),
                subjectKey == null ? LogContext.SHARD : subjectKey,
                subjectKey == null ? null : LogContext.location(scalar(request, subjectField)),
                LogContext.ATTEMPT, attempt == null ? "1" : attempt);
        // Measured on the parsed tree, compactly written: whitespace does not count against the caller.
        int bytes = request == null ? 0 : Json.writeString(request).getBytes(StandardCharsets.UTF_8).length;
        if (bytes > maxBytes) {
            throw new InvalidInputException("request", bytes + " bytes", "larger than the " + maxBytes
                    + "-byte limit (canopy.max-request-bytes); name many shards with shardPrefix, or use the"
                    + " Distributed Map workflow");
        }
    }

    private static String scalar(JsonNode request, String field) {
        JsonNode v = request == null ? null : request.get(field);
        return v != null && (v.isTextual() || v.isIntegralNumber()) ? v.asText() : null;
    }
}
