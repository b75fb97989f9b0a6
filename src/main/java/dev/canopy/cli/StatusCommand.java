package dev.canopy.cli;

import dev.canopy.cli.shared.ExitCodes;
import dev.canopy.cli.shared.Tables;
import dev.canopy.cli.shared.Options;
import dev.canopy.config.CanopyConfig;
import dev.canopy.invoke.FunctionInvoker;
import dev.canopy.json.Json;
import dev.canopy.training.RunStatus;
import dev.canopy.training.RunSummary;
import dev.canopy.training.StatusService;
import dev.canopy.training.StatusRequest;
import dev.canopy.training.TrainerState;
import io.quarkus.arc.Unremovable;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "status", description = {"Show each trainer's state in a run, or without --run the runs under --out, newest first.",
        "Exits 1 when a trainer FAILED, or is LOST (it stopped reporting without finishing)."})
@Dependent
@Unremovable
public class StatusCommand implements Callable<Integer> {
    @Option(names = "--run", paramLabel = "<runId>", description = "The run id train printed (default: list the runs).")
    String run;

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

    @Inject
    StatusService statuses;

    @Override
    public Integer call() {
        PrintWriter stdout = spec.commandLine().getOut();
        if (run == null) {
            // listing reads the output location from here, whichever invoke mode functions run in
            String where = out.or(config);
            List<RunSummary> runs = statuses.runs(where);
            stdout.print(json.json ? Json.writeString(runs) + System.lineSeparator() : Tables.runs(where, runs));
            return 0;
        }
        RunStatus s = invoker.invoke("status", new StatusRequest(run, out.or(config)), RunStatus.class);
        stdout.print(json.json ? Json.writeString(s) + System.lineSeparator() : Tables.status(s));
        return s.trainers().stream().anyMatch(t -> t.state() == TrainerState.FAILED || t.state() == TrainerState.LOST)
                ? ExitCodes.FAILED : 0;
    }
}
