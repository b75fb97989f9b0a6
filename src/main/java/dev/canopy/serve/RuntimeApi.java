package dev.canopy.serve;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Supplier;

/**
 * Lambda's Runtime API (docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html) for one execution environment:
 * a server on a loopback port of its own, whose {@link #address()} the function's runtime client gets as
 * {@code AWS_LAMBDA_RUNTIME_API}. It is Canopy's one Runtime API: serve's {@link Instance}s and the
 * cold-start bench both run their function processes against it.
 *
 * <ul>
 *   <li>{@code GET invocation/next} hands out the {@link #offer offered} events one at a time, with Lambda's
 *       headers (request id, deadline, invoked ARN, trace id); with none offered it holds the poll, as Lambda
 *       freezes an idle environment, until an event comes or {@link #release()} lets it go unanswered. The
 *       first poll's time is the end of the environment's initialisation ({@link #firstPollNanos()}).</li>
 *   <li>{@code POST invocation/{id}/response} and {@code .../error} answer the current event (the one the
 *       owner says the environment is on); another request id gets 400 InvalidRequestID.</li>
 *   <li>{@code POST init/error} (the handler could not be loaded) answers the current event, which the runtime
 *       has not taken yet, with an {@link Kind#INIT_ERROR}. Any other path gets 404.</li>
 * </ul>
 */
public final class RuntimeApi implements AutoCloseable {
    static final String PATH = "/2018-06-01/runtime/";
    /** Lets a held poll go (queued in place of an event). */
    private static final Object STOP = new Object();

    /** An event the runtime takes, and where its answer goes. */
    public interface Event {
        String requestId();

        /** {@code Lambda-Runtime-Invoked-Function-Arn} */
        String invokedArn();

        /** {@code Lambda-Runtime-Trace-Id}, asked for as the event is handed out */
        String traceId();

        byte[] payload();

        /** The runtime took the event at {@code nanos} ({@link System#nanoTime()}); called before the event is sent. */
        void delivered(long nanos);

        /** The runtime's answer; called on the Runtime API's thread before the runtime is told it was accepted. */
        void answered(Answer answer);
    }

    /** Which call answered an event. */
    public enum Kind {
        /** {@code invocation/{id}/response}: the function's response */
        RESPONSE,
        /** {@code invocation/{id}/error}: the function's error */
        ERROR,
        /** {@code init/error}: the initialisation failed before the runtime took the event */
        INIT_ERROR
    }

    /**
     * @param body          what the runtime posted
     * @param errorType     the {@code Lambda-Runtime-Function-Error-Type} header, or null
     * @param receivedNanos {@link System#nanoTime()} as the answer arrived, before its body was read
     */
    public record Answer(Kind kind, byte[] body, String errorType, long receivedNanos) {
    }

    private final HttpServer server;
    private final int timeoutSeconds;
    private final Supplier<? extends Event> current;
    private final LinkedBlockingQueue<Object> events = new LinkedBlockingQueue<>();
    private volatile long firstPollNanos = -1;

    /**
     * Opens the port and starts serving.
     *
     * @param name           the environment, for an error message
     * @param timeoutSeconds the function's timeout: each event's deadline is this long after its delivery
     * @param current        the event the environment is on (null: none): the one an answer must name and an
     *                       init error answers
     */
    public RuntimeApi(String name, int timeoutSeconds, Supplier<? extends Event> current) {
        this.timeoutSeconds = timeoutSeconds;
        this.current = current;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open a Runtime API port for " + name, e);
        }
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext(PATH, this::handle);
        server.start();
    }

    /** {@code host:port}, as {@code AWS_LAMBDA_RUNTIME_API} takes it. */
    public String address() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    /** Queues an event for the runtime's next poll. */
    public void offer(Event event) {
        events.add(event);
    }

    /** {@link System#nanoTime()} of the runtime's first poll for an event, or -1 before it. */
    public long firstPollNanos() {
        return firstPollNanos;
    }

    /** Lets a held poll go unanswered: the environment is being stopped. */
    public void release() {
        events.add(STOP);
    }

    /** Releases a held poll and stops serving. */
    @Override
    public void close() {
        release();
        server.stop(0);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath().substring(PATH.length());
            if (path.equals("invocation/next") && exchange.getRequestMethod().equals("GET")) {
                next(exchange);
            } else if (path.startsWith("invocation/") && (path.endsWith("/response") || path.endsWith("/error"))) {
                long received = System.nanoTime();
                String requestId = path.substring("invocation/".length(), path.lastIndexOf('/'));
                byte[] body = exchange.getRequestBody().readAllBytes();
                Event event = current.get();
                if (event == null || !event.requestId().equals(requestId)) {
                    send(exchange, 400, "{\"errorMessage\":\"unknown request id " + requestId + "\",\"errorType\":\"InvalidRequestID\"}");
                    return;
                }
                event.answered(new Answer(path.endsWith("/response") ? Kind.RESPONSE : Kind.ERROR, body,
                        exchange.getRequestHeaders().getFirst("Lambda-Runtime-Function-Error-Type"), received));
                send(exchange, 202, "{\"status\":\"OK\"}");
            } else if (path.equals("init/error")) {
                long received = System.nanoTime();
                byte[] body = exchange.getRequestBody().readAllBytes();
                Event event = current.get();
                if (event != null) {
                    event.answered(new Answer(Kind.INIT_ERROR, body,
                            exchange.getRequestHeaders().getFirst("Lambda-Runtime-Function-Error-Type"), received));
                }
                send(exchange, 202, "{\"status\":\"OK\"}");
            } else {
                send(exchange, 404, "{\"errorMessage\":\"unknown Runtime API path " + path + "\",\"errorType\":\"NotFound\"}");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void next(HttpExchange exchange) throws IOException, InterruptedException {
        if (firstPollNanos < 0) {
            firstPollNanos = System.nanoTime();
        }
        Object next = events.take(); // a frozen environment waits here until its next event
        if (next == STOP) {
            return;
        }
        Event event = (Event) next;
        event.delivered(System.nanoTime());
        var h = exchange.getResponseHeaders();
        h.add("Lambda-Runtime-Aws-Request-Id", event.requestId());
        h.add("Lambda-Runtime-Deadline-Ms", String.valueOf(System.currentTimeMillis() + timeoutSeconds * 1000L));
        h.add("Lambda-Runtime-Invoked-Function-Arn", event.invokedArn());
        h.add("Lambda-Runtime-Trace-Id", event.traceId());
        h.add("Content-Type", "application/json");
        byte[] payload = event.payload();
        exchange.sendResponseHeaders(200, payload.length == 0 ? -1 : payload.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(payload);
        }
    }

    /** A JSON answer. */
    private static void send(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
