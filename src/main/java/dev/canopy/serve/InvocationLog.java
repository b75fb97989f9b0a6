package dev.canopy.serve;

import dev.canopy.error.InvalidInputException;
import dev.canopy.json.Json;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * serve's own record of the calls it answered, one JSON object per line ({@code --invocation-log}): a
 * {@code start} line when an instance takes an invocation, an {@code end} line for every call, throttled and
 * refused ones included, with the status, the outcome, the instance and the payload (when at most
 * {@value #PAYLOAD_LIMIT} bytes). Counting the calls per shard under throttling reads it.
 */
final class InvocationLog implements AutoCloseable {
    static final int PAYLOAD_LIMIT = 4096;
    private final BufferedWriter out;

    private InvocationLog(BufferedWriter out) {
        this.out = out;
    }

    /** @param file null: no log */
    static InvocationLog open(Path file) {
        if (file == null) {
            return new InvocationLog(null);
        }
        try {
            if (file.toAbsolutePath().getParent() != null) {
                Files.createDirectories(file.toAbsolutePath().getParent());
            }
            return new InvocationLog(Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND));
        } catch (IOException e) {
            throw new InvalidInputException("--invocation-log", file.toString(), "cannot be written: "
                    + e.getMessage());
        }
    }

    /** The common fields of a record; callers add their own. */
    static Map<String, Object> record(String event, String requestId, String function, byte[] payload) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("event", event);
        r.put("time", Instant.now().toString());
        r.put("requestId", requestId);
        r.put("function", function);
        if (payload != null) {
            r.put("payloadBytes", payload.length);
            if (payload.length <= PAYLOAD_LIMIT) {
                r.put("payload", new String(payload, StandardCharsets.UTF_8));
            }
        }
        return r;
    }

    void write(Map<String, Object> record) {
        if (out == null) {
            return;
        }
        synchronized (this) {
            try {
                out.write(Json.writeString(record));
                out.newLine();
                out.flush();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    @Override
    public synchronized void close() {
        if (out != null) {
            try {
                out.close();
            } catch (IOException e) {
                // nothing more to write
            }
        }
    }
}
