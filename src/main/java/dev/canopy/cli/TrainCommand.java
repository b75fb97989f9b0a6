package dev.canopy.cli;

import dev.canopy.config.CanopyConfig;
import dev.canopy.invoke.FunctionInvoker;
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
    Options.Json json;

    @Spec
    CommandSpec spec;

    @Inject
    FunctionInvoker invoker;

    @Inject
    CanopyConfig config;

    @Override
    public Integer call() {
        var req = search.apply(training.request(runId.orNew(), data.data, out.or(config)));
        var result = Supervision.runWithProgress(invoker, req, spec.commandLine().getErr());
        return Supervision.report(result, json.json, spec.commandLine().getOut(), spec.commandLine().getErr());
    }
}
