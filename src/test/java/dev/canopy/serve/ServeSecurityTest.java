package dev.canopy.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.canopy.error.InvalidInputException;
import dev.canopy.report.Chromium;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.lambda.LambdaClient;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * serve's Invoke API, in process, with a function whose instances are counted instead of started: a request
 * a web page or an unsigned client sends is refused before any instance is asked for, and a signed request of
 * the AWS SDK gets one. The browser test opens a page of another origin in headless Chromium that tries the
 * POSTs a page can send: none of them runs the function.
 */
class ServeSecurityTest {
    private static final String PATH = "/2015-03-31/functions/canopy-predict/invocations";
    @TempDir
    Path dir;
    private final AtomicInteger starts = new AtomicInteger();
    private final List<String> echo = new CopyOnWriteArrayList<>();
    private HttpServer server;
    private HttpServer page;
    private InvocationLog log;
    private URI endpoint;

    @BeforeEach
    void start() throws Exception {
        FunctionSpec spec = new FunctionSpec("PredictFunction", "canopy-predict", dir.resolve("function.zip"),
                "h::handleRequest", 1769, 30, Map.of(), null, "live");
        Functions functions = new Functions(List.of(spec), s -> null, echo::add, 1000, 1 << 20, (id, s, l) -> {
            starts.incrementAndGet();
            throw new IllegalStateException("the test starts no function");
        });
        log = InvocationLog.open(dir.resolve("invocations.jsonl"));
        InvokeApi api = new InvokeApi(functions, "us-east-1", Duration.ofSeconds(5), log, echo::add);
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", api::handle);
        server.start();
        endpoint = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    @AfterEach
    void stop() {
        server.stop(0);
        if (page != null) {
            page.stop(0);
        }
        log.close();
    }

    private HttpResponse<String> post(Map<String, String> headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(endpoint.resolve(PATH)).POST(HttpRequest.BodyPublishers.ofString(
                "{\"modelUri\":\"rule:a>1\",\"shard\":\"/etc/passwd\"}"));
        headers.forEach(b::header);
        try (HttpClient c = HttpClient.newHttpClient()) {
            return c.send(b.build(), HttpResponse.BodyHandlers.ofString());
        }
    }

    private static final String SIGNED = "AWS4-HMAC-SHA256 Credential=test/20261206/us-east-1/lambda/aws4_request, "
            + "SignedHeaders=content-type;host;x-amz-date, Signature=" + "0f".repeat(32);

    @Test
    void unsignedRequestsAndRequestsFromWebPagesAreRefusedBeforeAnyInstanceIsAskedFor() throws Exception {
        HttpResponse<String> plain = post(Map.of("Content-Type", "text/plain"));
        assertEquals(403, plain.statusCode(), plain.body());
        assertEquals("MissingAuthenticationTokenException", plain.headers().firstValue("x-amzn-ErrorType").orElse(""));

        HttpResponse<String> malformed = post(Map.of("Authorization", "Bearer x", "X-Amz-Date", "20261206T000000Z"));
        assertEquals("IncompleteSignatureException", malformed.headers().firstValue("x-amzn-ErrorType").orElse(""),
                malformed.body());

        for (Map<String, String> browser : List.of(Map.of("Origin", "https://evil.example"),
                Map.of("Sec-Fetch-Site", "cross-site"), Map.of("Sec-Fetch-Site", "same-site"))) {
            Map<String, String> h = new java.util.HashMap<>(browser);
            h.put("Authorization", SIGNED);
            h.put("X-Amz-Date", "20261206T000000Z");
            HttpResponse<String> r = post(h);
            assertEquals(403, r.statusCode(), browser + ": " + r.body());
            assertEquals("AccessDeniedException", r.headers().firstValue("x-amzn-ErrorType").orElse(""));
        }
        assertEquals(0, starts.get(), "no instance was asked for");
    }

    @Test
    void aSignedRequestOfTheAwsSdkGetsAnInstance() {
        try (LambdaClient lambda = LambdaClient.builder().endpointOverride(endpoint).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("any", "key")))
                .httpClientBuilder(UrlConnectionHttpClient.builder().socketTimeout(Duration.ofSeconds(30)))
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry())).build()) {
            assertThrows(RuntimeException.class, () -> lambda.invoke(b -> b.functionName("canopy-predict")
                    .payload(SdkBytes.fromUtf8String("{}"))), "this test's instances cannot start");
        }
        assertEquals(1, starts.get(), "the SDK's request passed the checks and asked for an instance");
    }

    @Test
    void aWebPageCannotRunAFunction() throws Exception {
        Path executable = Chromium.executable();
        // a page of another origin, as any site the user opens
        byte[] html = """
                <!doctype html><html><body>evil</body><script>
                const url = '%s';
                const body = JSON.stringify({modelUri: 'rule:a>1', shard: '/etc/passwd'});
                async function attempt(init) {
                  try { const r = await fetch(url, init); return {type: r.type, status: r.status}; }
                  catch (e) { return {error: String(e)}; }
                }
                window.results = (async () => [
                  await attempt({method: 'POST', mode: 'no-cors', headers: {'Content-Type': 'text/plain'}, body}),
                  await attempt({method: 'POST', mode: 'no-cors', body: new Blob([body])}),
                  await attempt({method: 'POST', headers: {'Content-Type': 'application/json'}, body}),
                  await attempt({method: 'POST', headers: {'Authorization': '%s', 'X-Amz-Date': '20261206T000000Z'}, body}),
                ])();
                </script></html>
                """.formatted(endpoint.resolve(PATH), SIGNED).getBytes(StandardCharsets.UTF_8);
        page = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        page.createContext("/", x -> {
            try (x) {
                x.getResponseHeaders().add("Content-Type", "text/html");
                x.sendResponseHeaders(200, html.length);
                x.getResponseBody().write(html);
            }
        });
        page.start();
        try (Chromium browser = new Chromium(executable)) {
            browser.send("Page.enable", Map.of());
            // localhost, not 127.0.0.1: a different site from serve's address, as a page on the internet is
            browser.send("Page.navigate", Map.of("url", "http://localhost:" + page.getAddress().getPort() + "/"));
            browser.await("Page.loadEventFired");
            JsonNode r = browser.send("Runtime.evaluate", Map.of("expression", "window.results", "awaitPromise", true,
                    "returnByValue", true)).path("result").path("value");
            assertEquals(4, r.size(), r.toString());
            for (int i = 2; i < 4; i++) {
                assertTrue(r.get(i).has("error"), "a CORS request fails in the page: " + r.get(i));
            }
        }
        List<JsonNode> calls = InvocationRecords.read(dir.resolve("invocations.jsonl"));
        assertTrue(calls.stream().filter(c -> c.path("status").asInt() == 403).count() >= 2,
                "the page's simple POSTs reached serve and were refused: " + calls);
        assertTrue(calls.stream().noneMatch(c -> c.path("event").asText().equals("start")), calls.toString());
        assertEquals(0, starts.get(), "no instance was asked for: " + echo);
    }

    @Test
    void aNonLoopbackHostNeedsAllowRemoteAndTheCallbackAddressFollowsTheHost() {
        List<String> lines = new ArrayList<>();
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> Serve.checkHost(options("0.0.0.0", false),
                lines::add));
        assertTrue(e.getMessage().contains("--allow-remote"), e.getMessage());
        Serve.checkHost(options("0.0.0.0", true), lines::add);
        assertTrue(lines.getFirst().contains("WARNING"), lines.toString());
        Serve.checkHost(options("::1", false), lines::add);
        assertEquals(1, lines.size(), "loopback needs no warning");

        assertEquals("http://[::1]:3001", Serve.callbackEndpoint("::1", 3001));
        assertEquals("http://[::1]:3001", Serve.callbackEndpoint("::", 3001));
        assertEquals("http://127.0.0.1:3001", Serve.callbackEndpoint("0.0.0.0", 3001));
        assertEquals("http://127.0.0.2:3001", Serve.callbackEndpoint("127.0.0.2", 3001));
    }

    @Test
    void theGuardCannotBeLiftedThroughEnv() {
        ServeOptions o = new ServeOptions("127.0.0.1", 0, Path.of("sam-template.yaml"), Map.of(),
                Map.of("CANOPY_STORAGE_ALLOWED_LOCATIONS", "/"), dir, Map.of(), Map.of(), null, "us-east-1", "canopy",
                null, true, Duration.ofSeconds(60), List.of(), false, 1000);
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> Serve.start(o, l -> { }));
        assertTrue(e.getMessage().contains("--allow"), e.getMessage());
    }

    private ServeOptions options(String host, boolean allowRemote) {
        return new ServeOptions(host, 0, Path.of("sam-template.yaml"), Map.of(), Map.of(), dir, Map.of(), Map.of(), null,
                "us-east-1", "canopy", null, true, Duration.ofSeconds(60), List.of(), allowRemote, 1000);
    }
}
