package dev.canopy.cli;

import org.junit.jupiter.api.Test;

import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The bench's Lambda Runtime API, driven by a minimal runtime client in a fresh JVM (the real bench runs
 * AWS's client, which needs the packaged function): one event is handed out with Lambda's headers, the
 * response is timed from process start, and an error response is reported as one.
 */
class ColdStartBenchTest {

    /** A runtime client reduced to the protocol: poll, then answer with the request id it was given. */
    public static final class EchoClient {
        public static void main(String[] args) throws Exception {
            String api = "http://" + System.getenv("AWS_LAMBDA_RUNTIME_API") + "/2018-06-01/runtime/invocation/";
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> next = http.send(HttpRequest.newBuilder(URI.create(api + "next")).build(),
                    HttpResponse.BodyHandlers.ofString());
            String id = next.headers().firstValue("Lambda-Runtime-Aws-Request-Id").orElseThrow();
            String deadline = next.headers().firstValue("Lambda-Runtime-Deadline-Ms").orElseThrow();
            String outcome = args.length > 0 ? args[0] : "response";
            String body = "{\"event\": " + next.body() + ", \"id\": \"" + id + "\", \"deadline\": " + deadline
                    + ", \"export\": \"" + System.getenv("QUARKUS_FUNQY_EXPORT") + "\"}";
            http.send(HttpRequest.newBuilder(URI.create(api + id + "/" + outcome))
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.discarding());
            // a warm environment polls again; the bench holds that poll, as Lambda freezes it
            http.send(HttpRequest.newBuilder(URI.create(api + "next")).build(), HttpResponse.BodyHandlers.ofString());
        }
    }

    private static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    private static final String CLASSPATH = System.getProperty("java.class.path").replace(':', File.pathSeparatorChar);

    @Test
    void timesTheFirstResponseOfAFreshProcess() throws Exception {
        ColdStartBench.Run r = ColdStartBench.once(JAVA, CLASSPATH, List.of("-Xshare:auto"),
                List.of(EchoClient.class.getName()), Map.of("QUARKUS_FUNQY_EXPORT", "predict"), "{\"shard\": \"s\"}", 60_000);
        assertFalse(r.error());
        assertTrue(r.response().contains("\"event\": {\"shard\": \"s\"}"), r.response());
        assertTrue(r.response().contains("\"id\": \"cold-start-1\""), r.response());
        assertTrue(r.response().contains("\"export\": \"predict\""), r.response());
        assertTrue(r.millis() > 0, "millis " + r.millis());
        assertEquals(r.millis(), (long) ColdStartBench.summary(List.of(r)).get("medianMillis"));
    }

    @Test
    void anErrorResponseIsReportedAsAnError() throws Exception {
        ColdStartBench.Run r = ColdStartBench.once(JAVA, CLASSPATH, List.of(),
                List.of(EchoClient.class.getName(), "error"), Map.of(), "{}", 60_000);
        assertTrue(r.error());
    }
}
