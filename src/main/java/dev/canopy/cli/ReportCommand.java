package dev.canopy.cli;

import dev.canopy.cli.shared.Options;
import dev.canopy.config.CanopyConfig;
import dev.canopy.report.ReportService;
import dev.canopy.storage.ObjectStore;
import io.quarkus.arc.Unremovable;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

@Command(name = "report", description = {"Write a run's report: one self-contained HTML file beside the run "
        + "(<out>/<runId>/report.html), and print where it is.",
        "Ranking with an MSE chart, predicted against actual, feature importance, the trainers' timeline."})
@Dependent
@Unremovable
public class ReportCommand implements Callable<Integer> {
    @Option(names = "--run", required = true, paramLabel = "<runId>", description = "The run id train printed.")
    String run;

    @Mixin
    Options.Out out;

    @Spec
    CommandSpec spec;

    @Inject
    ObjectStore store;

    @Inject
    CanopyConfig config;

    @Override
    public Integer call() {
        spec.commandLine().getOut().println(new ReportService(store).write(out.or(config), run));
        return 0;
    }
}
