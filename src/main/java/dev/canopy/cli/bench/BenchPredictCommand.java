package dev.canopy.cli.bench;

import dev.canopy.cli.shared.Options;
import dev.canopy.cli.shared.Tables;
import dev.canopy.config.CanopyBeans;
import dev.canopy.config.CanopyConfig;
import dev.canopy.data.ObjectStoreInputFile;
import dev.canopy.inference.BatchPredictRequest;
import dev.canopy.inference.BatchPredictResult;
import dev.canopy.inference.ModelCache;
import dev.canopy.inference.PredictRequest;
import dev.canopy.inference.PredictService;
import dev.canopy.inference.ShardResult;
import dev.canopy.invoke.FunctionInvoker;
import dev.canopy.json.Json;
import dev.canopy.pool.CallState;
import dev.canopy.storage.ObjectStore;
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
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "predict", description = {"Time batch prediction (batch-predict): one warm-up, then --repeat batches.",
        "Also one predictor's own rate: the same shards scored one after another on one thread, no pool or JSON."})
@Dependent
@Unremovable
public class BenchPredictCommand implements Callable<Integer> {
    @Mixin
    Options.Batch batch;

    @Option(names = "--repeat", paramLabel = "<n>", defaultValue = "5", description = "Timed batches (default: ${DEFAULT-VALUE}).")
    long repeat;

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
        BenchCommand.checkRepeat(repeat, 100);
        PrintWriter err = spec.commandLine().getErr();
        BatchPredictRequest req = batch.request();
        List<Map<String, Object>> runs = new ArrayList<>();
        BatchPredictResult last = null;
        for (int i = 0; i <= repeat; i++) {
            long t0 = System.nanoTime();
            last = invoker.invoke("batch-predict", req, BatchPredictResult.class);
            long wall = (System.nanoTime() - t0) / 1_000_000;
            err.printf(Locale.ROOT, "canopy: bench predict %s %d: %d ms, %d rows (orchestrator %d ms, shards %d ms in all)%n",
                    i == 0 ? "warm-up" : "run", i, wall, last.rows(), last.wallMillis(),
                    last.shards().stream().mapToLong(ShardResult::millis).sum());
            err.flush();
            if (i > 0) {
                Map<String, Object> run = new LinkedHashMap<>();
                run.put("wallMillis", wall);
                run.put("rows", last.rows());
                runs.add(run);
            }
        }
        long median = BenchCommand.median(runs.stream().mapToLong(m -> (Long) m.get("wallMillis")).toArray());
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("kind", "predict");
        report.put("runs", runs);
        report.put("medianWallMillis", median);
        report.put("rowsPerSecond", median == 0 ? null : Math.round(last.rows() * 1000.0 / median));
        Map<String, Object> one = onePredictor(req.modelUri(), last, (int) repeat);
        report.put("predictor", one);
        report.put("last", last);
        PrintWriter stdout = spec.commandLine().getOut();
        if (json.json) {
            stdout.println(Json.writeString(report));
        } else {
            stdout.printf(Locale.ROOT, "bench predict: median %d ms over %d runs, %s rows/s%n", median, runs.size(),
                    report.get("rowsPerSecond"));
            stdout.printf(Locale.ROOT, "batch: %s requests and %s round trips per shard before its PUT%n",
                    last.requestsPerShard(), last.roundTripsPerShard());
            stdout.printf(Locale.ROOT, "one predictor, one thread: median %s ms for %s rows, %s rows/s; "
                            + "%s requests, %s round trips and %s bytes read per shard%n", one.get("medianMillis"), one.get("rows"),
                    one.get("rowsPerSecond"), one.get("requestsPerShard"), one.get("roundTripsPerShard"), one.get("bytesPerShard"));
            stdout.print(Tables.batch(last));
        }
        return 0;
    }

    /**
     * One predictor's own speed: the batch's succeeded shards scored one after another by a single
     * {@link PredictService} on this thread, with no pool, invoker or JSON in between, which is what a
     * predictor does with each shard. The first pass loads the model and is not counted.
     */
    private Map<String, Object> onePredictor(String modelUri, BatchPredictResult batch, int repeat) {
        List<String> shards = batch.shards().stream().filter(s -> s.state() == CallState.SUCCEEDED)
                .map(ShardResult::shard).toList();
        PredictService predictor = new PredictService(store, new ModelCache(config.batch().modelCacheBytes()), "bench",
                CanopyBeans.readTuning(config.batch()));
        long[] nanos = new long[repeat];
        long rows = 0;
        ObjectStoreInputFile.Totals before = null;
        for (int i = 0; i <= repeat; i++) {
            if (i == 1) {
                before = ObjectStoreInputFile.totals(); // the warm-up pass's reads are not counted either
            }
            long t0 = System.nanoTime();
            rows = 0;
            for (String shard : shards) {
                rows += predictor.predict(new PredictRequest(modelUri, shard, null, null, null)).rows();
            }
            if (i > 0) {
                nanos[i - 1] = System.nanoTime() - t0;
            }
        }
        long medianNanos = BenchCommand.median(nanos);
        // Reads of the shards' Parquet bytes: the suffix read with the footer, then the projected column chunks
        ObjectStoreInputFile.Totals read = ObjectStoreInputFile.totals().minus(before);
        double reads = (double) shards.size() * repeat;
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("shards", shards.size());
        out.put("rows", rows);
        out.put("runMillis", Arrays.stream(nanos).mapToObj(n -> Math.round(n / 1e4) / 100.0).toList());
        out.put("medianMillis", Math.round(medianNanos / 1e4) / 100.0);
        out.put("rowsPerSecond", medianNanos == 0 ? null : Math.round(rows * 1e9 / medianNanos));
        out.put("requestsPerShard", reads == 0 ? null : Math.round(read.requests() / reads * 100) / 100.0);
        out.put("roundTripsPerShard", reads == 0 ? null : Math.round(read.roundTrips() / reads * 100) / 100.0);
        out.put("bytesPerShard", reads == 0 ? null : Math.round(read.bytes() / reads));
        return out;
    }
}
