package dev.canopy.cli;

import dev.canopy.invoke.FunctionInvoker;
import dev.canopy.json.Json;
import dev.canopy.training.RunStatus;
import dev.canopy.training.StatusRequest;
import dev.canopy.training.SuperviseRequest;
import dev.canopy.training.SuperviseResult;
import dev.canopy.training.TrainerState;
import dev.canopy.training.TrainerStatus;

import java.io.PrintWriter;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** A training run as the commands show it (train, demo, bench tree, bench cold-start). */
public final class Supervision {
    private Supervision() {
    }

    /** Runs supervise while printing each trainer's progress on {@code err} as it changes. */
    static SuperviseResult runWithProgress(FunctionInvoker invoker, SuperviseRequest req, PrintWriter err) {
        CompletableFuture<SuperviseResult> run = CompletableFuture.supplyAsync(
                () -> invoker.invoke("supervise", req, SuperviseResult.class), Thread::startVirtualThread);
        Map<String, String> shown = new HashMap<>();
        while (true) {
            try {
                return run.get(400, TimeUnit.MILLISECONDS);
            } catch (TimeoutException poll) {
                showProgress(invoker, req, shown, err);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof RuntimeException re) {
                    throw re;
                }
                throw new IllegalStateException(e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted");
            }
        }
    }

    private static void showProgress(FunctionInvoker invoker, SuperviseRequest req, Map<String, String> shown, PrintWriter err) {
        try {
            RunStatus s = invoker.invoke("status", new StatusRequest(req.runId(), req.out()), RunStatus.class);
            for (TrainerStatus t : s.trainers()) {
                String line = String.format(Locale.ROOT, "  %-18s %-12s %s", t.algorithm(), t.state(), t.detail());
                if (!line.equals(shown.put(t.algorithm(), line))) {
                    err.println(line);
                }
            }
            if (s.search() != null) {
                String line = "  " + Tables.searchProgress(s.search());
                if (!line.equals(shown.put(" search", line))) {
                    err.println(line);
                }
            }
            err.flush();
        } catch (RuntimeException notYet) {
            // no status written yet; the next poll will show it
        }
    }

    /** Prints the result; a run without a model is a failed command. */
    static int report(SuperviseResult r, boolean json, PrintWriter out, PrintWriter err) {
        if (json) {
            out.println(Json.writeString(r));
        } else {
            out.print(Tables.supervise(r));
        }
        out.flush();
        String failure = noModel(r);
        if (failure != null) {
            err.println("canopy: " + failure);
            return CanopyCommand.FAILED;
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
