package dev.canopy.cli;

import dev.canopy.cli.shared.ExitCodes;
import dev.canopy.cli.shared.Tables;
import dev.canopy.cli.shared.ProgressDisplay;
import dev.canopy.cli.shared.Options;
import dev.canopy.cli.shared.ProgressOption;
import dev.canopy.config.CanopyConfig;
import dev.canopy.inference.BatchPredictRequest;
import dev.canopy.inference.BatchPredictResult;
import dev.canopy.inference.BatchPredictService;
import dev.canopy.inference.ShardOutputs;
import dev.canopy.pool.CallState;
import dev.canopy.storage.StorageUri;
import dev.canopy.inference.BatchProgress;
import dev.canopy.invoke.FunctionInvoker;
import dev.canopy.json.Json;
import dev.canopy.storage.ObjectStore;
import io.quarkus.arc.Unremovable;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.Callable;

@Command(name = "predict", description = {"Score Parquet shards with a model through a pool of predictors (batch-predict).",
        "Give --shards or --shard. Exits 1 when more shards failed than --tolerated-failure-percentage allows.",
        "--out must hold nothing but an earlier run of the same batch (--overwrite replaces another batch's outputs);",
        "--resume <out>/_manifest.json runs only the shards that did not succeed.",
        "Progress goes to stderr. To time batches, see bench predict."})
@Dependent
@Unremovable
public class PredictCommand implements Callable<Integer> {
    /** How often the progress object is read while the batch runs; the batch writes it at most once a second. */
    static final Duration POLL = Duration.ofMillis(500);

    @Mixin
    Options.Batch batch;

    @Mixin
    ProgressOption progress;

    @Mixin
    Options.Overwrite overwrite;

    @Mixin
    Options.Resume resume;

    @Mixin
    Options.Json json;

    @Spec
    CommandSpec spec;

    @Inject
    FunctionInvoker invoker;

    @Inject
    ObjectStore store;

    @Inject
    CanopyConfig config;

    /** The in-process batches that a Ctrl-C stops (none when batch-predict runs in Lambda). */
    @Inject
    jakarta.enterprise.inject.Instance<BatchPredictService> services;

    @Override
    public Integer call() {
        if (batch.model() == null && !resume.given()) {
            // a usage error like any missing option (exit 2): only a resumed batch takes its model from the manifest
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "Missing required option: '--model=<uri|rule:EXPR>' (or --resume <manifest uri>)");
        }
        if (batch.runId.runId == null) {
            // the batch publishes its progress under its run id: name the run here so that it can be found
            batch.runId.runId = "batch-" + UUID.randomUUID().toString().substring(0, 8);
        }
        BatchPredictRequest req = resume.apply(overwrite.apply(batch.request()));
        // a resumed batch without --out writes where its manifest is, and so does its progress
        String progressUri = BatchProgress.uri(req.outputPrefix() != null ? req.outputPrefix() : resume.outputPrefix(),
                config.outputUri(), req.runId());
        ProgressDisplay display = progress.display(spec.commandLine().getErr());
        String out = req.outputPrefix() != null ? req.outputPrefix() : resume.outputPrefix();
        java.io.PrintWriter err = spec.commandLine().getErr();
        BatchPredictResult r;
        String stoppedBy;
        int stoppedExit;
        try (StopSignals signals = StopSignals.install(err, () -> services.get().stopRunning(), out == null
                ? "without --out the batch keeps no manifest: run it again"
                : "resume the shards that did not finish with: canopy predict --resume "
                + StorageUri.join(out, ShardOutputs.MANIFEST))) {
            try {
                r = ProgressDisplay.whilePolling(() -> invoker.invoke("batch-predict", req, BatchPredictResult.class), POLL,
                        () -> display.update(snapshot(read(progressUri, req.runId()))));
                display.finish(signals.received() == null ? finalSnapshot(r) : stoppedSnapshot(r));
            } finally {
                display.stop();
            }
            stoppedBy = signals.received();
            stoppedExit = stoppedBy == null ? 0 : signals.exitCode();
        }
        spec.commandLine().getOut().print(json.json ? Json.writeString(r) + System.lineSeparator() : Tables.batch(r));
        if (stoppedBy != null) {
            int total = r.succeeded() + r.failed();
            err.println("canopy: stopped by " + stoppedBy + ": " + r.succeeded() + " of " + total
                    + " shards succeeded and keep their outputs; " + (r.manifestUri() == null
                    ? "without --out the batch keeps no manifest: run it again"
                    : "run the other " + r.failed() + " with: canopy predict --resume " + r.manifestUri()));
            return stoppedExit;
        }
        return toleranceExceeded(r, err);
    }

    /** This run's latest progress, or null before its first (or while another run's is still there). */
    private BatchProgress read(String uri, String runId) {
        try {
            BatchProgress p = Json.read(store.read(uri), BatchProgress.class, "progress");
            return runId.equals(p.runId()) ? p : null;
        } catch (RuntimeException notYet) {
            return null; // not written yet, or caught mid-write: the next poll sees it
        }
    }

    static ProgressDisplay.Snapshot snapshot(BatchProgress p) {
        return p == null ? null
                : new ProgressDisplay.Snapshot("shards", p.done(), p.total(), p.failed(), p.rows(), -1, p.elapsedMillis(), false);
    }

    static ProgressDisplay.Snapshot finalSnapshot(BatchPredictResult r) {
        int shards = r.succeeded() + r.failed();
        return new ProgressDisplay.Snapshot("shards", shards, shards, r.failed(), r.rows(), -1, r.wallMillis(), true);
    }

    /** A stopped batch's last line: the shards it never started are neither done nor failed. */
    static ProgressDisplay.Snapshot stoppedSnapshot(BatchPredictResult r) {
        int total = r.succeeded() + r.failed();
        int notStarted = (int) r.shards().stream()
                .filter(s -> s.state() == CallState.CANCELLED && s.attempts() == 0).count();
        return new ProgressDisplay.Snapshot("shards", total - notStarted, total, r.failed() - notStarted, r.rows(), -1,
                r.wallMillis(), true);
    }

    static int toleranceExceeded(BatchPredictResult r, java.io.PrintWriter err) {
        if (!r.toleranceExceeded()) {
            return 0;
        }
        err.println("canopy: " + r.failed() + " of " + (r.succeeded() + r.failed())
                + " shards did not succeed, more than the tolerated percentage");
        return ExitCodes.FAILED;
    }
}
