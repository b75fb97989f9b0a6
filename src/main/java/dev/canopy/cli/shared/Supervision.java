package dev.canopy.cli.shared;

import dev.canopy.invoke.FunctionInvoker;
import dev.canopy.json.Json;
import dev.canopy.training.RunStatus;
import dev.canopy.training.SearchStatus;
import dev.canopy.training.StatusRequest;
import dev.canopy.training.SuperviseRequest;
import dev.canopy.training.SuperviseResult;
import dev.canopy.training.TrainerState;
import dev.canopy.training.TrainerStatus;

import java.io.PrintWriter;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** A training run as the commands show it (train, demo, bench tree, bench cold-start). */
public final class Supervision {
    /** How often the status function is asked while supervise runs. */
    private static final java.time.Duration POLL = java.time.Duration.ofMillis(400);

    private Supervision() {
    }

    /** Runs supervise while showing its progress on {@code err}, a bar on a terminal and lines otherwise. */
    public static SuperviseResult runWithProgress(FunctionInvoker invoker, SuperviseRequest req, PrintWriter err) {
        return runWithProgress(invoker, req, new ProgressDisplay(err,
                ProgressOption.resolve(ProgressDisplay.Mode.AUTO, ProgressOption::stderrIsTerminal), System::currentTimeMillis));
    }

    /**
     * Runs supervise while polling the status function: each trainer's line as it changes, and the run's
     * progress line (trainers, or a search's trials, done of all, failures, time left).
     */
    public static SuperviseResult runWithProgress(FunctionInvoker invoker, SuperviseRequest req, ProgressDisplay display) {
        Map<String, String> shown = new HashMap<>();
        long t0 = System.nanoTime();
        try {
            SuperviseResult r = ProgressDisplay.whilePolling(() -> invoker.invoke("supervise", req, SuperviseResult.class),
                    POLL, () -> showProgress(invoker, req, shown, display, (System.nanoTime() - t0) / 1_000_000));
            display.finish(finalSnapshot(r));
            return r;
        } finally {
            display.stop();
        }
    }

    private static void showProgress(FunctionInvoker invoker, SuperviseRequest req, Map<String, String> shown,
                                     ProgressDisplay display, long elapsedMillis) {
        RunStatus s;
        try {
            s = invoker.invoke("status", new StatusRequest(req.runId(), req.out()), RunStatus.class);
        } catch (RuntimeException notYet) {
            return; // no status written yet; the next poll will show it
        }
        for (TrainerStatus t : s.trainers() == null ? List.<TrainerStatus>of() : s.trainers()) {
            String line = String.format(Locale.ROOT, "  %-18s %-12s %s", t.algorithm(), t.state(), t.detail());
            if (!line.equals(shown.put(t.algorithm(), line))) {
                display.println(line);
            }
        }
        if (s.search() != null) {
            String line = "  " + Tables.searchProgress(s.search());
            if (!line.equals(shown.put(" search", line))) {
                display.println(line);
            }
        }
        display.update(snapshot(s, elapsedMillis));
    }

    /** A run's progress: a search's trials, or else its trainers (each one's own progress makes up the bar). */
    static ProgressDisplay.Snapshot snapshot(RunStatus s, long elapsedMillis) {
        if (s.search() != null) {
            SearchStatus q = s.search();
            return new ProgressDisplay.Snapshot("trials", q.done(), q.total(), q.failed(), -1, -1, elapsedMillis, false);
        }
        if (s.trainers() == null || s.trainers().isEmpty()) {
            return null;
        }
        int done = 0;
        int failed = 0;
        double sum = 0;
        for (TrainerStatus t : s.trainers()) {
            boolean over = t.state() == TrainerState.DONE || t.state() == TrainerState.FAILED;
            done += over ? 1 : 0;
            failed += t.state() == TrainerState.FAILED ? 1 : 0;
            sum += over ? 1 : Math.clamp(t.progress(), 0, 1);
        }
        int total = s.trainers().size();
        return new ProgressDisplay.Snapshot("trainers", done, total, failed, -1, sum / total, elapsedMillis, false);
    }

    static ProgressDisplay.Snapshot finalSnapshot(SuperviseResult r) {
        if (r.search() != null) {
            return new ProgressDisplay.Snapshot("trials", r.search().trials(), r.search().trials(),
                    r.search().failedTrials(), -1, -1, r.wallMillis(), true);
        }
        int n = r.results() == null ? 0 : r.results().size();
        int failed = r.results() == null ? 0
                : (int) r.results().stream().filter(t -> t.state() == TrainerState.FAILED).count();
        return new ProgressDisplay.Snapshot("trainers", n, n, failed, -1, -1, r.wallMillis(), true);
    }

    /** Prints the result; a run without a model is a failed command. */
    public static int report(SuperviseResult r, boolean json, PrintWriter out, PrintWriter err) {
        if (json) {
            out.println(Json.writeString(r));
        } else {
            out.print(Tables.supervise(r));
        }
        out.flush();
        String failure = noModel(r);
        if (failure != null) {
            err.println("canopy: " + failure);
            return ExitCodes.FAILED;
        }
        return 0;
    }

    /** Why a run gave no model (every trainer failed), or null when it gave one. */
    public static String noModel(SuperviseResult r) {
        if (r.best() != null && r.results() != null && r.results().stream().anyMatch(t -> t.state() == TrainerState.DONE)) {
            return null;
        }
        String first = r.results() == null || r.results().isEmpty() ? "no trainer ran" : r.results().getFirst().error();
        return "every trainer failed: " + ErrorReporter.oneLine(first);
    }
}
