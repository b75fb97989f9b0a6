package dev.canopy.serve;

import com.sun.net.httpserver.HttpServer;
import dev.canopy.error.InvalidInputException;
import dev.canopy.storage.StorageUri;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

/**
 * A running local Lambda: the template's functions behind the Invoke API (see {@link InvokeApi}), each
 * invocation in an instance of its own ({@link Instance}, {@link Functions}).
 *
 * <p><b>Each function's environment</b>, in order, later entries winning:
 * <ol>
 *   <li>Lambda's: {@code AWS_REGION}, {@code AWS_DEFAULT_REGION}, {@code AWS_LAMBDA_FUNCTION_NAME},
 *       {@code AWS_LAMBDA_FUNCTION_MEMORY_SIZE}, {@code AWS_LAMBDA_FUNCTION_VERSION}, {@code
 *       AWS_LAMBDA_LOG_GROUP_NAME}, {@code AWS_EXECUTION_ENV}, {@code AWS_LAMBDA_INITIALIZATION_TYPE},
 *       {@code TZ}, {@code LANG}, {@code PATH}, and credentials: serve's own {@code AWS_ACCESS_KEY_ID},
 *       {@code AWS_SECRET_ACCESS_KEY} and {@code AWS_SESSION_TOKEN} when it has them, else dummy keys (enough
 *       for the functions to call serve itself, which checks a signature's form, not the signature);</li>
 *   <li>the template's ({@code Globals} and the function's {@code Environment.Variables});</li>
 *   <li>serve's local settings: {@code CANOPY_INVOKE_ENDPOINT} is serve's own address, so that functions in
 *       {@code lambda} mode invoke each other through it; {@code CANOPY_OUTPUT_URI} is {@code --out}; {@code
 *       CANOPY_STORAGE_ALLOWED_LOCATIONS} is the template's locations plus {@code --out} and each {@code
 *       --allow}: the storage guard is never lifted;</li>
 *   <li>{@code --env KEY=VALUE}, except the guard's variable, which only {@code --allow} widens.</li>
 * </ol>
 * Nothing else of serve's environment reaches a function. Its working directory is its task root, as on
 * Lambda: paths in requests should be absolute.
 */
public final class Serve implements AutoCloseable {
    private final HttpServer server;
    private final Functions functions;
    private final InvocationLog log;
    private final Path work;
    private final List<FunctionSpec> specs;
    private boolean closed;

    private Serve(HttpServer server, Functions functions, InvocationLog log, Path work, List<FunctionSpec> specs) {
        this.server = server;
        this.functions = functions;
        this.log = log;
        this.work = work;
        this.specs = specs;
    }

    /**
     * Reads the template, unpacks each package once, and listens. Instances start on demand.
     *
     * @param echo where serve's own lines and the functions' log lines go (stderr)
     */
    public static Serve start(ServeOptions o, Consumer<String> echo) {
        checkHost(o, echo);
        for (String a : o.allow()) {
            allowedLocation(a);
        }
        if (o.env().containsKey(GUARD)) {
            throw new InvalidInputException("--env", GUARD, "serve never lifts or replaces the storage guard; "
                    + "widen it with --allow DIR|s3://bucket/prefix/");
        }
        if (o.out().toString().contains(",")) {
            throw new InvalidInputException("--out", o.out(), "must not contain a comma (the storage guard's list separator)");
        }
        if (o.accountConcurrency() < 1) {
            throw new InvalidInputException("--account-concurrency", o.accountConcurrency(), "must be 1 or more");
        }
        Map<String, String> overrides = new HashMap<>(o.parameterOverrides());
        List<FunctionSpec> specs = new ArrayList<>();
        for (FunctionSpec s : SamTemplate.functions(o.template(), withJvmPackaging(o.template(), overrides), o.region(),
                o.stackName())) {
            specs.add(s);
        }
        specs = applyOverrides(specs, o.reservedConcurrency(), "--reserved-concurrency", FunctionSpec::withReservedConcurrency);
        specs = applyOverrides(specs, o.timeouts(), "--timeout", FunctionSpec::withTimeout);
        for (FunctionSpec s : specs) {
            if (s.reservedConcurrency() != null && s.reservedConcurrency() < 0) {
                throw new InvalidInputException("--reserved-concurrency", s.logicalId() + "=" + s.reservedConcurrency(),
                        "must be 0 or more");
            }
            if (s.timeoutSeconds() < 1 || s.timeoutSeconds() > 900) {
                throw new InvalidInputException("--timeout", s.logicalId() + "=" + s.timeoutSeconds(),
                        "must be between 1 and 900 seconds, as Lambda allows");
            }
            if (!Files.isRegularFile(s.codeUri())) {
                throw new InvalidInputException("CodeUri", s.codeUri().toString(), s.logicalId()
                        + "'s package does not exist; build it with ./mvnw -B package");
            }
        }
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(o.host(), o.port()), 128);
        } catch (IOException e) {
            throw new InvalidInputException("--port", o.port(), "cannot listen on " + o.host() + ": " + e.getMessage());
        }
        Path work;
        try {
            work = Files.createTempDirectory("canopy-serve");
        } catch (IOException e) {
            server.stop(0);
            throw new UncheckedIOException(e);
        }
        InvocationLog log = null;
        try {
            log = InvocationLog.open(o.invocationLog());
            String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            String endpoint = callbackEndpoint(o.host(), server.getAddress().getPort());
            Map<Path, Path> taskRoots = new HashMap<>();
            Map<Path, String> classPaths = new HashMap<>();
            Map<String, String> jniFlags = new HashMap<>();
            for (FunctionSpec s : specs) {
                taskRoots.computeIfAbsent(s.codeUri(), zip -> {
                    Path root = work.resolve("task-" + (taskRoots.size() + 1));
                    JavaRuntime.unpack(zip, root);
                    return root;
                });
                classPaths.computeIfAbsent(s.codeUri(), zip -> o.runtimeClient() != null
                        ? JavaRuntime.classPath("--runtime-client", o.runtimeClient())
                        : JavaRuntime.classPath("--runtime-client", zip.getParent().resolve("bench-lib")));
            }
            Consumer<String> functionLines = o.quiet() ? line -> { } : echo;
            for (String cp : classPaths.values()) {
                jniFlags.computeIfAbsent(cp, c -> JavaRuntime.jniFlag(c, work.resolve("jni-" + (jniFlags.size() + 1))));
            }
            Functions functions = new Functions(specs, s -> new Functions.Launch(taskRoots.get(s.codeUri()), javaBin,
                    List.of(jniFlags.get(classPaths.get(s.codeUri()))), classPaths.get(s.codeUri()),
                    environment(s, o, endpoint)), functionLines, o.accountConcurrency(), Functions.machineMemoryMb(), null);
            InvokeApi api = new InvokeApi(functions, o.region(), o.initLimit(), log, echo);
            server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
            server.createContext("/", api::handle);
            server.start();
            return new Serve(server, functions, log, work, List.copyOf(specs));
        } catch (RuntimeException e) {
            server.stop(0);
            if (log != null) {
                log.close();
            }
            JavaRuntime.deleteTree(work);
            throw e;
        }
    }

    private static final String GUARD = "CANOPY_STORAGE_ALLOWED_LOCATIONS";

    /**
     * A non-loopback address exposes the functions, which hold the user's AWS keys, to every host that can
     * reach it: only with {@code --allow-remote}, and then with a warning.
     */
    static void checkHost(ServeOptions o, Consumer<String> echo) {
        java.net.InetAddress address;
        try {
            address = java.net.InetAddress.getByName(o.host());
        } catch (java.net.UnknownHostException e) {
            throw new InvalidInputException("--host", o.host(), "is not an address of this machine: " + e.getMessage());
        }
        if (address.isLoopbackAddress()) {
            return;
        }
        if (!o.allowRemote()) {
            throw new InvalidInputException("--host", o.host(), "is not a loopback address: other hosts could run the "
                    + "functions with your AWS keys; add --allow-remote if that is what you want");
        }
        echo.accept("canopy: WARNING serve listens on " + o.host() + ": any host that reaches it and signs a request "
                + "(any key works) runs the functions with serve's AWS credentials");
    }

    /**
     * Where the functions call serve back: the address it listens on, or the loopback address of the same
     * family when it listens on every address.
     */
    static String callbackEndpoint(String host, int port) {
        java.net.InetAddress a;
        try {
            a = java.net.InetAddress.getByName(host);
        } catch (java.net.UnknownHostException e) {
            throw new InvalidInputException("--host", host, e.getMessage());
        }
        boolean v6 = a instanceof java.net.Inet6Address;
        String h = a.isAnyLocalAddress() || v6 && a.isLoopbackAddress() ? (v6 ? "::1" : "127.0.0.1") : a.getHostAddress();
        int zone = h.indexOf('%');
        if (zone >= 0) {
            h = h.substring(0, zone);
        }
        return "http://" + hostForUrl(h) + ":" + port;
    }

    /** One {@code --allow}: a local directory (made absolute) or an s3/https location. */
    static String allowedLocation(String a) {
        if (a.contains(",")) {
            throw new InvalidInputException("--allow", a, "must not contain a comma (the guard's list separator)");
        }
        if (a.startsWith("s3://") || a.startsWith("https://")) {
            StorageUri.parse("--allow", a);
            return a;
        }
        if (a.contains("://")) {
            throw new InvalidInputException("--allow", a, "expected a local directory, s3://bucket/prefix/ or https://host/path/");
        }
        return Path.of(a).toAbsolutePath().normalize().toString();
    }

    /**
     * A template whose Packaging parameter chooses between a native and a JVM package (Canopy's does) is
     * served as JVM: serve runs Java packages only.
     */
    private static Map<String, String> withJvmPackaging(Path template, Map<String, String> overrides) {
        try {
            Object params = CloudFormationYaml.load(template).get("Parameters");
            if (params instanceof Map<?, ?> m && m.containsKey("Packaging") && !overrides.containsKey("Packaging")) {
                overrides.put("Packaging", "jvm");
            }
        } catch (IOException | RuntimeException e) {
            // SamTemplate reports an unreadable template
        }
        return overrides;
    }

    private static List<FunctionSpec> applyOverrides(List<FunctionSpec> specs, Map<String, Integer> values, String option,
                                                     java.util.function.BiFunction<FunctionSpec, Integer, FunctionSpec> apply) {
        List<FunctionSpec> out = new ArrayList<>(specs);
        for (var e : values.entrySet()) {
            int i = indexOf(out, e.getKey());
            if (i < 0) {
                throw new InvalidInputException(option, e.getKey() + "=" + e.getValue(), "names no function of the "
                        + "template; use a logical id or a name: " + specs.stream().map(FunctionSpec::logicalId).toList());
            }
            out.set(i, apply.apply(out.get(i), e.getValue()));
        }
        return out;
    }

    private static int indexOf(List<FunctionSpec> specs, String name) {
        for (int i = 0; i < specs.size(); i++) {
            if (specs.get(i).logicalId().equals(name) || specs.get(i).name().equals(name)) {
                return i;
            }
        }
        return -1;
    }

    /** A function's whole environment: see the class comment. */
    static Map<String, String> environment(FunctionSpec s, ServeOptions o, String endpoint) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", "/usr/local/bin:/usr/bin:/bin");
        env.put("LANG", "en_US.UTF-8");
        env.put("TZ", ":UTC");
        env.put("AWS_REGION", o.region());
        env.put("AWS_DEFAULT_REGION", o.region());
        env.put("AWS_EXECUTION_ENV", "AWS_Lambda_java25");
        env.put("AWS_LAMBDA_FUNCTION_NAME", s.name());
        env.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", String.valueOf(s.memoryMb()));
        env.put("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST");
        env.put("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/" + s.name());
        env.put("AWS_LAMBDA_INITIALIZATION_TYPE", "on-demand");
        String key = System.getenv("AWS_ACCESS_KEY_ID");
        if (key != null && System.getenv("AWS_SECRET_ACCESS_KEY") != null) {
            env.put("AWS_ACCESS_KEY_ID", key);
            env.put("AWS_SECRET_ACCESS_KEY", System.getenv("AWS_SECRET_ACCESS_KEY"));
            if (System.getenv("AWS_SESSION_TOKEN") != null) {
                env.put("AWS_SESSION_TOKEN", System.getenv("AWS_SESSION_TOKEN"));
            }
        } else {
            env.put("AWS_ACCESS_KEY_ID", "serve-local");
            env.put("AWS_SECRET_ACCESS_KEY", "serve-local");
        }
        env.putAll(s.environment());
        env.put("CANOPY_INVOKE_ENDPOINT", endpoint);
        String out = o.out().toAbsolutePath().normalize().toString();
        env.put("CANOPY_OUTPUT_URI", out);
        List<String> roots = new ArrayList<>();
        String template = s.environment().get(GUARD);
        if (template != null && !template.isBlank()) {
            roots.addAll(List.of(template.split(",")));
        }
        roots.add(out);
        for (String a : o.allow()) {
            roots.add(allowedLocation(a));
        }
        Map<String, String> user = new LinkedHashMap<>(o.env());
        user.remove(GUARD); // refused by start(); never lifts the guard
        env.putAll(user);
        env.put(GUARD, String.join(",", roots));
        return env;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public URI endpoint() {
        return URI.create("http://" + hostForUrl(server.getAddress().getHostString()) + ":" + port());
    }

    private static String hostForUrl(String host) {
        return host.contains(":") ? "[" + host + "]" : host;
    }

    public List<FunctionSpec> functions() {
        return specs;
    }

    /** The one line serve prints on stderr once it listens. */
    public String readyLine() {
        return "canopy: serve listening on " + endpoint() + " (functions: "
                + String.join(", ", specs.stream().map(FunctionSpec::name).toList()) + ")";
    }

    /** Stops listening, then every instance (asked to stop, killed after a bounded wait). Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        server.stop(0);
        functions.close();
        log.close();
        try {
            JavaRuntime.deleteTree(work);
        } catch (UncheckedIOException e) {
            // a temporary directory; the OS cleans it up
        }
    }
}
