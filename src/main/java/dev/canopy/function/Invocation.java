package dev.canopy.function;

import com.fasterxml.jackson.databind.JsonNode;
import dev.canopy.log.LogContext;

/**
 * Labels a Lambda invocation's log lines before its request is even parsed, so that the runtime's own line
 * about a failed invocation (written after the function has returned) still names the function and run.
 * Only identifier fields are read, and only when they are JSON strings or numbers; nothing else of the
 * payload reaches a log line.
 */
final class Invocation {
    private Invocation() {
    }

    /**
     * @param subjectKey {@link LogContext#ALGORITHM} or {@link LogContext#SHARD}, or null
     * @param subjectField the request field holding it
     */
    static void begin(String function, JsonNode request, String subjectKey, String subjectField) {
        String attempt = scalar(request, "attempt");
        LogContext.begin(LogContext.FUNCTION, function,
                LogContext.RUN_ID, scalar(request, "runId"),
                subjectKey == null ? LogContext.SHARD : subjectKey,
                subjectKey == null ? null : LogContext.location(scalar(request, subjectField)),
                LogContext.ATTEMPT, attempt == null ? "1" : attempt);
    }

    private static String scalar(JsonNode request, String field) {
        JsonNode v = request == null ? null : request.get(field);
        return v != null && (v.isTextual() || v.isIntegralNumber()) ? v.asText() : null;
    }
}
