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
import dev.canopy.sample.CaliforniaHousing;
import dev.canopy.storage.ObjectInfo;
import dev.canopy.storage.ObjectStore;
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
import java.net.URI;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "demo", description = {"Train on California housing; with --shards or --shard, then batch-predict.",
        "Without --data the data is downloaded once and cached (canopy.data.cache-dir).",
        "Batch prediction uses the best model when the shards carry its features, otherwise (taxi shards) "
                + DemoCommand.TAXI_RULE + "."})
@Dependent
@Unremovable
public class DemoCommand implements Callable<Integer> {
    static final String TAXI_RULE = "rule:passenger_count>=2";

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
        SuperviseResult trained = Supervision.runWithProgress(invoker,
                training.request(runId.orNew(), data != null ? data : cachedData(err), out.or(config)), err);
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
        String best = trained.results().getFirst().modelUri();
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
