package dev.canopy.serve;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A record that serve is still writing is not read, and is read once its newline is there. */
class InvocationRecordsTest {

    @Test
    void aLastLineWithoutItsNewlineWaitsForIt(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("invocations.jsonl");
        assertTrue(InvocationRecords.read(log).isEmpty(), "no log yet: no records");
        Files.writeString(log, "{\"event\":\"start\"}\n\n{\"event\":\"end\",\"payload\":\"{\\\"a\\\":1}\"}\n{\"event\":\"end\",\"pay");
        assertEquals(2, InvocationRecords.read(log).size());
        Files.writeString(log, Files.readString(log) + "load\":\"x\"}\n");
        assertEquals("x", InvocationRecords.read(log).get(2).path("payload").asText());
    }
}
