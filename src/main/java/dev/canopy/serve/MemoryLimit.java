package dev.canopy.serve;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A function's {@code MemorySize}, enforced on its instance as Lambda enforces it: an instance whose memory goes
 * over it is killed at once (Lambda's kernel sends SIGKILL to the sandbox; the invocation ends with "Runtime
 * exited with error: signal: killed" and the REPORT line with {@code Error Type: Runtime.OutOfMemory}).
 *
 * <p>Lambda measures the sandbox's cgroup; here the measure is the JVM's peak resident memory ({@code VmHWM} of
 * /proc), the figure the REPORT line gives as Max Memory Used. It is read every {@link #PERIOD_MILLIS} ms from
 * the instance's start to its end, the initialisation included. Because the figure is a peak, a rise and fall
 * between two reads is still seen: every instance that went over is killed, at most one period late.
 *
 * <p>One daemon thread reads for all instances. Where /proc does not exist (not Linux) nothing is read and
 * nothing is killed; {@link #measured()} says so.
 */
final class MemoryLimit implements AutoCloseable {
    static final long PERIOD_MILLIS = 50;
    private static final ScheduledExecutorService READER = Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().daemon().name("serve-memory-limit").unstarted(r));

    private final ProcessHandle process;
    private final long limitKb;
    private final Path status;
    private final ScheduledFuture<?> reads;
    private volatile long peakKb;
    private volatile boolean exceeded;

    /** Starts watching {@code process} against {@code memoryMb}; the watch ends by itself when the process does. */
    MemoryLimit(ProcessHandle process, int memoryMb) {
        this.process = process;
        this.limitKb = memoryMb * 1024L;
        this.status = Path.of("/proc", String.valueOf(process.pid()), "status");
        // the first read one period on: read() uses this.reads, assigned only when scheduling returns
        this.reads = READER.scheduleWithFixedDelay(this::read, PERIOD_MILLIS, PERIOD_MILLIS, TimeUnit.MILLISECONDS);
        process.onExit().thenRun(this::close);
    }

    private void read() {
        long kb = peakKb(status);
        if (kb < 0) {
            return;
        }
        peakKb = Math.max(peakKb, kb);
        if (kb > limitKb && !exceeded) {
            // set before the kill: whoever sees the process end must also see why
            exceeded = true;
            process.destroyForcibly();
            reads.cancel(false);
        }
    }

    /** The process's VmHWM in KiB, or -1 when it cannot be read (the process is gone, or this is not Linux). */
    static long peakKb(Path status) {
        try {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("\\D", ""));
                }
            }
        } catch (IOException | RuntimeException e) {
            // gone, or no /proc
        }
        return -1;
    }

    /** Whether the instance went over its memory and was killed for it. */
    boolean exceeded() {
        return exceeded;
    }

    /**
     * The highest peak read so far, in MB rounded up: after a kill, the figure that was over the limit (a peak over
     * {@code memoryMb} in KiB is over it in whole MB too).
     */
    long peakMb() {
        long now = peakKb(status);
        return (Math.max(peakKb, now) + 1023) / 1024;
    }

    /** Whether memory can be measured here (Linux's /proc). */
    static boolean measured() {
        return Files.isReadable(Path.of("/proc/self/status"));
    }

    @Override
    public void close() {
        reads.cancel(false);
    }
}
