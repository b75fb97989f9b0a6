package dev.canopy.serve;

import com.sun.net.httpserver.HttpExchange;
import dev.canopy.json.Json;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Lambda's Invoke API ({@code POST /2015-03-31/functions/{name}/invocations}), answered as the service
 * answers: the function's response with {@code X-Amz-Executed-Version}; a function error, a timeout or a
 * crashed runtime as status 200 with {@code X-Amz-Function-Error: Unhandled} and the error's JSON; service
 * errors with their status, {@code x-amzn-ErrorType} and {@code {"Type": "User", "message": ...}}: 404
 * ResourceNotFoundException, 413 RequestEntityTooLargeException above {@value #MAX_PAYLOAD} bytes, 429
 * TooManyRequestsException above the reserved concurrency, 400 for a body that is not JSON or a bad
 * qualifier. {@code X-Amz-Log-Type: Tail} adds the last 4 KB of the invocation's log, ending with its
 * {@code REPORT} line, as base64 in {@code X-Amz-Log-Result}. Invocation types: RequestResponse, Event (202,
 * run in the background) and DryRun (204).
 */
final class InvokeApi {
    /** Lambda's limit for a synchronous request, and for a response ({@value #MAX_RESPONSE}). */
    static final int MAX_PAYLOAD = 6_291_456;
    static final int MAX_RESPONSE = 6_291_556;
    static final int MAX_EVENT_PAYLOAD = 262_144;
    private static final int TAIL_BYTES = 4096;
    /** Event invocations accepted and not yet ended; Lambda queues more, serve holds each one's payload in memory. */
    static final int MAX_EVENTS_IN_FLIGHT = 256;
    private final java.util.concurrent.atomic.AtomicInteger eventsInFlight = new java.util.concurrent.atomic.AtomicInteger();
    private static final Pattern PATH = Pattern.compile("/2015-03-31/functions/([^/]+)/invocations/?");

    private final Functions functions;
    private final String region;
    private final Duration initLimit;
    private final InvocationLog log;
    private final Consumer<String> echo;

    InvokeApi(Functions functions, String region, Duration initLimit, InvocationLog log, Consumer<String> echo) {
        this.functions = functions;
        this.region = region;
        this.initLimit = initLimit;
        this.log = log;
        this.echo = echo;
    }

    /** A resolved function name: which function, the qualifier asked for, the version that runs. */
    private record Target(Functions.Pool pool, String calledName, String qualifier, String version) {
        String arn(String region) {
            String arn = SamTemplate.arn(region, pool.spec.name());
            return qualifier == null ? arn : arn + ":" + qualifier;
        }
    }

    /** A service error: what the real service answers with the same status and type. */
    private static final class ServiceError extends RuntimeException {
        final int status;
        final String type;
        final String reason;

        ServiceError(int status, String type, String message, String reason) {
            super(message);
            this.status = status;
            this.type = type;
            this.reason = reason;
        }
    }

    void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String function = null;
            byte[] payload = null;
            String requestId = java.util.UUID.randomUUID().toString();
            try {
                refuseBrowsersAndUnsigned(exchange.getRequestHeaders());
                Matcher m = PATH.matcher(exchange.getRequestURI().getPath());
                if (!m.matches() || !exchange.getRequestMethod().equals("POST")) {
                    throw new ServiceError(404, "UnknownOperationException", "Unknown operation: "
                            + exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath(), null);
                }
                function = m.group(1);
                Target target = resolve(m.group(1), queryParameter(exchange.getRequestURI().getRawQuery(), "Qualifier"));
                function = target.pool.spec.name();
                payload = readPayload(exchange.getRequestBody());
                if (payload.length == 0) {
                    payload = "{}".getBytes(StandardCharsets.UTF_8); // Lambda hands a function {} for an empty body
                }
                String type = header(exchange, "X-Amz-Invocation-Type", "RequestResponse");
                checkJson(payload);
                switch (type) {
                    case "DryRun" -> {
                        log.write(end(requestId, function, payload, 204, "DryRun", null));
                        sendEmpty(exchange, 204, target.version);
                    }
                    case "Event" -> {
                        if (payload.length > MAX_EVENT_PAYLOAD) {
                            throw new ServiceError(413, "RequestEntityTooLargeException", "Request must be smaller than "
                                    + MAX_EVENT_PAYLOAD + " bytes for the InvokeAsync operation", null);
                        }
                        byte[] p = payload;
                        if (eventsInFlight.incrementAndGet() > MAX_EVENTS_IN_FLIGHT) {
                            eventsInFlight.decrementAndGet();
                            throw new ServiceError(429, "TooManyRequestsException", "Rate Exceeded: " + MAX_EVENTS_IN_FLIGHT
                                    + " Event invocations are waiting or running", "EventsInFlightLimitExceeded");
                        }
                        Thread.ofVirtual().start(() -> {
                            try {
                                runEvent(target, p);
                            } finally {
                                eventsInFlight.decrementAndGet();
                            }
                        });
                        log.write(end(requestId, function, payload, 202, "Queued", null));
                        sendEmpty(exchange, 202, null);
                    }
                    case "RequestResponse" -> invoke(exchange, target, payload,
                            "Tail".equalsIgnoreCase(header(exchange, "X-Amz-Log-Type", "None")));
                    default -> throw new ServiceError(400, "InvalidParameterValueException",
                            "Unsupported invocation type: " + type, null);
                }
            } catch (ServiceError e) {
                Map<String, Object> r = end(requestId, function, payload, e.status, "ServiceError", e.type);
                log.write(r);
                if (e.status == 403) {
                    echo.accept("canopy: serve refused " + exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath()
                            + " from " + exchange.getRemoteAddress() + " (403 " + e.type + ")");
                } else if (e.status == 429 && function != null && functions.find(function) != null) {
                    echo.accept("canopy: serve " + function + " throttled (429): "
                            + ("ReservedFunctionConcurrentInvocationLimitExceeded".equals(e.reason) ? "reserved concurrency "
                            + functions.find(function).spec.reservedConcurrency() + " in use" : e.getMessage()));
                }
                sendServiceError(exchange, requestId, e);
            }
        } catch (IOException | RuntimeException e) {
            echo.accept("canopy: serve: " + e);
        }
    }

    /** AWS's form of a SigV4 Authorization header: scheme, credential scope, signed headers, hex signature. */
    private static final Pattern SIGV4 = Pattern.compile("AWS4-HMAC-SHA256 Credential=[^/\\s,]+/\\d{8}/[a-z0-9-]+/lambda/"
            + "aws4_request, ?SignedHeaders=[a-z0-9;.-]*host[a-z0-9;.-]*, ?Signature=[0-9a-f]{64}");

    /**
     * serve runs the functions with the user's AWS keys, so it must refuse what a web page can send: a
     * browser adds {@code Origin} to every cross-origin POST and {@code Sec-Fetch-Site} to every fetch, and
     * cannot add {@code Authorization} without a CORS preflight, which serve never answers. AWS SDKs and the
     * CLI sign every request with SigV4. The header's form is checked, not its signature: serve does not know
     * the caller's secret key, and a caller that can read the user's keys needs no serve to use them.
     */
    static void refuseBrowsersAndUnsigned(com.sun.net.httpserver.Headers h) {
        String origin = h.getFirst("Origin");
        if (origin != null) {
            throw new ServiceError(403, "AccessDeniedException", "serve refuses requests from web pages (Origin: "
                    + origin + "); call it with an AWS SDK or the AWS CLI", null);
        }
        String site = h.getFirst("Sec-Fetch-Site");
        if (site != null && !site.equals("none")) {
            throw new ServiceError(403, "AccessDeniedException", "serve refuses requests from web pages (Sec-Fetch-Site: "
                    + site + "); call it with an AWS SDK or the AWS CLI", null);
        }
        String auth = h.getFirst("Authorization");
        if (auth == null) {
            throw new ServiceError(403, "MissingAuthenticationTokenException", "Missing Authentication Token: serve "
                    + "needs an AWS Signature Version 4 Authorization header, as every AWS SDK and the AWS CLI send", null);
        }
        if (!SIGV4.matcher(auth).matches() || h.getFirst("X-Amz-Date") == null) {
            throw new ServiceError(403, "IncompleteSignatureException", "Authorization is not an AWS Signature "
                    + "Version 4 header for lambda with an X-Amz-Date: " + auth.split("Signature=")[0].strip(), null);
        }
    }

    private Map<String, Object> end(String requestId, String function, byte[] payload, int status, String outcome,
                                    String errorType) {
        Map<String, Object> r = InvocationLog.record("end", requestId, function, payload);
        r.put("status", status);
        r.put("outcome", outcome);
        if (errorType != null) {
            r.put("errorType", errorType);
        }
        return r;
    }

    private Target resolve(String name, String queryQualifier) {
        String function;
        String qualifier = null;
        if (name.startsWith("arn:")) {
            String[] p = name.split(":", -1);
            if (p.length < 7 || p.length > 8 || !p[2].equals("lambda") || !p[5].equals("function")) {
                throw new ServiceError(400, "ValidationException", "1 validation error detected: Value '" + name
                        + "' at 'functionName' failed to satisfy constraint: not a function ARN", null);
            }
            function = p[6];
            qualifier = p.length == 8 ? p[7] : null;
        } else {
            int colon = name.indexOf(':');
            function = colon < 0 ? name : name.substring(0, colon);
            qualifier = colon < 0 ? null : name.substring(colon + 1);
        }
        if (qualifier != null && queryQualifier != null && !qualifier.equals(queryQualifier)) {
            throw new ServiceError(400, "InvalidParameterValueException",
                    "The derived qualifier from the function name does not match the specified qualifier.", null);
        }
        qualifier = qualifier != null ? qualifier : queryQualifier;
        Functions.Pool pool = functions.find(function);
        String arn = SamTemplate.arn(region, function) + (qualifier == null ? "" : ":" + qualifier);
        if (pool == null) {
            throw new ServiceError(404, "ResourceNotFoundException", "Function not found: " + arn, null);
        }
        // $LATEST, or the one published version (1) and the alias that points at it
        String version;
        if (qualifier == null || qualifier.equals("$LATEST")) {
            version = "$LATEST";
        } else if (qualifier.equals("1") || qualifier.equals(pool.spec.alias())) {
            version = "1";
        } else {
            throw new ServiceError(404, "ResourceNotFoundException", "Function not found: "
                    + SamTemplate.arn(region, pool.spec.name()) + ":" + qualifier, null);
        }
        return new Target(pool, name, qualifier, version);
    }

    private static byte[] readPayload(InputStream body) throws IOException {
        byte[] b = body.readNBytes(MAX_PAYLOAD + 1);
        if (b.length > MAX_PAYLOAD) {
            body.skip(Long.MAX_VALUE); // let the client finish sending before it reads the answer
            throw new ServiceError(413, "RequestEntityTooLargeException", "Request must be smaller than " + MAX_PAYLOAD
                    + " bytes for the InvokeFunction operation", null);
        }
        return b;
    }

    private static void checkJson(byte[] payload) {
        if (payload.length == 0) {
            return;
        }
        try {
            Json.MAPPER.readTree(payload);
        } catch (IOException e) {
            throw new ServiceError(400, "InvalidRequestContentException", "Could not parse request body into json: "
                    + (e instanceof com.fasterxml.jackson.core.JsonProcessingException j ? j.getOriginalMessage() : e.getMessage()), null);
        }
    }

    private void invoke(HttpExchange exchange, Target target, byte[] payload, boolean tail) throws IOException {
        Run run = run(target, payload, tail);
        var h = exchange.getResponseHeaders();
        h.add("Content-Type", "application/json");
        h.add("X-Amz-Executed-Version", target.version);
        h.add("x-amzn-RequestId", run.inv.requestId);
        if (run.outcome.kind() != InstanceInvocation.Kind.RESPONSE) {
            h.add("X-Amz-Function-Error", "Unhandled");
        }
        if (tail) {
            byte[] text = run.log.getBytes(StandardCharsets.UTF_8);
            h.add("X-Amz-Log-Result", Base64.getEncoder().encodeToString(
                    Arrays.copyOfRange(text, Math.max(0, text.length - TAIL_BYTES), text.length)));
        }
        byte[] body = run.body;
        exchange.sendResponseHeaders(200, body.length == 0 ? -1 : body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    private record Run(InstanceInvocation inv, InstanceInvocation.Outcome outcome, byte[] body, String log) {
    }

    /**
     * The invocation's REPORT line, as Lambda writes it: tab-separated fields, each followed by a tab. Billed
     * Duration is the Duration plus, on a cold start, the Init Duration, rounded up to the next millisecond:
     * Lambda bills the Init phase of on-demand functions since 1 August 2025 (before, only for custom
     * runtimes and images), and bills in 1 ms steps.
     */
    static String reportLine(String requestId, double millis, Double initMillis, int memoryMb, long maxMemoryMb,
                             InstanceInvocation.Kind kind) {
        long billed = (long) Math.ceil(millis + (initMillis == null ? 0 : initMillis));
        return String.format(Locale.ROOT, "REPORT RequestId: %s\tDuration: %.2f ms\tBilled Duration: %d ms\t"
                        + "Memory Size: %d MB\tMax Memory Used: %d MB\t%s%s", requestId, millis, billed,
                memoryMb, maxMemoryMb, initMillis == null ? "" : String.format(Locale.ROOT, "Init Duration: %.2f ms\t", initMillis),
                kind == InstanceInvocation.Kind.TIMEOUT || kind == InstanceInvocation.Kind.INIT_TIMEOUT ? "Status: timeout"
                        : kind == InstanceInvocation.Kind.EXIT ? "Status: error\tError Type: Runtime.ExitError"
                        : kind == InstanceInvocation.Kind.OUT_OF_MEMORY ? "Status: error\tError Type: Runtime.OutOfMemory" : "");
    }

    /** Runs one invocation on a free or new instance; throttled above the reserved concurrency. */
    private Run run(Target target, byte[] payload, boolean tail) {
        Functions.Pool pool = target.pool;
        FunctionSpec spec = pool.spec;
        Instance instance;
        try {
            instance = pool.acquire();
        } catch (IllegalStateException stopping) {
            throw new ServiceError(500, "ServiceException", "serve is stopping", null);
        } catch (Functions.Throttled t) {
            throw new ServiceError(429, "TooManyRequestsException", t.getMessage(), t.reason);
        }
        InstanceInvocation inv = new InstanceInvocation(target.arn(region), payload);
        if (instance == null) {
            throw new ServiceError(429, "TooManyRequestsException", "Rate Exceeded.",
                    "ReservedFunctionConcurrentInvocationLimitExceeded");
        }
        Map<String, Object> start = InvocationLog.record("start", inv.requestId, spec.name(), payload);
        start.put("instance", instance.id);
        log.write(start);
        InstanceInvocation.Outcome outcome;
        boolean reuse = false;
        try {
            outcome = instance.invoke(inv, initLimit, tail);
            reuse = outcome.kind() == InstanceInvocation.Kind.RESPONSE || outcome.kind() == InstanceInvocation.Kind.ERROR
                    && !"init".equals(outcome.detail());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            outcome = InstanceInvocation.Outcome.exitError(InstanceInvocation.Kind.EXIT, inv.requestId,
                    "serve is stopping");
        }
        // read before the release: Lambda resets a timed-out or broken environment, and a killed JVM has no figure
        long memory = instance.maxMemoryUsedMb();
        long over = instance.overMemoryMb();
        Double initMillis = instance.takeInitMillis();
        pool.release(instance, reuse);
        long end = System.nanoTime();
        double millis = (end - inv.delivered.getNow(end)) / 1e6;
        if (outcome.kind() == InstanceInvocation.Kind.TIMEOUT) {
            millis = TimeUnit.SECONDS.toMillis(spec.timeoutSeconds());
        }
        byte[] body = outcome.body();
        if (outcome.kind() == InstanceInvocation.Kind.RESPONSE && body.length > MAX_RESPONSE) {
            outcome = InstanceInvocation.Outcome.of(InstanceInvocation.Kind.ERROR, "{\"errorType\":\"Function.ResponseSizeTooLarge\","
                    + "\"errorMessage\":\"Response payload size exceeded maximum allowed payload size (" + MAX_RESPONSE
                    + " bytes).\"}");
            body = outcome.body();
        }
        String report = reportLine(inv.requestId, millis, initMillis, spec.memoryMb(), memory, outcome.kind());
        String text = "START RequestId: " + inv.requestId + " Version: " + target.version + "\n" + inv.log()
                + "END RequestId: " + inv.requestId + "\n" + report + "\n";
        echo.accept("[" + instance.id + "] " + report);
        if (outcome.kind() == InstanceInvocation.Kind.OUT_OF_MEMORY) {
            echo.accept("canopy: serve: " + instance.id + " reached " + over + " MB of its " + spec.memoryMb()
                    + " MB during " + inv.requestId + ": killed, as Lambda kills a function over its MemorySize");
        }
        if (outcome.kind() == InstanceInvocation.Kind.EXIT) {
            // shown even with --quiet: the runtime's last words are the only clue to why it died
            String[] lines = inv.log().split("\n");
            echo.accept("canopy: serve: " + instance.id + " exited during " + inv.requestId + "; its last lines:");
            for (int i = Math.max(0, lines.length - 40); i < lines.length; i++) {
                echo.accept("  " + lines[i]);
            }
        }

        Map<String, Object> r = end(inv.requestId, spec.name(), payload, 200, switch (outcome.kind()) {
            case RESPONSE -> "Success";
            case ERROR -> "Unhandled";
            case TIMEOUT, INIT_TIMEOUT -> "TimedOut";
            case EXIT -> "Crashed";
            case OUT_OF_MEMORY -> "OutOfMemory";
        }, outcome.kind() == InstanceInvocation.Kind.RESPONSE ? null : errorType(body));
        r.put("instance", instance.id);
        r.put("coldStart", initMillis != null);
        r.put("durationMs", Math.round(millis * 100) / 100.0);
        r.put("maxMemoryUsedMb", memory);
        log.write(r);
        return new Run(inv, outcome, body, text);
    }

    private static String errorType(byte[] body) {
        try {
            var n = Json.MAPPER.readTree(body);
            return n != null && n.hasNonNull("errorType") ? n.get("errorType").asText() : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** Event invocations: Lambda queues them and retries throttled ones; here, for up to a minute. */
    private void runEvent(Target target, byte[] payload) {
        for (int attempt = 0; attempt < 60; attempt++) {
            try {
                run(target, payload, false);
                return;
            } catch (ServiceError throttled) {
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException e) {
                    return;
                }
            } catch (RuntimeException e) {
                echo.accept("canopy: serve: event invocation of " + target.pool.spec.name() + " failed: " + e);
                return;
            }
        }
    }

    private static String header(HttpExchange exchange, String name, String otherwise) {
        String v = exchange.getRequestHeaders().getFirst(name);
        return v == null || v.isBlank() ? otherwise : v.trim();
    }

    private static String queryParameter(String rawQuery, String name) {
        if (rawQuery == null) {
            return null;
        }
        for (String pair : rawQuery.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0 && URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8).equals(name)) {
                return URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    private static void sendEmpty(HttpExchange exchange, int status, String version) throws IOException {
        if (version != null) {
            exchange.getResponseHeaders().add("X-Amz-Executed-Version", version);
        }
        exchange.sendResponseHeaders(status, -1);
    }

    private static void sendServiceError(HttpExchange exchange, String requestId, ServiceError e) throws IOException {
        Map<String, Object> body = new java.util.LinkedHashMap<>();
        if (e.reason != null) {
            body.put("Reason", e.reason);
        }
        body.put("Type", "User");
        body.put("message", e.getMessage());
        byte[] bytes = Json.writeString(body).getBytes(StandardCharsets.UTF_8);
        var h = exchange.getResponseHeaders();
        h.add("Content-Type", "application/json");
        h.add("x-amzn-ErrorType", e.type);
        h.add("x-amzn-RequestId", requestId);
        exchange.sendResponseHeaders(e.status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
