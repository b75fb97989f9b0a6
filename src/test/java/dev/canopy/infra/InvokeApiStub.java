package dev.canopy.infra;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.canopy.invoke.FunctionInvocationException;
import dev.canopy.invoke.FunctionInvoker;
import dev.canopy.json.Json;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A stand-in for {@code serve} where a test needs functions it controls: the Lambda Invoke API on 127.0.0.1
 * answered in-process by a {@link FunctionInvoker} (Canopy's function names: {@code supervise},
 * {@code predict}, ...). It resolves the names callers use ({@code PredictFunction}, {@code canopy-predict},
 * an ARN, a {@code :live} qualifier) and answers a function error as Lambda does (200,
 * {@code X-Amz-Function-Error: Unhandled}, {@code {errorType, errorMessage}}). The workflow scenarios run
 * against the real {@code serve}; this is for what serve cannot be made to return (a 10,000-shard answer).
 */
final class InvokeApiStub implements AutoCloseable {
    private static final Pattern PATH = Pattern.compile("/2015-03-31/functions/([^/]+)/invocations");
    private static final Map<String, String> LOGICAL_IDS = Map.of("SuperviseFunction", "supervise",
            "TrainFunction", "train", "StatusFunction", "status", "PredictFunction", "predict",
            "BatchPredictFunction", "batch-predict");
    private final HttpServer server;
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();

    InvokeApiStub(FunctionInvoker functions) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(threads);
        server.createContext("/", exchange -> {
            try (exchange) {
                handle(exchange, functions);
            }
        });
        server.start();
    }

    String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** {@code arn:aws:lambda:r:a:function:PredictFunction:live}, {@code canopy-predict} -> {@code predict}. */
    static String function(String name) {
        String n = URLDecoder.decode(name, StandardCharsets.UTF_8);
        if (n.startsWith("arn:")) {
            String[] parts = n.split(":");
            n = parts[6];
        } else if (n.contains(":")) {
            n = n.substring(0, n.indexOf(':'));
        }
        return LOGICAL_IDS.getOrDefault(n, n.startsWith("canopy-") ? n.substring("canopy-".length()) : n);
    }

    private static void handle(HttpExchange exchange, FunctionInvoker functions) throws IOException {
        Matcher m = PATH.matcher(exchange.getRequestURI().getPath());
        if (!"POST".equals(exchange.getRequestMethod()) || !m.matches()) {
            send(exchange, 404, Map.of("X-Amzn-ErrorType", "ResourceNotFoundException"), "{\"message\":\"not an Invoke request\"}");
            return;
        }
        String payload = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        try {
            send(exchange, 200, Map.of("X-Amz-Executed-Version", "1"), functions.invoke(function(m.group(1)), payload));
        } catch (FunctionInvocationException e) {
            send(exchange, 200, Map.of("X-Amz-Function-Error", "Unhandled", "X-Amz-Executed-Version", "1"),
                    Json.writeString(Map.of("errorType", e.errorType(), "errorMessage", e.errorMessage())));
        }
    }

    private static void send(HttpExchange exchange, int status, Map<String, String> headers, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        headers.forEach(exchange.getResponseHeaders()::set);
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
