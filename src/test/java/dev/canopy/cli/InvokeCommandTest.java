package dev.canopy.cli;

import com.sun.net.httpserver.HttpServer;
import dev.canopy.config.CanopyConfig;
import dev.canopy.invoke.local.LocalFunctionInvoker;
import dev.canopy.invoke.local.LocalFunctionInvoker.LocalFunction;
import dev.canopy.training.RunStatus;
import dev.canopy.training.StatusRequest;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code invoke}: in-process through the invoker it is given, and through the Lambda Invoke API at
 * {@code --endpoint}, here a stand-in on a free loopback port answering as Lambda does.
 */
class InvokeCommandTest {
    static HttpServer lambda;
    static final ConcurrentLinkedQueue<String> calls = new ConcurrentLinkedQueue<>();

    /** Lambda's answers: the payload back, a function error, an unknown function. */
    @BeforeAll
    static void startLambda() throws Exception {
        lambda = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        lambda.createContext("/2015-03-31/functions/", exchange -> {
            try (exchange) {
                String path = exchange.getRequestURI().getPath();
                String name = path.substring("/2015-03-31/functions/".length(), path.length() - "/invocations".length());
                String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                calls.add(exchange.getRequestMethod() + " " + name + " " + body);
                int status = 200;
                String answer = "{\"echo\":" + body + "}";
                if (name.startsWith("failing")) {
                    exchange.getResponseHeaders().add("X-Amz-Function-Error", "Unhandled");
                    answer = "{\"errorType\":\"dev.canopy.error.InvalidInputException\",\"errorMessage\":\"modelUri=\\\"x\\\": not a model\"}";
                } else if (name.startsWith("missing")) {
                    status = 404;
                    exchange.getResponseHeaders().add("X-Amzn-ErrorType", "ResourceNotFoundException");
                    answer = "{\"Type\":\"User\",\"Message\":\"Function not found: " + name + "\"}";
                }
                byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(status, bytes.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(bytes);
                }
            }
        });
        lambda.start();
    }

    @AfterAll
    static void stopLambda() {
        lambda.stop(0);
    }

    record Result(int exit, String out, String err) {
    }

    /** The command line with an invoke command whose invoker knows one function, status, answering from a map. */
    static Result run(String... args) {
        CanopyConfig config = new SmallRyeConfigBuilder().withMapping(CanopyConfig.class)
                .withDefaultValue("canopy.invoke.functions.status", "deployed-status").build()
                .getConfigMapping(CanopyConfig.class);
        LocalFunctionInvoker invoker = new LocalFunctionInvoker(Map.of("status", new LocalFunction<>(StatusRequest.class,
                r -> {
                    if (r.runId().equals("bad")) {
                        throw new IllegalArgumentException("no run\nnamed bad");
                    }
                    return new RunStatus(r.runId(), List.of());
                })));
        CommandLine.IFactory factory = new CommandLine.IFactory() {
            @Override
            public <K> K create(Class<K> cls) throws Exception {
                K made = CommandLine.defaultFactory().create(cls);
                if (made instanceof InvokeCommand invoke) {
                    invoke.invoker = invoker;
                    invoke.config = config;
                }
                return made;
            }
        };
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = CanopyCommand.commandLine(factory);
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute(args);
        return new Result(exit, out.toString(), err.toString());
    }

    private static String endpoint() {
        return "http://127.0.0.1:" + lambda.getAddress().getPort();
    }

    @Test
    void inProcessPrintsTheAnswerByLogicalOrDeployedName(@TempDir Path dir) throws Exception {
        Result r = run("invoke", "status", "--payload", "{\"runId\": \"r1\"}");
        assertEquals(0, r.exit(), r.err());
        assertEquals("{\"runId\":\"r1\",\"trainers\":[]}", r.out().strip());
        assertEquals("", r.err());

        Path payload = dir.resolve("p.json");
        Files.writeString(payload, "{\"runId\": \"r2\"}");
        Result deployed = run("invoke", "deployed-status", "--payload-file", payload.toString());
        assertEquals(0, deployed.exit(), deployed.err());
        assertEquals("{\"runId\":\"r2\",\"trainers\":[]}", deployed.out().strip());
    }

    @Test
    void inProcessAFunctionErrorIsOneLineWithItsTypeAndMessage() {
        Result r = run("invoke", "status", "--payload", "{\"runId\": \"bad\"}");
        assertEquals(1, r.exit());
        assertEquals("", r.out());
        assertEquals("canopy: IllegalArgumentException: no run named bad", r.err().strip());

        Result field = run("invoke", "status", "--payload", "{\"run\": \"r1\"}");
        assertEquals(1, field.exit());
        assertTrue(field.err().startsWith("canopy: InvalidInputException: run=\"run\": unknown field"), field.err());

        Result unknown = run("invoke", "fly", "--payload", "{}");
        assertEquals(1, unknown.exit());
        assertTrue(unknown.err().startsWith("canopy: InvalidInputException: function=\"fly\": no such function"), unknown.err());
    }

    @Test
    void throughAnEndpointTheNameGoesAsItIsAndTheAnswerIsPrinted() {
        calls.clear();
        Result r = run("invoke", "canopy-predict:live", "--payload", "{\"shard\":\"s\"}", "--endpoint", endpoint());
        assertEquals(0, r.exit(), r.err());
        assertEquals("{\"echo\":{\"shard\":\"s\"}}", r.out().strip());
        assertEquals(List.of("POST canopy-predict:live {\"shard\":\"s\"}"), List.copyOf(calls));

        // a logical name is sent as the deployed name configured for it, as Canopy's own callers send it
        calls.clear();
        Result logical = run("invoke", "status", "--payload", "{\"runId\":\"r\"}", "--endpoint", endpoint());
        assertEquals(0, logical.exit(), logical.err());
        assertEquals(List.of("POST deployed-status {\"runId\":\"r\"}"), List.copyOf(calls));
    }

    @Test
    void throughAnEndpointAFunctionErrorIsTheFunctionsTypeAndMessage() {
        Result r = run("invoke", "failing-predict", "--payload", "{}", "--endpoint", endpoint());
        assertEquals(1, r.exit());
        assertEquals("", r.out());
        assertEquals("canopy: InvalidInputException: modelUri=\"x\": not a model", r.err().strip());

        Result missing = run("invoke", "missing-fn", "--payload", "{}", "--endpoint", endpoint());
        assertEquals(1, missing.exit());
        assertTrue(missing.err().startsWith("canopy: ResourceNotFoundException: Function not found: missing-fn"), missing.err());
    }
}
