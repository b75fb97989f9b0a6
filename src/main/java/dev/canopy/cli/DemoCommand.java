package dev.canopy.cli;

import dev.canopy.cli.shared.Tables;
import dev.canopy.cli.shared.Options;
import dev.canopy.cli.shared.Supervision;
import dev.canopy.config.CanopyConfig;
import dev.canopy.data.ObjectStoreInputFile;
import dev.canopy.data.ParquetColumns;
import dev.canopy.error.InvalidInputException;
import dev.canopy.inference.BatchPredictRequest;
import dev.canopy.inference.BatchPredictResult;
import dev.canopy.invoke.FunctionInvoker;
import dev.canopy.json.Json;
import dev.canopy.sample.BinaryHousing;
import dev.canopy.sample.CaliforniaHousing;
import dev.canopy.storage.ObjectInfo;
import dev.canopy.storage.ObjectStore;
import dev.canopy.training.SuperviseRequest;
import dev.canopy.training.SuperviseResult;
import dev.canopy.training.Task;
import io.quarkus.arc.Unremovable;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "demo", description = {"Train on California housing; with --shards or --shard, then batch-predict.",
        "Without --data the data is downloaded once and cached (canopy.data.cache-dir).",
        "--task binary: a classification of " + BinaryHousing.TARGET + " (MedHouseVal > 2) on that data, or, without",
        "--data and no cached copy, on rows of the same columns the demo makes itself (no download).",
        "Batch prediction uses the best model when the shards carry its features, otherwise (taxi shards) "
                + DemoCommand.TAXI_RULE + "."})
@Dependent
@Unremovable
public class DemoCommand implements Callable<Integer> {
    static final String TAXI_RULE = "rule:passenger_count>=2";
    /** Rows of the binary example the demo makes when no copy of California housing is at hand. */
    static final int GENERATED_ROWS = 4000;
    /** The binary example's file, under {@code {out}/demo-data/}. */
    static final String BINARY_FILE = "california_housing_binary.csv";

    @Option(names = "--data", paramLabel = "<uri>",
            description = "California housing as CSV (default: the cached copy, downloaded if absent).")
    String data;

    @Mixin
    Options.Training training;

    @Mixin
    Options.RunId runId;

    @Mixin
    Options.Out out;

    @Mixin
    Options.Shards shards;

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
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        String outDir = out.or(config);
        SuperviseRequest asked = training.request(runId.orNew(), data, outDir);
        // --task binary trains on a derived class, MedHouseVal > 2, unless --target names another column
        SuperviseRequest request = Task.BINARY.id().equals(asked.task())
                ? asked.withData(binaryData(outDir, err), asked.target() != null ? asked.target() : BinaryHousing.TARGET)
                : asked.withData(data != null ? data : cachedData(err), asked.target());
        SuperviseResult trained = Supervision.runWithProgress(invoker, request, err);
        if (!shards.given()) {
            return Supervision.report(trained, json.json, stdout, err);
        }
        String failure = Supervision.noModel(trained);
        if (failure != null || !json.json) {
            // with --json and a batch to come, stdout holds the one object with both answers
            int code = Supervision.report(trained, json.json, stdout, err);
            if (code != 0) {
                return code;
            }
        }
        String best = trained.bestModelUri();
        BatchPredictRequest req = shards.request(TAXI_RULE);
        String model = fits(req, trained.dataset().features()) ? best : TAXI_RULE;
        err.println("canopy: batch prediction with " + model);
        BatchPredictResult r = invoker.invoke("batch-predict", shards.request(model), BatchPredictResult.class);
        if (json.json) {
            Map<String, Object> both = new LinkedHashMap<>();
            both.put("training", trained);
            both.put("prediction", r);
            stdout.println(Json.writeString(both));
        } else {
            stdout.print(Tables.batch(r));
        }
        return PredictCommand.toleranceExceeded(r, err);
    }

    /**
     * The binary example's data, written under {@code outDir} where the trainers read it: California housing
     * (--data, else the cached copy) with MedHouseVal made the class {@link BinaryHousing#TARGET}, or, with
     * neither, rows the demo makes itself; nothing is downloaded for it.
     */
    private String binaryData(String outDir, PrintWriter err) {
        Path cached = Path.of(config.data().cacheDir()).resolve(CaliforniaHousing.FILE_NAME);
        String source = data != null ? data : Files.isRegularFile(cached) ? cached.toString() : null;
        String csv;
        if (source == null) {
            csv = BinaryHousing.generate(GENERATED_ROWS, 42);
        } else {
            try {
                csv = BinaryHousing.derive(new String(store.read(source), StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                throw new InvalidInputException("--data", source, "demo --task binary needs California housing's "
                        + "columns: " + e.getMessage());
            }
        }
        String uri = outDir.replaceAll("/+$", "") + "/demo-data/" + BINARY_FILE;
        store.write(uri, csv.getBytes(StandardCharsets.UTF_8), "text/csv");
        err.println("canopy: demo --task binary: " + BinaryHousing.TARGET + " = MedHouseVal > 2, "
                + (source == null ? GENERATED_ROWS + " rows made here (no California housing at hand: --data names it)"
                : "from " + source) + "; written to " + uri);
        err.flush();
        return uri;
    }

    private String cachedData(PrintWriter err) {
        Path cache = Path.of(config.data().cacheDir());
        try {
            err.println("canopy: using California housing from " + cache.resolve(CaliforniaHousing.FILE_NAME)
                    + " (downloaded once from " + config.data().californiaHousingUrl() + " if absent)");
            err.flush();
            return CaliforniaHousing.ensure(cache, URI.create(config.data().californiaHousingUrl()),
                    config.data().httpTimeout()).toString();
        } catch (Exception e) {
            throw new InvalidInputException("--data", null, "California housing is not cached and could not be "
                    + "downloaded (" + e + "); pass it with --data <path to california_housing.csv>, e.g. "
                    + "--data ../shared/data/california_housing.csv");
        }
    }

    /** Whether the first shard has every feature the model was trained on. */
    private boolean fits(BatchPredictRequest req, List<String> features) {
        String first = req.shards() != null ? req.shards().getFirst()
                : store.list(req.shardPrefix()).stream().map(ObjectInfo::uri)
                .filter(u -> u.endsWith(".parquet")).findFirst().orElse(null);
        if (first == null) {
            return false;
        }
        var names = ParquetColumns.columnNames("shards", new ObjectStoreInputFile(store, first));
        return names.containsAll(features);
    }
}
