package dev.canopy.cli;

import sun.misc.Signal;
import sun.misc.SignalHandler;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntSupplier;

/**
 * Ctrl-C (SIGINT) and SIGTERM while a batch runs: the first asks the batch to stop ({@code stop}, which says
 * how many batches it reached) and lets it end by itself, writing its manifest; a second, or a first that
 * reaches no batch in this process (it runs in Lambda), quits at once with the signal's exit code. Outside
 * {@link #install}...{@link #close} the JVM's own handling applies.
 */
final class StopSignals implements AutoCloseable {
    private static final List<String> NAMES = List.of("INT", "TERM");

    private final PrintWriter err;
    private final IntSupplier stop;
    private final String resumeHint;
    private final List<Signal> signals = new ArrayList<>();
    private final List<SignalHandler> previous = new ArrayList<>();
    private volatile Signal received;

    private StopSignals(PrintWriter err, IntSupplier stop, String resumeHint) {
        this.err = err;
        this.stop = stop;
        this.resumeHint = resumeHint;
    }

    /**
     * @param resumeHint what to tell a user who quits at once (how to resume)
     */
    static StopSignals install(PrintWriter err, IntSupplier stop, String resumeHint) {
        StopSignals s = new StopSignals(err, stop, resumeHint);
        for (String name : NAMES) {
            try {
                Signal signal = new Signal(name);
                s.previous.add(Signal.handle(signal, s::handle));
                s.signals.add(signal);
            } catch (IllegalArgumentException | UnsupportedOperationException notHere) {
                // -Xrs, or a platform without the signal: the JVM's default stays
            }
        }
        return s;
    }

    private void handle(Signal signal) {
        boolean first = received == null;
        received = signal;
        if (first && stop.getAsInt() > 0) {
            err.println("canopy: SIG" + signal.getName() + ": stopping; the running shards finish and no others start "
                    + "(again to quit at once)");
            err.flush();
            return;
        }
        err.println("canopy: SIG" + signal.getName() + ": quitting; " + resumeHint);
        err.flush();
        System.exit(exitCode(signal));
    }

    /** The signal that stopped the batch, or null. */
    String received() {
        return received == null ? null : "SIG" + received.getName();
    }

    /** The exit code of a process ended by the signal received: 128 + its number (130 for SIGINT). */
    int exitCode() {
        return exitCode(received);
    }

    private static int exitCode(Signal s) {
        return 128 + s.getNumber();
    }

    @Override
    public void close() {
        for (int i = 0; i < signals.size(); i++) {
            Signal.handle(signals.get(i), previous.get(i));
        }
    }
}
