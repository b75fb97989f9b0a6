package dev.canopy.serve;

import org.junit.jupiter.api.Test;

import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The one Runtime API, driven over HTTP as a runtime client drives it: an event with Lambda's headers, an
 * answer that must name the current event, an init error, a held poll that a release lets go.
 */
class RuntimeApiTest {
    /** HTTP/1.1, as the runtime client speaks it (an h2c upgrade attempt would hold a second request behind a held poll). */
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    /** A request that gets no answer fails the test, never hangs the suite. */
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private static final class Event implements RuntimeApi.Event {
        final String id;
        final CompletableFuture<Long> delivered = new CompletableFuture<>();
        final CompletableFuture<RuntimeApi.Answer> answer = new CompletableFuture<>();

        Event(String id) {
            this.id = id;
        }

        public String requestId() {
            return id;
        }

        public String invokedArn() {
            return "arn:aws:lambda:us-east-1:000000000000:function:f";
        }

        public String traceId() {
            return "Root=1-00000000-000000000000000000000001";
        }

        public byte[] payload() {
            return "{\"x\": 1}".getBytes(StandardCharsets.UTF_8);
        }

        public void delivered(long nanos) {
            delivered.complete(nanos);
        }

        public void answered(RuntimeApi.Answer a) {
            answer.complete(a);
        }
    }

    private HttpResponse<String> get(RuntimeApi api, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(uri(api, path)).timeout(TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(RuntimeApi api, String path, String body, String errorType) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(api, path)).timeout(TIMEOUT).POST(HttpRequest.BodyPublishers.ofString(body));
        if (errorType != null) {
            b.header("Lambda-Runtime-Function-Error-Type", errorType);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static URI uri(RuntimeApi api, String path) {
        return URI.create("http://" + api.address() + RuntimeApi.PATH + path);
    }

    @Test
    void handsOutAnEventWithLambdasHeadersAndTakesTheAnswerThatNamesIt() throws Exception {
        Event e = new Event("req-1");
        AtomicReference<Event> current = new AtomicReference<>(e);
        try (RuntimeApi api = new RuntimeApi("f-1", 30, current::get)) {
            assertEquals(-1, api.firstPollNanos());
            api.offer(e);
            long before = System.currentTimeMillis();
            HttpResponse<String> next = get(api, "invocation/next");
            assertEquals(200, next.statusCode());
            assertEquals("{\"x\": 1}", next.body());
            assertEquals("req-1", next.headers().firstValue("Lambda-Runtime-Aws-Request-Id").orElseThrow());
            assertEquals(e.invokedArn(), next.headers().firstValue("Lambda-Runtime-Invoked-Function-Arn").orElseThrow());
            assertEquals(e.traceId(), next.headers().firstValue("Lambda-Runtime-Trace-Id").orElseThrow());
            long deadline = Long.parseLong(next.headers().firstValue("Lambda-Runtime-Deadline-Ms").orElseThrow());
            assertTrue(deadline >= before + 30_000 && deadline <= System.currentTimeMillis() + 30_000, "deadline " + deadline);
            assertTrue(e.delivered.isDone());
            assertTrue(api.firstPollNanos() > 0 && api.firstPollNanos() <= e.delivered.get());

            HttpResponse<String> wrong = post(api, "invocation/req-2/response", "{}", null);
            assertEquals(400, wrong.statusCode());
            assertTrue(wrong.body().contains("InvalidRequestID"), wrong.body());
            assertFalse(e.answer.isDone(), "an answer naming another request is refused");

            long sent = System.nanoTime();
            assertEquals(202, post(api, "invocation/req-1/error", "{\"errorType\":\"E\"}", "Unhandled").statusCode());
            RuntimeApi.Answer a = e.answer.get(10, TimeUnit.SECONDS);
            assertEquals(RuntimeApi.Kind.ERROR, a.kind());
            assertArrayEquals("{\"errorType\":\"E\"}".getBytes(StandardCharsets.UTF_8), a.body());
            assertEquals("Unhandled", a.errorType());
            assertTrue(a.receivedNanos() >= sent && a.receivedNanos() <= System.nanoTime());

            assertEquals(404, get(api, "invocation/nowhere").statusCode());
        }
    }

    @Test
    void anInitErrorAnswersTheCurrentEventBeforeItIsTaken() throws Exception {
        Event e = new Event("req-1");
        try (RuntimeApi api = new RuntimeApi("f-1", 30, () -> e)) {
            api.offer(e);
            assertEquals(202, post(api, "init/error", "{\"errorType\":\"Runtime.ClassNotFound\"}", "Runtime.ClassNotFound")
                    .statusCode());
            RuntimeApi.Answer a = e.answer.get(10, TimeUnit.SECONDS);
            assertEquals(RuntimeApi.Kind.INIT_ERROR, a.kind());
            assertFalse(e.delivered.isDone());
        }
        try (RuntimeApi none = new RuntimeApi("f-2", 30, () -> null)) {
            assertEquals(202, post(none, "init/error", "{}", null).statusCode(), "accepted with no event to answer");
            assertEquals(400, post(none, "invocation/req-1/response", "{}", null).statusCode());
        }
    }

    @Test
    void aPollWithoutAnEventIsHeldUntilReleasedAndAClosedApiEndsIt() throws Exception {
        Event e = new Event("req-1");
        RuntimeApi api = new RuntimeApi("f-1", 30, () -> e);
        CompletableFuture<HttpResponse<String>> held;
        try {
            held = http.sendAsync(HttpRequest.newBuilder(uri(api, "invocation/next")).build(),
                    HttpResponse.BodyHandlers.ofString());
            // bounded wait until the poll is at the server (it then takes whatever is queued first), so that the
            // release below is the held poll's, never the next one's
            for (int i = 0; i < 200 && api.firstPollNanos() < 0; i++) {
                Thread.sleep(50);
            }
            assertTrue(api.firstPollNanos() > 0, "the poll reached the Runtime API");
            Thread.sleep(100);
            assertFalse(held.isDone(), "a frozen environment's poll is held");
            // release is how a stopping environment's poll is let go (its process is killed next): the poll gets
            // no event. (The client may send a GET whose connection closed unanswered once more; that one is held
            // again, so no event is offered here: it would go to that retry.)
            api.release();
            Thread.sleep(200);
            assertTrue(!held.isDone() || held.isCompletedExceptionally(), "a released poll is not answered");
            assertFalse(e.delivered.isDone(), "no event was handed out");
        } finally {
            api.close();
        }
        assertThrows(ExecutionException.class, () -> held.get(10, TimeUnit.SECONDS), "closing the API closes its connections");
    }

    /**
     * {@code release()} lets a held poll go, and the event offered after it goes to the next poll. Over a plain
     * socket, as the JDK's HTTP client would send the unanswered GET once more (and that retry would take the
     * event).
     */
    @Test
    void aReleasedPollEndsWithoutAnEventAndTheNextPollGetsTheEvent() throws Exception {
        Event e = new Event("req-2");
        try (RuntimeApi api = new RuntimeApi("f-2", 30, () -> e)) {
            String[] hostPort = api.address().split(":");
            try (Socket held = new Socket(hostPort[0], Integer.parseInt(hostPort[1]))) {
                held.setSoTimeout(10_000);
                held.getOutputStream().write(("GET " + RuntimeApi.PATH + "invocation/next HTTP/1.1\r\nHost: "
                        + api.address() + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                held.getOutputStream().flush();
                for (int i = 0; i < 200 && api.firstPollNanos() < 0; i++) {
                    Thread.sleep(50);
                }
                assertTrue(api.firstPollNanos() > 0, "the poll reached the Runtime API");
                api.release();
                // the released poll ends: its connection closes with no response (a read past 10 s fails the test)
                String answer = new String(held.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
                assertFalse(answer.contains("req-2"), answer);
            }
            api.offer(e);
            HttpResponse<String> next = get(api, "invocation/next");
            assertEquals("req-2", next.headers().firstValue("Lambda-Runtime-Aws-Request-Id").orElseThrow());
        }
    }
}
