package dev.canopy.cli.bench;

import dev.canopy.cli.Options;
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

@Command(name = "score", description = "Time a trained model's scoring on one thread over a data set held in memory.")
@Dependent
@Unremovable
public class BenchScoreCommand implements Callable<Integer> {
    @Mixin
    Options.Model model;

    @Mixin
    Options.Data data;

    @Option(names = "--repeat", paramLabel = "<n>", defaultValue = "20", description = "Timed passes (default: ${DEFAULT-VALUE}).")
    long repeat;

    @Mixin
    Options.Json json;

    @Spec
    CommandSpec spec;

    @Inject
    ObjectStore store;

    @Override
    public Integer call() {
        BenchCommand.checkRepeat(repeat, 10_000);
        String modelUri = model.model;
        Model m = ModelLoader.load(store, modelUri, ModelLoader.version(store, modelUri));
        Table table = TableReader.read("data", data.data, store.read(data.data));
        double[][] columns = m.columns().stream().map(c -> table.numeric("data", c)).toArray(double[][]::new);
        int n = table.rows();
        double[] out = new double[n];
        for (int i = 0; i < Math.max(5, repeat / 4); i++) {
            m.score(columns, n, out); // warm-up: let the JIT compile the scoring loop
        }
        long t0 = System.nanoTime();
        for (int i = 0; i < repeat; i++) {
            m.score(columns, n, out);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("kind", "score");
        report.put("model", modelUri);
        report.put("rows", n);
        report.put("repeat", repeat);
        report.put("rowsPerSecond", Math.round(n * repeat / seconds));
        if (json.json) {
            spec.commandLine().getOut().println(Json.writeString(report));
        } else {
            spec.commandLine().getOut().printf(Locale.ROOT, "bench score: %s scores %,d rows/s on one thread%n", modelUri,
                    report.get("rowsPerSecond"));
        }
        return 0;
    }
}
