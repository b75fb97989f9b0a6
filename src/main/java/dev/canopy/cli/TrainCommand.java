package dev.canopy.cli;

import dev.canopy.cli.shared.ErrorReporter;
import dev.canopy.cli.shared.Options;
import dev.canopy.cli.shared.Supervision;
import dev.canopy.cli.shared.ProgressOption;
import dev.canopy.config.CanopyConfig;
import dev.canopy.invoke.FunctionInvoker;
import dev.canopy.report.ReportService;
import dev.canopy.storage.ObjectStore;
import dev.canopy.training.RunLayout;
import io.quarkus.arc.Unremovable;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

@Command(name = "train", description = {"Train every algorithm on the same data and split (supervise), best first.",
        "With --grid/--random/--range/--folds, search their parameters and refit each algorithm's best.",
        "Progress goes to stderr; exits 1 when every trainer failed."})
@Dependent
@Unremovable
public class TrainCommand implements Callable<Integer> {
    @Mixin
    Options.Data data;

    @Mixin
    Options.Training training;

    @Mixin
    Options.Search search;

    @Mixin
    Options.RunId runId;

    @Mixin
    Options.Out out;

    @Mixin
    ProgressOption progress;

    @Mixin
    Options.Overwrite overwrite;

    @Mixin
    Options.Json json;

    @Spec
    CommandSpec spec;

    @Inject
    FunctionInvoker invoker;

    @Inject
    CanopyConfig config;

    @Inject
    ObjectStore store;

    @Override
    public Integer call() {
        var req = overwrite.apply(search.apply(training.request(runId.orNew(), data.data, out.or(config))));
        var result = Supervision.runWithProgress(invoker, req, progress.display(spec.commandLine().getErr()));
        int exit = Supervision.report(result, json.json, spec.commandLine().getOut(), spec.commandLine().getErr());
        if (!json.json) {
            spec.commandLine().getOut().println("run written to " + RunLayout.runDir(req.out(), result.runId())
                    + "  (canopy status --run " + result.runId() + " --out " + req.out() + ")");
        }
        if (exit != 0) {
            return exit; // no model, nothing to look at (canopy report still renders the failed run)
        }
        // the report is a view of the run: a run without one is still a run, so a failure here only warns
        var say = json.json ? spec.commandLine().getErr() : spec.commandLine().getOut();
        try {
            say.println("report: " + new ReportService(store).write(req.out(), result.runId()));
        } catch (RuntimeException e) {
            spec.commandLine().getErr().println("canopy: warning: no report: " + ErrorReporter.oneLine(e.getMessage()));
        }
        say.flush();
        return exit;
    }
}
