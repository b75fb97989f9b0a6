package dev.canopy.cli.bench;

import dev.canopy.cli.shared.Supervision;
import dev.canopy.cost.PriceTable;
import dev.canopy.error.InvalidInputException;
import dev.canopy.invoke.lambda.LambdaFunctionInvoker;
import dev.canopy.json.Json;
import dev.canopy.sample.TaxiShards;
import dev.canopy.serve.JavaRuntime;
import dev.canopy.serve.RuntimeApi;
import dev.canopy.training.SuperviseResult;

import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * JVM cold start as Lambda's Java runtime sees it: a fresh {@code java} process runs AWS's Runtime Interface
 * Client (the code inside Lambda's managed Java runtimes and base images) with Canopy's handler, against
 * serve's Lambda Runtime API ({@link RuntimeApi}). The figure is the time from starting the process to receiving the first
 * function response, for each of {@code repeat} fresh processes.
 *
 * <p>The Runtime API is the documented one (GET {@code /2018-06-01/runtime/invocation/next}, POST
 * {@code .../response} or {@code .../error}); one event is handed out per process, then the next poll is
 * held open until the process is stopped, as Lambda freezes an idle environment. The time ends as the answer
 * arrives, before its body is read.
 *
 * <p>What the process sees is kept close to Lambda: the JVM flags of the managed runtime, the function's
 * memory as the machine's memory (the JVM sizes its heap from it; a JVM that believes it has the 24 GB of a
 * build machine never collects during start-up but touches far more fresh pages), optionally the vCPU share
 * of that memory, and one of two {@link Layout}s of the code.
 */
public final class ColdStartBench {
    static final String HANDLER = "dev.canopy.function.LambdaHandler::handleRequest";
    static final String RIC_MAIN = JavaRuntime.RIC_MAIN;
    /** The flags Lambda's Java 17+ managed runtimes start the JVM with (JAVA_TOOL_OPTIONS aside). */
    static final List<String> LAMBDA_JVM_FLAGS = JavaRuntime.JVM_FLAGS;
    /**
     * Each function's memory in MB: the defaults of sam-template.yaml's memory parameters, as the price table
     * holds them (tests keep them equal). Lambda gives one full vCPU per 1,769 MB.
     */
    static final Map<String, Integer> TEMPLATE_MEMORY_MB = PriceTable.DEFAULT.memoryMb();
    /**
     * The environment every function gets from sam-template.yaml's Globals that shapes its start-up (JSON log
     * lines at INFO, Lambda invocation mode); the storage locations are the bench's own. A test keeps them equal.
     */
    static final Map<String, String> TEMPLATE_ENV = Map.of("DISABLE_SIGNAL_HANDLERS", "true",
            "CANOPY_INVOKE_MODE", "lambda", "QUARKUS_LOG_CONSOLE_JSON_ENABLED", "true", "CANOPY_LOG_LEVEL", "INFO");

    /** Where the function's code lives and which class loader loads it. */
    public enum Layout {
        /**
         * As Lambda's managed Java runtime runs a zip package: function.zip unpacked into the task root (the
         * working directory), the runtime client alone on the JVM's class path, and the function loaded by
         * the client's own class loader from the task root and its {@code lib/} jars.
         */
        ZIP,
        /**
         * The function's jars on the JVM's class path, as a container image whose entry point puts them
         * there does. Only this layout can use a JDK AOT cache, which holds classes of the class path only.
         */
        CLASSPATH
    }

    /**
     * How to start the function's JVM.
     *
     * @param launcher  the command before {@code java}'s flags: the java binary, or {@code taskset} and it
     * @param classpath the JVM's class path
     * @param workDir   the working directory: the task root in the {@link Layout#ZIP} layout
     */
    record Launch(List<String> launcher, String classpath, Path workDir) {
    }

    record Run(long millis, String response, boolean error) {
    }

    /**
     * A bench's options, as {@code bench cold-start} takes them; {@link #bench} checks them.
     *
     * @param event           a file holding the event; null: score a generated shard (predict only)
     * @param memoryMb        null: the template's memory for the function
     * @param cpus            null: all of this machine's
     * @param aotCache        a JDK AOT cache of the whole function (class-path layout), written by a training run if absent
     * @param runtimeAotCache an AOT cache of the runtime client alone (zip layout), written if absent
     */
    public record Settings(String function, Path event, long repeat, long warmup, Path target, Layout layout,
                           Integer memoryMb, Integer cpus, Path aotCache, Path runtimeAotCache, List<String> jvmFlags) {
    }

    private ColdStartBench() {
    }

    /**
     * @param env       the function's environment (QUARKUS_FUNQY_EXPORT and Canopy's settings)
     * @param jvmFlags  JVM flags, e.g. Lambda's and an AOT cache
     */
    static Run once(Launch launch, List<String> jvmFlags, Map<String, String> env, String event,
                    long timeoutMillis) throws IOException, InterruptedException {
        return once(launch, jvmFlags, List.of(RIC_MAIN, HANDLER), env, event, timeoutMillis);
    }

    /** @param main the main class and its arguments: the runtime client and the handler */
    static Run once(Launch launch, List<String> jvmFlags, List<String> main, Map<String, String> env,
                    String event, long timeoutMillis) throws IOException, InterruptedException {
        CountDownLatch answered = new CountDownLatch(1);
        CompletableFuture<Run> result = new CompletableFuture<>();
        long[] t0 = {0};
        OneEvent one = new OneEvent(event.getBytes(StandardCharsets.UTF_8), a -> {
            result.complete(new Run((a.receivedNanos() - t0[0]) / 1_000_000, new String(a.body(), StandardCharsets.UTF_8),
                    a.kind() != RuntimeApi.Kind.RESPONSE));
            answered.countDown();
        });
        // the one event is queued before the process starts; the poll after it is held until the process is stopped
        RuntimeApi api = new RuntimeApi("the cold-start bench", DEADLINE_SECONDS, () -> one);
        api.offer(one);
        Process process = null;
        try {
            List<String> command = new ArrayList<>(launch.launcher());
            command.addAll(jvmFlags);
            command.addAll(List.of("-cp", launch.classpath()));
            command.addAll(main);
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD);
            if (launch.workDir() != null) {
                pb.directory(launch.workDir().toFile());
            }
            pb.environment().putAll(env);
            pb.environment().put("AWS_LAMBDA_RUNTIME_API", api.address());
            pb.environment().put("_HANDLER", HANDLER);
            t0[0] = System.nanoTime();
            process = pb.start();
            Process p = process;
            p.onExit().thenRun(() -> result.completeExceptionally(
                    new IllegalStateException("the function process exited with " + p.exitValue() + " before answering")));
            if (!answered.await(timeoutMillis, TimeUnit.MILLISECONDS) && !result.isDone()) {
                throw new IllegalStateException("no response within " + timeoutMillis + " ms");
            }
            return result.join();
        } finally {
            api.release(); // a frozen environment: its held poll goes unanswered
            if (process != null) {
                // SIGTERM first: a JVM asked to write an AOT cache (-XX:AOTCacheOutput) does so as it exits
                process.destroy();
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            }
            api.close();
        }
    }

    /** The deadline the function is given, in seconds from its event: Lambda's longest timeout. */
    static final int DEADLINE_SECONDS = 900;

    /** The bench's one event, with a fixed request id, ARN and trace id; its answer goes to {@code answered}. */
    private record OneEvent(byte[] payload, Consumer<RuntimeApi.Answer> answered) implements RuntimeApi.Event {
        @Override
        public String requestId() {
            return "cold-start-1";
        }

        @Override
        public String invokedArn() {
            return "arn:aws:lambda:us-east-1:000000000000:function:canopy-bench";
        }

        @Override
        public String traceId() {
            return "Root=1-00000000-000000000000000000000000";
        }

        @Override
        public void delivered(long nanos) {
        }

        @Override
        public void answered(RuntimeApi.Answer answer) {
            answered.accept(answer);
        }
    }

    /**
     * One training run that writes a JDK AOT cache at {@code cache} as the JVM exits: the classes loaded and
     * linked up to the first response. Returns the run's time to that response.
     */
    static long writeAotCache(Launch launch, List<String> jvmFlags, List<String> main, Map<String, String> env,
                              String event, Path cache) throws IOException, InterruptedException {
        List<String> training = new ArrayList<>(jvmFlags);
        training.add("-XX:AOTCacheOutput=" + cache);
        Run r = answered("the AOT cache's training run", once(launch, training, main, env, event, 120_000));
        if (!Files.exists(cache)) {
            throw new IllegalStateException("the training run wrote no AOT cache at " + cache);
        }
        return r.millis();
    }

    /**
     * {@code r} when the function answered with a result; otherwise its error as a failed command reports it:
     * an error answer becomes the function's {@code errorType: errorMessage}, and a supervise answer without a
     * model (every trainer FAILED) is an error too, not a time to report.
     */
    static Run answered(String function, Run r) {
        if (r.error()) {
            throw LambdaFunctionInvoker.functionError(function, "Unhandled", r.response());
        }
        if (function.equals("supervise")) {
            String failure = Supervision.noModel(Json.read(r.response().getBytes(StandardCharsets.UTF_8),
                    SuperviseResult.class, "supervise's answer"));
            if (failure != null) {
                throw new IllegalStateException("supervise answered without a model: " + failure);
            }
        }
        return r;
    }

    /**
     * The JVM's class path and working directory for {@code layout}. Both layouts run target/function.zip
     * unpacked into target/cold-start-task as Lambda unpacks it (the deployed bytes, stored jars and all). In
     * {@link Layout#ZIP} that is the task root and the class path holds only the runtime client (with
     * aws-lambda-java-core, which Lambda's runtime provides) from target/bench-lib; in
     * {@link Layout#CLASSPATH} the unpacked {@code lib/} jars come first on the class path, after
     * target/canopy-runner.jar (the package's root as a jar: the JVM archives classes of jars only, never
     * of a directory, so an image built for an AOT cache holds the jar).
     */
    static Launch launch(List<String> launcher, Path target, Layout layout, Path work) {
        List<String> ric = jars(target, require(target, "bench-lib"));
        // A fixed place, unpacked afresh with the entries' own times: an AOT cache checks the path, size and
        // time of every jar it was trained with, so a later bench of the same package can use it again.
        Path task = target.toAbsolutePath().resolve("cold-start-task");
        JavaRuntime.deleteTree(task);
        JavaRuntime.unpack(require(target, "function.zip"), task);
        if (layout == Layout.ZIP) {
            return new Launch(launcher, String.join(File.pathSeparator, ric), task);
        }
        List<String> parts = new ArrayList<>(List.of(require(target, "canopy-runner.jar").toString()));
        parts.addAll(jars(target, task.resolve("lib")));
        parts.addAll(ric);
        // an empty task root: the runtime client's class loader finds nothing there and defers to the class path
        Path empty = work.resolve("empty-task");
        try {
            Files.createDirectories(empty);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Launch(launcher, String.join(File.pathSeparator, parts), empty);
    }

    private static Path require(Path target, String name) {
        Path p = target.resolve(name);
        if (!Files.exists(p)) {
            throw new InvalidInputException("--target", target.toString(), "has no " + name
                    + "; build it first with ./mvnw -B package");
        }
        return p.toAbsolutePath();
    }

    private static List<String> jars(Path target, Path dir) {
        try (var files = Files.list(dir)) {
            return files.filter(f -> f.toString().endsWith(".jar")).sorted().map(Path::toString).toList();
        } catch (IOException e) {
            throw new InvalidInputException("--target", target.toString(), "cannot list " + dir + ": " + e.getMessage());
        }
    }

    /**
     * The command that starts java on the first {@code cpus} CPUs only ({@code taskset}, Linux), with the
     * JVM told the same; {@code null} means all of this machine's CPUs.
     */
    static List<String> launcher(String javaBin, Integer cpus) {
        if (cpus == null) {
            return List.of(javaBin);
        }
        int available = Runtime.getRuntime().availableProcessors();
        if (cpus < 1 || cpus > available) {
            throw new InvalidInputException("--cpus", cpus, "must be between 1 and this machine's " + available);
        }
        if (!Files.isExecutable(Path.of("/usr/bin/taskset"))) {
            throw new InvalidInputException("--cpus", cpus, "needs taskset (util-linux), which this machine lacks");
        }
        return List.of("/usr/bin/taskset", "-c", cpus == 1 ? "0" : "0-" + (cpus - 1), javaBin,
                "-XX:ActiveProcessorCount=" + cpus);
    }

    static Map<String, Object> summary(List<Run> runs) {
        long[] ms = runs.stream().mapToLong(Run::millis).sorted().toArray();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("runs", Arrays.stream(ms).boxed().toList());
        m.put("medianMillis", ms[ms.length / 2]);
        m.put("minMillis", ms[0]);
        m.put("maxMillis", ms[ms.length - 1]);
        return m;
    }

    /**
     * The bench: {@code warmup} unmeasured and {@code repeat} measured fresh processes of the packaged function,
     * each answering one event. Returns the report ({@code kind}, settings, the {@link #summary} of the
     * measured runs, the first response); progress lines go to {@code progress}.
     */
    public static Map<String, Object> bench(Settings s, PrintWriter progress) throws IOException, InterruptedException {
        if (s.repeat() < 1 || s.repeat() > 100) {
            throw new InvalidInputException("--repeat", s.repeat(), "must be between 1 and 100");
        }
        if (s.warmup() < 0 || s.warmup() > 10) {
            throw new InvalidInputException("--warmup", s.warmup(), "must be between 0 and 10");
        }
        Integer defaultMemory = TEMPLATE_MEMORY_MB.get(s.function());
        if (defaultMemory == null) {
            throw new InvalidInputException("--function", s.function(), "must be one of " + new TreeSet<>(TEMPLATE_MEMORY_MB.keySet()));
        }
        int memory = s.memoryMb() == null ? defaultMemory : s.memoryMb();
        if (memory < PriceTable.MIN_MEMORY_MB || memory > PriceTable.MAX_MEMORY_MB) {
            throw new InvalidInputException("--memory", memory, "must be between " + PriceTable.MIN_MEMORY_MB + " and "
                    + PriceTable.MAX_MEMORY_MB + " (MB, as Lambda allows)");
        }
        if (s.aotCache() != null && s.layout() != Layout.CLASSPATH) {
            throw new InvalidInputException("--aot-cache", s.aotCache(),
                    "needs --layout classpath: an AOT cache holds classes of the JVM's class path only");
        }
        if (s.runtimeAotCache() != null && (s.layout() != Layout.ZIP || s.aotCache() != null)) {
            throw new InvalidInputException("--runtime-aot-cache", s.runtimeAotCache(),
                    "is the runtime's own cache of the zip layout; the JVM takes one AOT cache, so not with --aot-cache");
        }
        Path work = Files.createTempDirectory("canopy-cold-start");
        try {
            return bench(s, memory, work, progress);
        } finally {
            JavaRuntime.deleteTree(work);
        }
    }

    private static Map<String, Object> bench(Settings s, int memory, Path work, PrintWriter progress)
            throws IOException, InterruptedException {
        String function = s.function();
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Launch launch = launch(launcher(javaBin, s.cpus()), s.target(), s.layout(), work);
        String event;
        if (s.event() != null) {
            event = Files.readString(s.event());
        } else if (function.equals("predict")) {
            TaxiShards.write(work, new int[]{1000}, 1);
            event = Json.writeString(Map.of("modelUri", "rule:passenger_count>=2",
                    "shard", work.resolve(String.format(TaxiShards.NAME, 0)).toString()));
        } else {
            throw new InvalidInputException("--event", null, "required for --function " + function
                    + " (a JSON file with the request, e.g. infra/events/" + function + ".json)");
        }
        List<String> flags = new ArrayList<>(LAMBDA_JVM_FLAGS);
        // Inside Lambda the JVM's machine is the function's memory: size the heap from that, not from this host.
        flags.add("-XX:MaxRAM=" + memory + "m");
        flags.addAll(s.jvmFlags());
        Map<String, String> env = new LinkedHashMap<>(TEMPLATE_ENV);
        env.put("QUARKUS_FUNQY_EXPORT", function);
        env.put("CANOPY_OUTPUT_URI", work.resolve("out").toString());
        if (s.event() == null) {
            env.put("CANOPY_STORAGE_ALLOWED_LOCATIONS", work.toString()); // the generated shard and its output
        }
        env.put("AWS_REGION", "us-east-1");
        env.put("AWS_LAMBDA_FUNCTION_NAME", "canopy-" + function);
        env.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", String.valueOf(memory));
        Long trainingMillis = null;
        if (s.aotCache() != null) {
            // JDK 25's AOT cache (JEP 483/514/515): one training run records the classes loaded and linked
            // up to the first response; later runs map them instead of loading them. The cache is only
            // valid for this JDK build and this class path.
            Path cache = s.aotCache().toAbsolutePath();
            boolean reused = Files.exists(cache);
            if (!reused) {
                trainingMillis = writeAotCache(launch, flags, List.of(RIC_MAIN, HANDLER), env, event, cache);
                progress.printf(Locale.ROOT, "canopy: bench cold-start training run (writes %s): %d ms%n", cache,
                        trainingMillis);
            }
            flags.add("-XX:AOTCache=" + cache);
            // A cache written by another JVM or with other flags would be ignored in silence: refuse it instead.
            flags.add("-XX:AOTMode=on");
            if (reused) {
                Run probe;
                try {
                    probe = once(launch, flags, env, event, 60_000);
                } catch (RuntimeException e) {
                    throw new InvalidInputException("--aot-cache", cache.toString(), "cannot be used with this JVM and "
                            + "these flags (" + e.getMessage() + "); delete it to train a new one");
                }
                answered(function, probe);
            }
        }
        if (s.runtimeAotCache() != null) {
            // What Lambda's java25 runtime ships: an AOT cache of its runtime client, written here by the client
            // running a handler that only echoes, so that it holds the client and the JDK, nothing of Canopy.
            Path cache = s.runtimeAotCache().toAbsolutePath();
            if (!Files.exists(cache)) {
                Launch echo = new Launch(launch.launcher(), launch.classpath(), EchoHandlerClass.taskRoot(work));
                writeAotCache(echo, flags, List.of(RIC_MAIN, EchoHandlerClass.HANDLER), env, "{\"echo\": 1}", cache);
            }
            flags.add("-XX:AOTCache=" + cache);
            flags.add("-XX:AOTMode=on");
        }
        // Unmeasured runs first, so that every measured run finds the package's files in the OS page cache alike.
        for (int i = 0; i < s.warmup(); i++) {
            answered(function, once(launch, flags, env, event, 60_000));
        }
        List<Run> runs = new ArrayList<>();
        for (int i = 0; i < s.repeat(); i++) {
            Run r = answered(function, once(launch, flags, env, event, 60_000));
            progress.printf(Locale.ROOT, "canopy: bench cold-start %s run %d: %d ms%n", function, i + 1, r.millis());
            progress.flush();
            runs.add(r);
        }
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("kind", "cold-start");
        report.put("function", function);
        report.put("layout", s.layout().name().toLowerCase(Locale.ROOT));
        report.put("memoryMb", memory);
        report.put("cpus", s.cpus() == null ? Runtime.getRuntime().availableProcessors() : s.cpus());
        report.put("runtimeAotCache", s.runtimeAotCache() != null);
        report.put("jvmFlags", flags);
        if (trainingMillis != null) {
            report.put("aotTrainingRunMillis", trainingMillis);
        }
        report.putAll(summary(runs));
        report.put("firstResponse", Json.MAPPER.readTree(runs.getLast().response()));
        return report;
    }
}
