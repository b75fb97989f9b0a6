package dev.canopy.cli.bench;

import dev.canopy.cli.Options;
import dev.canopy.cli.Supervision;
import dev.canopy.cli.Tables;
import dev.canopy.config.CanopyConfig;
import dev.canopy.invoke.FunctionInvoker;
import dev.canopy.json.Json;
import dev.canopy.training.SuperviseResult;
import io.quarkus.arc.Unremovable;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;

@Command(name = "tree", description = {"Time the whole training tree (supervise): one warm-up, then --repeat runs.",
        "Prints {\"kind\": \"tree\", \"runs\": [{\"wallMillis\": …}], \"medianWallMillis\": …, \"last\": <supervise answer>}."})
@Dependent
@Unremovable
public class BenchTreeCommand implements Callable<Integer> {
    @Mixin
    Options.Data data;

    @Mixin
    Options.Training training;

    @Mixin
    Options.Out out;

    @Option(names = "--repeat", paramLabel = "<n>", defaultValue = "3", description = "Timed runs (default: ${DEFAULT-VALUE}).")
    long repeat;

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
        BenchCommand.checkRepeat(repeat, 100);
        PrintWriter err = spec.commandLine().getErr();
        List<Map<String, Object>> runs = new ArrayList<>();
        SuperviseResult last = null;
        for (int i = 0; i <= repeat; i++) {
            var req = training.request("run-" + UUID.randomUUID().toString().substring(0, 8), data.data, out.or(config));
            long t0 = System.nanoTime();
            last = invoker.invoke("supervise", req, SuperviseResult.class);
            long wall = (System.nanoTime() - t0) / 1_000_000;
            err.printf(Locale.ROOT, "canopy: bench tree %s %d: %d ms%n", i == 0 ? "warm-up" : "run", i, wall);
            err.flush();
            if (i > 0) {
                runs.add(Map.of("wallMillis", wall));
            }
            String failure = Supervision.noModel(last);
            if (failure != null) {
                throw new IllegalStateException(failure);
            }
        }
        long median = BenchCommand.median(runs.stream().mapToLong(m -> (Long) m.get("wallMillis")).toArray());
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("kind", "tree");
        report.put("runs", runs);
        report.put("medianWallMillis", median);
        report.put("last", last);
        PrintWriter stdout = spec.commandLine().getOut();
        if (json.json) {
            stdout.println(Json.writeString(report));
        } else {
            stdout.printf(Locale.ROOT, "bench tree: median %d ms over %d runs %s%n", median, runs.size(), runs);
            stdout.print(Tables.supervise(last));
        }
        return 0;
    }
}
