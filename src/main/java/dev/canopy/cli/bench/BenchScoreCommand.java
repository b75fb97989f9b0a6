package dev.canopy.cli.bench;

import dev.canopy.inference.ModelRef;
import dev.canopy.cli.shared.Options;
import dev.canopy.data.Table;
import dev.canopy.data.TableReader;
import dev.canopy.model.Model;
import dev.canopy.inference.ModelLoader;
import dev.canopy.json.Json;
import dev.canopy.storage.ObjectStore;
import io.quarkus.arc.Unremovable;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "score", description = {"Time a trained model's scoring on one thread over a data set held in memory.",
        "Also times the model's load (read and, for an XGBoost or LightGBM model, conversion): first in this process,",
        "then again once the JVM is warm, as a warm instance loads a model it has not seen.",
        "The libraries' own figures on the same rows: infra/bench/python_models.py (docs/performance.md)."})
@Dependent
@Unremovable
public class BenchScoreCommand implements Callable<Integer> {
    @Mixin
    Options.Model model;

    @Mixin
    Options.Data data;

    @Option(names = "--repeat", paramLabel = "<n>", defaultValue = "20", description = "Timed passes (default: ${DEFAULT-VALUE}).")
    long repeat;

    @Option(names = "--features", split = "\\s*,\\s*", splitSynopsisLabel = ",", paramLabel = "<column>",
            description = "For an XGBoost or LightGBM model saved without feature names: the columns it takes, in order.")
    java.util.List<String> features;

    @Mixin
    Options.Json json;

    @Spec
    CommandSpec spec;

    @Inject
    ObjectStore store;

    @Override
    public Integer call() {
        BenchCommand.checkRepeat(repeat, 10_000);
        String modelUri = ModelRef.withFeatures(model.model, features);
        String version = ModelLoader.version(store, modelUri);
        long l0 = System.nanoTime();
        Model m = ModelLoader.load(store, modelUri, version);
        double firstLoadMillis = (System.nanoTime() - l0) / 1e6;
        Table table = TableReader.read("data", data.data, store.read(data.data));
        double[][] columns = m.columns().stream().map(c -> table.numeric("data", c)).toArray(double[][]::new);
        int n = table.rows();
        double[] out = new double[n];
        for (int i = 0; i < Math.max(5, repeat / 4); i++) {
            m.score(columns, n, out); // warm-up: let the JIT compile the scoring loop
        }
        // wall time, and this thread's CPU time, which a busy shared machine disturbs far less
        java.lang.management.ThreadMXBean cpu = java.lang.management.ManagementFactory.getThreadMXBean();
        long c0 = cpu.getCurrentThreadCpuTime();
        long t0 = System.nanoTime();
        for (int i = 0; i < repeat; i++) {
            m.score(columns, n, out);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        double cpuSeconds = (cpu.getCurrentThreadCpuTime() - c0) / 1e9;
        // the load again, now that the JVM is warm: what a warm instance pays for a model it has not cached
        long[] loads = new long[5];
        long[] loadsCpu = new long[5];
        for (int i = 0; i < loads.length; i++) {
            long w0 = System.nanoTime();
            long wc0 = cpu.getCurrentThreadCpuTime();
            ModelLoader.load(store, modelUri, version);
            loads[i] = System.nanoTime() - w0;
            loadsCpu[i] = cpu.getCurrentThreadCpuTime() - wc0;
        }
        double warmLoadMillis = BenchCommand.median(loads) / 1e6;
        double warmLoadCpuMillis = BenchCommand.median(loadsCpu) / 1e6;
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("kind", "score");
        report.put("model", modelUri);
        report.put("rows", n);
        report.put("repeat", repeat);
        report.put("rowsPerSecond", Math.round(n * repeat / seconds));
        report.put("rowsPerCpuSecond", Math.round(n * repeat / cpuSeconds));
        report.put("format", m.format() != null ? m.format() : "canopy");
        report.put("firstLoadMillis", Math.round(firstLoadMillis * 10) / 10.0);
        report.put("warmLoadMillis", Math.round(warmLoadMillis * 10) / 10.0);
        report.put("warmLoadCpuMillis", Math.round(warmLoadCpuMillis * 10) / 10.0);
        if (json.json) {
            spec.commandLine().getOut().println(Json.writeString(report));
        } else {
            spec.commandLine().getOut().printf(Locale.ROOT, "bench score: %s scores %,d rows/s on one thread (%,d per CPU "
                            + "second); load %.1f ms first, %.1f ms warm (median of 5, %.1f ms CPU)%n", modelUri,
                    report.get("rowsPerSecond"), report.get("rowsPerCpuSecond"), firstLoadMillis, warmLoadMillis,
                    warmLoadCpuMillis);
        }
        return 0;
    }
}
