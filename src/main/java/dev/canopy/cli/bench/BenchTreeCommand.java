package dev.canopy.cli.bench;

import dev.canopy.cli.shared.Options;
import dev.canopy.cli.shared.Supervision;
import dev.canopy.cli.shared.Tables;
import dev.canopy.config.CanopyConfig;
import dev.canopy.error.InvalidInputException;
import dev.canopy.invoke.FunctionInvoker;
import dev.canopy.json.Json;
import dev.canopy.sample.RegressionParts;
import dev.canopy.training.SuperviseRequest;
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
        "Prints {\"kind\": \"tree\", \"runs\": [{\"wallMillis\": …}], \"medianWallMillis\": …, \"algorithms\": [{\"algorithm\", "
                + "\"trainMillis\", \"modelBytes\", \"mse\"}], \"peakRssBytes\": …, \"last\": <supervise answer>}.",
        "--rows N writes N rows of `generate regression` as --parts parts into --data first (a local folder; kept, and "
                + "reused when it already holds them) and trains on tip_amount with categorical=auto.",
        "peakRssBytes is this process's peak resident memory (VmHWM): with the default local invoker, every trainer's; "
                + "run one --algorithms at a time for each one's."})
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

    @Option(names = "--rows", paramLabel = "<n>", description = "Generate a regression data set of n rows into --data first.")
    Long rows;

    @Option(names = "--parts", paramLabel = "<k>", defaultValue = "12", description = "Parts of the generated data set (default: ${DEFAULT-VALUE}).")
    int parts;

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
        if (rows != null) {
            generate(err);
        }
        List<Map<String, Object>> runs = new ArrayList<>();
        SuperviseResult last = null;
        for (int i = 0; i <= repeat; i++) {
            var req = training.request("run-" + UUID.randomUUID().toString().substring(0, 8), data.data, out.or(config));
            if (rows != null && req.target() == null) {
                req = new SuperviseRequest(req.runId(), req.data(), RegressionParts.TARGET, req.features(), req.algorithms(),
                        req.testFraction(), req.seed(), req.testData(), req.params(), req.out(), req.search(), req.delimiter(),
                        req.missing(), req.categorical() == null ? "auto" : req.categorical(), req.maxCategories(),
                        req.overwrite(), req.exclude(), req.sampleRows(), req.fitToBudget(), req.task(), req.maxClasses(),
                        req.classWeight(), req.stratify(), req.metric());
            }
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
        List<Map<String, Object>> algorithms = new ArrayList<>();
        for (var t : last.results()) {
            Map<String, Object> a = new LinkedHashMap<>();
            a.put("algorithm", t.algorithm());
            a.put("state", t.state());
            a.put("trainMillis", t.trainMillis());
            a.put("modelBytes", t.modelBytes());
            a.put("mse", t.mse());
            algorithms.add(a);
        }
        report.put("algorithms", algorithms);
        long rss = peakRssBytes();
        report.put("peakRssBytes", rss);
        report.put("last", last);
        PrintWriter stdout = spec.commandLine().getOut();
        if (json.json) {
            stdout.println(Json.writeString(report));
        } else {
            stdout.printf(Locale.ROOT, "bench tree: median %d ms over %d runs %s%n", median, runs.size(), runs);
            stdout.print(Tables.supervise(last));
            stdout.printf(Locale.ROOT, "peak RSS of this process (every trainer in it): %,d MB%n", rss >> 20);
        }
        return 0;
    }

    private void generate(PrintWriter err) {
        java.nio.file.Path dir = java.nio.file.Path.of(data.data);
        try {
            long have = 0;
            if (java.nio.file.Files.isDirectory(dir)) {
                try (var files = java.nio.file.Files.list(dir)) {
                    have = files.filter(f -> f.getFileName().toString().endsWith(".parquet")).count();
                }
            }
            if (have == parts) {
                err.printf(Locale.ROOT, "canopy: bench tree: reusing the %d parts in %s%n", parts, dir);
                return;
            }
            if (have > 0) {
                throw new InvalidInputException("--data", data.data, "holds " + have + " parts, not --parts "
                        + parts + "; give an empty or new folder to generate --rows into");
            }
            RegressionParts.write(dir, rows, parts, 1);
            err.printf(Locale.ROOT, "canopy: bench tree: wrote %,d rows in %d parts to %s%n", rows, parts, dir);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot write the data set to " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Peak resident memory of this process (Linux's VmHWM), or -1 where /proc is not there. */
    static long peakRssBytes() {
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (java.io.IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }
}
