package dev.canopy.serve;

import com.fasterxml.jackson.databind.JsonNode;
import dev.canopy.json.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;
import software.amazon.awssdk.services.lambda.model.LogType;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * serve enforces a function's MemorySize end to end, as Lambda does: the instance that goes over it is killed, and
 * the caller (the AWS SDK for Java) gets Lambda's answer and REPORT line. The status function, given 128 MB, is
 * made to take more as it starts: a heap of 100 MB touched at once ({@code -XX:+AlwaysPreTouch -Xms100m} through
 * {@code JAVA_TOOL_OPTIONS}), on top of what the JVM itself takes.
 */
class ServeMemoryLimitIT {
    @TempDir
    Path dir;

    @Test
    void anInstanceOverItsMemoryIsKilledAndTheCallerIsToldAsLambdaTellsIt() throws Exception {
        try (ServeProcess serve = ServeProcess.start(dir, "--quiet", "--parameter-overrides", "OrchestratorMemorySize=128",
                "--env", "JAVA_TOOL_OPTIONS=-XX:+AlwaysPreTouch -Xms100m");
             LambdaClient lambda = serve.client()) {
            InvokeResponse r = lambda.invoke(b -> b.functionName("canopy-status").logType(LogType.TAIL)
                    .payload(SdkBytes.fromUtf8String("{\"runId\": \"any\"}")));
            assertEquals("Unhandled", r.functionError(), r.payload().asUtf8String());
            JsonNode e = Json.MAPPER.readTree(r.payload().asUtf8String());
            assertEquals("Runtime.ExitError", e.get("errorType").asText());
            assertTrue(e.get("errorMessage").asText().endsWith(" Error: Runtime exited with error: signal: killed"), e.toString());
            String log = new String(Base64.getDecoder().decode(r.logResult()), StandardCharsets.UTF_8);
            assertTrue(log.strip().endsWith("Memory Size: 128 MB\tMax Memory Used: 128 MB\tStatus: error\tError Type: "
                    + "Runtime.OutOfMemory"), log);
            JsonNode end = serve.invocations().stream().filter(n -> n.get("event").asText().equals("end")).findFirst()
                    .orElseThrow();
            assertEquals("OutOfMemory", end.get("outcome").asText(), end.toString());
        }
    }
}
