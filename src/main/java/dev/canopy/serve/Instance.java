package dev.canopy.serve;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * One execution environment of a function: a JVM running the function's package as Lambda's managed Java
 * runtime does (see {@link JavaRuntime}), with its own warm state, polling a {@link RuntimeApi} of its own (a
 * loopback port per instance, so no request of one instance can reach another). It serves one invocation at
 * a time; {@link Functions} hands it out only when it is free.
 *
 * <p>Its stdout and stderr are its log: the lines of an invocation go to that invocation's log (for the
 * {@code Tail} log type) and, prefixed with the instance's id, to serve's stderr.
 */
final class Instance implements AutoCloseable {
    /** The longest log line kept whole; CloudWatch cuts a log event at 256 KB. */
    static final int MAX_LINE = 256 * 1024;

    final String id;
    final FunctionSpec function;
    private final RuntimeApi runtimeApi;
    private final Process process;
    private final MemoryLimit memory;
    private final long launchedNanos = System.nanoTime();
    private final InputStream output;
    private final Consumer<String> echo;
    private volatile InstanceInvocation current;
    private volatile boolean readerBusy;
    private volatile long lastReadNanos;
    private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
    private final List<String> unclaimed = new ArrayList<>();
    private int served;

    /**
     * Starts the function's JVM.
     *
     * @param jvmFlags JVM flags besides Lambda's and the memory's
     * @param env the function's whole environment; the Runtime API and the handler are added here
     */
    Instance(String id, FunctionSpec function, Path taskRoot, String javaBin, List<String> jvmFlags,
             String runtimeClassPath, Map<String, String> env, Consumer<String> echo) {
        this.id = id;
        this.function = function;
        this.echo = echo;
        // an answer must name the invocation the instance is on; an init error answers it
        runtimeApi = new RuntimeApi(id, function.timeoutSeconds(), () -> current);
        List<String> command = new ArrayList<>(List.of(javaBin));
        command.addAll(JavaRuntime.jvmFlags(function.memoryMb()));
        command.addAll(jvmFlags);
        command.addAll(List.of("-cp", runtimeClassPath, JavaRuntime.RIC_MAIN, function.handler()));
        ProcessBuilder pb = new ProcessBuilder(command).directory(taskRoot.toFile()).redirectErrorStream(true);
        pb.environment().clear();
        pb.environment().putAll(env);
        pb.environment().put("AWS_LAMBDA_RUNTIME_API", runtimeApi.address());
        pb.environment().put("_HANDLER", function.handler());
        pb.environment().put("LAMBDA_TASK_ROOT", taskRoot.toString());
        pb.environment().put("AWS_LAMBDA_LOG_STREAM_NAME", id);
        try {
            process = pb.start();
        } catch (IOException e) {
            runtimeApi.close();
            throw new UncheckedIOException("cannot start " + id + ": " + e.getMessage(), e);
        }
        memory = new MemoryLimit(process.toHandle(), function.memoryMb());
        output = process.getInputStream();
        Thread.ofPlatform().daemon().name("serve-log-" + id).start(this::readOutput);
        process.onExit().thenRun(() -> {
            InstanceInvocation inv = current;
            if (inv != null) {
                inv.outcome.complete(exited(inv, "Runtime exited with error: exit status " + process.exitValue()));
            }
        });
    }

    /**
     * How an invocation ends when the process has: killed over its memory (Lambda's words for a runtime its kernel
     * killed; the REPORT line names the cause), else {@code error}.
     */
    private InstanceInvocation.Outcome exited(InstanceInvocation inv, String error) {
        return memory.exceeded()
                ? InstanceInvocation.Outcome.exitError(InstanceInvocation.Kind.OUT_OF_MEMORY, inv.requestId,
                        "Runtime exited with error: signal: killed")
                : InstanceInvocation.Outcome.exitError(InstanceInvocation.Kind.EXIT, inv.requestId, error);
    }

    boolean alive() {
        return process.isAlive();
    }

    /** Milliseconds from the JVM's start to its first poll for an event, once: the cold start's Init Duration. */
    synchronized Double takeInitMillis() {
        long initNanos = runtimeApi.firstPollNanos();
        if (served++ > 0 || initNanos < 0) {
            return null;
        }
        return (initNanos - launchedNanos) / 1e6;
    }

    /**
     * Runs one invocation and waits for its end: the function's timeout counts from the moment the runtime
     * takes the event; the initialisation before it may take {@code initLimit}. A timed-out instance is
     * killed by the caller, as Lambda resets the environment.
     *
     * @param wholeLog wait until the invocation's last log lines are read (for a log tail)
     */
    InstanceInvocation.Outcome invoke(InstanceInvocation inv, Duration initLimit, boolean wholeLog) throws InterruptedException {
        synchronized (this) {
            unclaimed.forEach(inv::log);
            unclaimed.clear();
            current = inv;
        }
        try {
            if (!process.isAlive()) {
                // killed over its memory as it started, before this invocation was its own, it still answers so
                return exited(inv, "Runtime exited before the invocation");
            }
            runtimeApi.offer(inv);
            try {
                java.util.concurrent.CompletableFuture.anyOf(inv.delivered, inv.outcome)
                        .get(initLimit.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                return InstanceInvocation.Outcome.of(InstanceInvocation.Kind.INIT_TIMEOUT, sandboxTimeout(inv, initLimit.toSeconds()));
            }
            if (!inv.outcome.isDone()) {
                long deadline = inv.delivered.getNow(System.nanoTime()) + TimeUnit.SECONDS.toNanos(function.timeoutSeconds());
                try {
                    inv.outcome.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                } catch (TimeoutException e) {
                    inv.log(java.time.Instant.now() + " " + inv.requestId + " Task timed out after "
                            + String.format(java.util.Locale.ROOT, "%.2f", (double) function.timeoutSeconds()) + " seconds");
                    return InstanceInvocation.Outcome.of(InstanceInvocation.Kind.TIMEOUT, sandboxTimeout(inv, function.timeoutSeconds()));
                }
            }
            InstanceInvocation.Outcome o = inv.outcome.get();
            if (wholeLog) {
                drainOutput();
            }
            return o;
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        } finally {
            current = null;
        }
    }

    private static String sandboxTimeout(InstanceInvocation inv, long seconds) {
        return "{\"errorType\":\"Sandbox.Timedout\",\"errorMessage\":\"RequestId: " + inv.requestId
                + " Error: Task timed out after " + String.format(java.util.Locale.ROOT, "%.2f", (double) seconds)
                + " seconds\"}";
    }

    /**
     * Peak resident memory of the instance's JVM (VmHWM), in MB, as the REPORT line's Max Memory Used; 0 where
     * /proc is not available. An instance killed over its memory reports its memory size, as Lambda does.
     */
    long maxMemoryUsedMb() {
        return memory.exceeded() ? function.memoryMb() : memory.peakMb();
    }

    /** The peak that took the instance over its memory, in MB, or -1 when it did not go over. */
    long overMemoryMb() {
        return memory.exceeded() ? memory.peakMb() : -1;
    }

    /**
     * The lines an invocation wrote before answering are in the pipe when its answer arrives, but the reader
     * may not have taken them yet: wait until it has been idle for a moment (bounded), so that the
     * invocation's log holds them. (The pipe's {@code available()} cannot be asked: it shares a lock with the
     * blocked read.)
     */
    private void drainOutput() {
        long start = System.nanoTime();
        long quiet = TimeUnit.MILLISECONDS.toNanos(15);
        long until = start + TimeUnit.MILLISECONDS.toNanos(200);
        while (System.nanoTime() < until) {
            long now = System.nanoTime();
            if (!readerBusy && now - Math.max(lastReadNanos, start) >= quiet) {
                return;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
    }

    private void readOutput() {
        byte[] buf = new byte[8192];
        try {
            for (int n; (n = output.read(buf)) > 0; ) {
                readerBusy = true;
                lastReadNanos = System.nanoTime();
                synchronized (this) {
                    for (int i = 0; i < n; i++) {
                        if (buf[i] == '\n') {
                            line(partial.toString(StandardCharsets.UTF_8));
                            partial.reset();
                        } else if (partial.size() >= MAX_LINE) {
                            // a line without end (a binary dump, a runaway print) is cut, not buffered without bound
                            line(partial.toString(StandardCharsets.UTF_8) + " [line cut at " + MAX_LINE + " bytes]");
                            partial.reset();
                            partial.write(buf[i]);
                        } else {
                            partial.write(buf[i]);
                        }
                    }
                }
                readerBusy = false;
            }
        } catch (IOException e) {
            // the process ended
        } finally {
            readerBusy = false;
        }
    }

    /** Called with this instance's lock held. */
    private void line(String line) {
        InstanceInvocation inv = current;
        if (inv != null) {
            inv.log(line);
        } else if (unclaimed.size() < 1000) {
            unclaimed.add(line);
        }
        echo.accept("[" + id + "] " + line);
    }

    /** Kills the JVM at once (a timed-out or broken environment), or asks it to stop first. */
    void stop(boolean kill) {
        runtimeApi.release();
        if (kill) {
            process.destroyForcibly();
        } else {
            process.destroy();
        }
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        runtimeApi.close();
        memory.close();
    }

    @Override
    public void close() {
        stop(false);
    }
}
