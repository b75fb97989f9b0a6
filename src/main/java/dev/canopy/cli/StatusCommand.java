package dev.canopy.cli;

import dev.canopy.config.CanopyConfig;
import dev.canopy.invoke.FunctionInvoker;
import dev.canopy.json.Json;
import dev.canopy.training.RunStatus;
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
import java.util.concurrent.Callable;

@Command(name = "status", description = {"Show each trainer's state in a run.", "Exits 1 when a trainer FAILED."})
@Dependent
@Unremovable
public class StatusCommand implements Callable<Integer> {
    @Option(names = "--run", required = true, paramLabel = "<runId>", description = "The run id train printed.")
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

    @Override
    public Integer call() {
        RunStatus s = invoker.invoke("status", new StatusRequest(run, out.or(config)), RunStatus.class);
        PrintWriter stdout = spec.commandLine().getOut();
        stdout.print(json.json ? Json.writeString(s) + System.lineSeparator() : Tables.status(s));
        return s.trainers().stream().anyMatch(t -> t.state() == TrainerState.FAILED) ? CanopyCommand.FAILED : 0;
    }
}
