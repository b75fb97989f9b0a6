package dev.canopy.cli;

import dev.canopy.config.CanopyConfig;
import dev.canopy.data.CaliforniaHousing;
import dev.canopy.error.CanopyException;
import dev.canopy.error.FunctionInvocationException;
import dev.canopy.data.TaxiShards;
import dev.canopy.error.InvalidInputException;
import dev.canopy.inference.BatchPredictRequest;
import dev.canopy.inference.BatchPredictResult;
import dev.canopy.invoke.FunctionInvoker;
import dev.canopy.json.Json;
import dev.canopy.training.RunStatus;
import dev.canopy.training.StatusRequest;
import dev.canopy.training.SuperviseRequest;
import dev.canopy.training.SuperviseResult;
import dev.canopy.training.TrainerState;
import dev.canopy.training.TrainerStatus;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.QuarkusApplication;
import io.quarkus.runtime.annotations.QuarkusMain;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Canopy's command line: the same functions as on Lambda, invoked in-process (or on Lambda with
 * {@code canopy.invoke.mode=lambda}). With {@code --json}, stdout holds exactly the function's answer and
 * nothing else; progress and logs go to stderr. A failed command exits non-zero with one line on stderr.
 *
 * <p>In a Lambda container (native build) there are no arguments and the Lambda runtime API is set: the
 * application then just serves invocations, as Quarkus' default main would.
 */
@QuarkusMain
public class CanopyMain implements QuarkusApplication {
    static final String USAGE = """
            usage: java -jar target/canopy-runner.jar <command> [options]
              train   --data <path|file:|s3:|https: URI> [--target MedHouseVal] [--features a,b,..]
                      [--algorithms random_forest,decision_tree,gradient_boosting] [--test-fraction 0.2]
                      [--seed 42] [--test-data <uri>] [--param random_forest.trees=300 ...] [--out <dir|s3 uri>]
                      [--run-id <id>] [--json]
              status  --run <runId> [--out <dir|s3 uri>] [--json]
              demo    [--data <uri>] [--shards <dir|s3 prefix>] [--pool-size 6] [--out <dir|s3 uri>] [--json]
              bench tree --data <uri> [--repeat 3] [--json]
              predict --model <uri|rule:EXPR> (--shards <dir|s3 prefix> | --shard <uri> ...) [--pool-size 6]
                      [--out <dir|s3 uri>] [--unordered] [--max-attempts 3] [--shard-timeout 300]
                      [--tolerated-failure-percentage 0] [--json]
              bench predict --model <uri|rule:EXPR> --shards <dir|s3 prefix> [--pool-size 6] [--repeat 5] [--json]
              bench score --model <uri> --data <csv|parquet uri> [--repeat 20] [--json]
              bench cold-start [--function predict] [--event <json file>] [--repeat 5] [--warmup 1] [--target target]
                      [--layout zip|classpath] [--memory <MB>] [--cpus <n>] [--runtime-aot-cache <file>]
                      [--jvm-flag <flag> ...] [--aot-cache <file>] [--json]
              generate taxi --out <dir> [--full | --rows <per shard>] [--shards 12] [--seed 1]
            """;

    private static final Set<String> FLAGS = Set.of("json", "help", "unordered", "full");
    private static final Set<String> PREDICT_OPTIONS = Set.of("model", "shards", "shard", "pool-size", "out",
            "unordered", "max-attempts", "shard-timeout", "tolerated-failure-percentage", "json", "run-id", "repeat");
    private static final Set<String> TRAIN_OPTIONS = Set.of("data", "target", "features", "algorithms", "test-fraction",
            "seed", "test-data", "param", "out", "run-id", "json");

    @Inject
    FunctionInvoker invoker;

    @Inject
    CanopyConfig config;

    @Inject
    dev.canopy.storage.ObjectStore store;

    @ConfigProperty(name = "aws.lambda.runtime.api")
    Optional<String> lambdaRuntimeApi;

    @Override
    public int run(String... argv) {
        if (argv.length == 0 && lambdaRuntimeApi.isPresent()) {
            Quarkus.waitForExit();
            return 0;
        }
        try {
            Args args = Args.parse(argv, FLAGS);
            List<String> words = args.positional();
            if (words.isEmpty() || args.flag("help")) {
                System.err.print(USAGE);
                return words.isEmpty() && !args.flag("help") ? 2 : 0;
            }
            return switch (words.getFirst()) {
                case "train" -> train(args);
                case "status" -> status(args);
                case "demo" -> demo(args);
                case "bench" -> words.size() > 1 && words.get(1).equals("predict") ? benchPredict(args)
                        : words.size() > 1 && words.get(1).equals("score") ? benchScore(args)
                        : words.size() > 1 && words.get(1).equals("cold-start") ? benchColdStart(args) : bench(args);
                case "predict" -> predict(args);
                case "generate" -> generate(args);
                default -> throw new InvalidInputException("command", words.getFirst(),
                        "unknown command; use train, status, demo, bench, predict or generate");
            };
        } catch (FunctionInvocationException e) {
            System.err.println("canopy: " + e.errorType() + ": " + oneLine(e.errorMessage()));
            return 1;
        } catch (CanopyException e) {
            System.err.println("canopy: " + e.errorType() + ": " + oneLine(e.getMessage()));
            return 1;
        } catch (RuntimeException e) {
            System.err.println("canopy: " + e.getClass().getSimpleName() + ": " + oneLine(String.valueOf(e.getMessage())));
            return 1;
        }
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("\\s*\\R\\s*", " ");
    }

    // ---- train ----------------------------------------------------------------------------------

    private int train(Args args) {
        args.allow(TRAIN_OPTIONS);
        SuperviseRequest req = superviseRequest(args, args.get("data"));
        return report(runWithProgress(req), args.flag("json"));
    }

    SuperviseRequest superviseRequest(Args args, String data) {
        if (data == null) {
            throw new InvalidInputException("--data", null, "required: a path, file:, s3:// or https:// URI");
        }
        String runId = args.get("run-id") != null ? args.get("run-id")
                : "run-" + UUID.randomUUID().toString().substring(0, 8);
        return new SuperviseRequest(runId, data, args.get("target"), args.list("features"), args.list("algorithms"),
                args.decimal("test-fraction"), args.integer("seed"), args.get("test-data"), params(args.all("param")),
                outDir(args));
    }

    private String outDir(Args args) {
        return args.get("out") != null ? args.get("out") : config.outputUri();
    }

    /** {@code random_forest.trees=300} → {@code {"random_forest": {"trees": "300"}}}; values are validated by the trainer. */
    static Map<String, Map<String, Object>> params(List<String> given) {
        if (given.isEmpty()) {
            return null;
        }
        Map<String, Map<String, Object>> out = new LinkedHashMap<>();
        for (String p : given) {
            int dot = p.indexOf('.');
            int eq = p.indexOf('=');
            if (dot <= 0 || eq < dot + 2 || eq == p.length() - 1) {
                throw new InvalidInputException("--param", p, "expected algorithm.name=value, e.g. random_forest.trees=300");
            }
            out.computeIfAbsent(p.substring(0, dot), k -> new LinkedHashMap<>()).put(p.substring(dot + 1, eq), p.substring(eq + 1));
        }
        return out;
    }

    /** Runs supervise while printing trainer progress on stderr as it changes. */
    SuperviseResult runWithProgress(SuperviseRequest req) {
        CompletableFuture<SuperviseResult> run = CompletableFuture.supplyAsync(
                () -> invoker.invoke("supervise", req, SuperviseResult.class), Thread::startVirtualThread);
        Map<String, String> shown = new HashMap<>();
        while (true) {
            try {
                return run.get(400, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.TimeoutException poll) {
                showProgress(req, shown);
            } catch (java.util.concurrent.ExecutionException e) {
                if (e.getCause() instanceof RuntimeException re) {
                    throw re;
                }
                throw new IllegalStateException(e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted");
            }
        }
    }

    private void showProgress(SuperviseRequest req, Map<String, String> shown) {
        try {
            RunStatus s = invoker.invoke("status", new StatusRequest(req.runId(), req.out()), RunStatus.class);
            for (TrainerStatus t : s.trainers()) {
                String line = String.format(Locale.ROOT, "  %-18s %-12s %s", t.algorithm(), t.state(), t.detail());
                if (!line.equals(shown.put(t.algorithm(), line))) {
                    System.err.println(line);
                }
            }
        } catch (RuntimeException notYet) {
            // no status written yet; the next poll will show it
        }
    }

    private int report(SuperviseResult r, boolean json) {
        if (json) {
            System.out.println(Json.writeString(r));
        } else {
            System.out.print(Tables.supervise(r));
        }
        if (r.best() == null) {
            String first = r.results().isEmpty() ? "no trainer ran" : r.results().getFirst().error();
            System.err.println("canopy: every trainer failed: " + oneLine(first));
            return 1;
        }
        return 0;
    }

    // ---- status ---------------------------------------------------------------------------------

    private int status(Args args) {
        args.allow(Set.of("run", "out", "json"));
        if (args.get("run") == null) {
            throw new InvalidInputException("--run", null, "required: the run id printed by train");
        }
        RunStatus s = invoker.invoke("status", new StatusRequest(args.get("run"), outDir(args)), RunStatus.class);
        if (args.flag("json")) {
            System.out.println(Json.writeString(s));
        } else {
            System.out.print(Tables.status(s));
        }
        return s.trainers().stream().anyMatch(t -> t.state() == TrainerState.FAILED) ? 1 : 0;
    }

    // ---- demo -----------------------------------------------------------------------------------

    private int demo(Args args) {
        args.allow(Set.of("data", "out", "json", "seed", "shards", "pool-size"));
        String data = args.get("data");
        if (data == null) {
            Path cache = Path.of(config.data().cacheDir());
            try {
                System.err.println("canopy: using California housing from " + cache.resolve(CaliforniaHousing.FILE_NAME)
                        + " (downloaded once from " + config.data().californiaHousingUrl() + " if absent)");
                data = CaliforniaHousing.ensure(cache, URI.create(config.data().californiaHousingUrl()),
                        config.data().httpTimeout()).toString();
            } catch (Exception e) {
                throw new InvalidInputException("--data", null, "California housing is not cached and could not be "
                        + "downloaded (" + e + "); pass it with --data <path to california_housing.csv>, e.g. "
                        + "--data ../shared/data/california_housing.csv");
            }
        }
        SuperviseResult trained = runWithProgress(superviseRequest(args, data));
        int code = report(trained, args.flag("json") && args.get("shards") == null);
        if (code != 0 || args.get("shards") == null) {
            return code;
        }
        // Batch prediction after training: the best model when the shards carry its features, otherwise
        // (taxi shards) the seed's rule model.
        BatchPredictRequest base = batchRequest(args, "rule:passenger_count>=2");
        String modelUri = trained.results().getFirst().modelUri();
        String model = fits(base, trained.dataset().features()) ? modelUri : "rule:passenger_count>=2";
        System.err.println("canopy: batch prediction with " + model);
        BatchPredictResult r = invoker.invoke("batch-predict", new BatchPredictRequest(base.runId(), model, base.shards(),
                base.shardPrefix(), base.poolSize(), null, true, null, null, null), BatchPredictResult.class);
        if (args.flag("json")) {
            Map<String, Object> both = new LinkedHashMap<>();
            both.put("training", trained);
            both.put("prediction", r);
            System.out.println(Json.writeString(both));
        } else {
            System.out.print(Tables.batch(r));
        }
        return r.toleranceExceeded() ? 1 : 0;
    }

    private boolean fits(BatchPredictRequest req, List<String> features) {
        String first = req.shards() != null ? req.shards().getFirst()
                : store.list(req.shardPrefix()).stream().map(dev.canopy.storage.ObjectInfo::uri)
                .filter(u -> u.endsWith(".parquet")).findFirst().orElse(null);
        if (first == null) {
            return false;
        }
        var names = dev.canopy.data.ParquetColumns.columnNames("shards", new dev.canopy.data.ObjectStoreInputFile(store,
                first, store.head(first).size()));
        return names.containsAll(features);
    }

    // ---- bench ----------------------------------------------------------------------------------

    private int bench(Args args) {
        List<String> words = args.positional();
        if (words.size() < 2 || !words.get(1).equals("tree")) {
            throw new InvalidInputException("bench", words.size() < 2 ? null : words.get(1), "expected: bench tree or bench predict");
        }
        args.allow(Set.of("data", "repeat", "json", "out", "seed", "algorithms", "param", "target", "features",
                "test-fraction", "test-data"));
        long repeat = args.integer("repeat") == null ? 3 : args.integer("repeat");
        if (repeat < 1 || repeat > 100) {
            throw new InvalidInputException("--repeat", repeat, "must be between 1 and 100");
        }
        List<Map<String, Object>> runs = new ArrayList<>();
        SuperviseResult last = null;
        for (int i = 0; i <= repeat; i++) {
            SuperviseRequest req = superviseRequest(args, args.get("data"));
            long t0 = System.nanoTime();
            last = invoker.invoke("supervise", req, SuperviseResult.class);
            long wall = (System.nanoTime() - t0) / 1_000_000;
            System.err.printf(Locale.ROOT, "canopy: bench tree %s %d: %d ms%n", i == 0 ? "warm-up" : "run", i, wall);
            if (i > 0) {
                runs.add(Map.of("wallMillis", wall));
            }
            if (last.best() == null) {
                throw new IllegalStateException("every trainer failed: " + last.results().getFirst().error());
            }
        }
        long[] walls = runs.stream().mapToLong(m -> (Long) m.get("wallMillis")).sorted().toArray();
        long median = walls.length % 2 == 1 ? walls[walls.length / 2]
                : (walls[walls.length / 2 - 1] + walls[walls.length / 2]) / 2;
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("kind", "tree");
        report.put("runs", runs);
        report.put("medianWallMillis", median);
        report.put("last", last);
        if (args.flag("json")) {
            System.out.println(Json.writeString(report));
        } else {
            System.out.printf(Locale.ROOT, "bench tree: median %d ms over %d runs %s%n", median, walls.length, runs);
            System.out.print(Tables.supervise(last));
        }
        return 0;
    }

    // ---- predict ----------------------------------------------------------------------------------

    private int predict(Args args) {
        args.allow(PREDICT_OPTIONS);
        BatchPredictResult r = invoker.invoke("batch-predict", batchRequest(args), BatchPredictResult.class);
        if (args.flag("json")) {
            System.out.println(Json.writeString(r));
        } else {
            System.out.print(Tables.batch(r));
        }
        if (r.toleranceExceeded()) {
            System.err.println("canopy: " + r.failed() + " of " + (r.succeeded() + r.failed())
                    + " shards did not succeed, more than the tolerated percentage");
            return 1;
        }
        return 0;
    }

    BatchPredictRequest batchRequest(Args args) {
        return batchRequest(args, args.get("model"));
    }

    BatchPredictRequest batchRequest(Args args, String model) {
        if (model == null) {
            throw new InvalidInputException("--model", null, "required: a model URI (…/models/<algorithm>.trees or .model) or rule:<expr>");
        }
        List<String> shards = args.all("shard").isEmpty() ? null : args.all("shard");
        String prefix = args.get("shards");
        if (prefix != null && !prefix.startsWith("s3://") && java.nio.file.Files.isDirectory(Path.of(prefix)) && !prefix.endsWith("/")) {
            prefix = prefix + "/";
        }
        Double tolerated = args.decimal("tolerated-failure-percentage");
        return new BatchPredictRequest(args.get("run-id"), model, shards, prefix, intOrNull(args, "pool-size"),
                args.get("out"), !args.flag("unordered"), intOrNull(args, "max-attempts"), intOrNull(args, "shard-timeout"),
                tolerated);
    }

    private static Integer intOrNull(Args args, String name) {
        Long v = args.integer(name);
        if (v == null) {
            return null;
        }
        if (v > Integer.MAX_VALUE || v < Integer.MIN_VALUE) {
            throw new InvalidInputException("--" + name, v, "out of range");
        }
        return v.intValue();
    }

    private int benchPredict(Args args) {
        args.allow(PREDICT_OPTIONS);
        long repeat = args.integer("repeat") == null ? 5 : args.integer("repeat");
        if (repeat < 1 || repeat > 100) {
            throw new InvalidInputException("--repeat", repeat, "must be between 1 and 100");
        }
        BatchPredictRequest req = batchRequest(args);
        List<Map<String, Object>> runs = new ArrayList<>();
        BatchPredictResult last = null;
        for (int i = 0; i <= repeat; i++) {
            long t0 = System.nanoTime();
            last = invoker.invoke("batch-predict", req, BatchPredictResult.class);
            long wall = (System.nanoTime() - t0) / 1_000_000;
            System.err.printf(Locale.ROOT, "canopy: bench predict %s %d: %d ms, %d rows (orchestrator %d ms, shards %d ms in all)%n",
                    i == 0 ? "warm-up" : "run", i, wall, last.rows(), last.wallMillis(),
                    last.shards().stream().mapToLong(dev.canopy.inference.ShardResult::millis).sum());
            if (i > 0) {
                Map<String, Object> run = new LinkedHashMap<>();
                run.put("wallMillis", wall);
                run.put("rows", last.rows());
                runs.add(run);
            }
        }
        long median = median(runs.stream().mapToLong(m -> (Long) m.get("wallMillis")).toArray());
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("kind", "predict");
        report.put("runs", runs);
        report.put("medianWallMillis", median);
        report.put("rowsPerSecond", median == 0 ? null : Math.round(last.rows() * 1000.0 / median));
        report.put("predictor", benchOnePredictor(req.modelUri(), last, (int) repeat));
        report.put("last", last);
        if (args.flag("json")) {
            System.out.println(Json.writeString(report));
        } else {
            System.out.printf(Locale.ROOT, "bench predict: median %d ms over %d runs, %s rows/s%n", median, runs.size(),
                    report.get("rowsPerSecond"));
            @SuppressWarnings("unchecked")
            Map<String, Object> one = (Map<String, Object>) report.get("predictor");
            System.out.printf(Locale.ROOT, "one predictor, one thread: median %s ms for %s rows, %s rows/s%n",
                    one.get("medianMillis"), one.get("rows"), one.get("rowsPerSecond"));
            System.out.print(Tables.batch(last));
        }
        return 0;
    }

    /**
     * One predictor's own speed: the batch's succeeded shards scored one after another by a single
     * {@link dev.canopy.inference.PredictService} on this thread, with no pool, invoker or JSON in between,
     * which is what a predictor does with each shard. The first pass loads the model and is not counted.
     */
    private Map<String, Object> benchOnePredictor(String modelUri, BatchPredictResult batch, int repeat) {
        List<String> shards = batch.shards().stream().filter(s -> s.state() == dev.canopy.pool.CallState.SUCCEEDED)
                .map(dev.canopy.inference.ShardResult::shard).toList();
        dev.canopy.inference.PredictService predictor = new dev.canopy.inference.PredictService(store,
                new dev.canopy.inference.ModelCache(config.batch().modelCacheBytes()), "bench");
        long[] nanos = new long[repeat];
        long rows = 0;
        for (int i = 0; i <= repeat; i++) {
            long t0 = System.nanoTime();
            rows = 0;
            for (String shard : shards) {
                rows += predictor.predict(new dev.canopy.inference.PredictRequest(modelUri, shard, null, null, null)).rows();
            }
            if (i > 0) {
                nanos[i - 1] = System.nanoTime() - t0;
            }
        }
        long medianNanos = median(nanos);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("shards", shards.size());
        out.put("rows", rows);
        out.put("runMillis", java.util.Arrays.stream(nanos).mapToObj(n -> Math.round(n / 1e4) / 100.0).toList());
        out.put("medianMillis", Math.round(medianNanos / 1e4) / 100.0);
        out.put("rowsPerSecond", medianNanos == 0 ? null : Math.round(rows * 1e9 / medianNanos));
        return out;
    }

    static long median(long[] values) {
        long[] v = values.clone();
        java.util.Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    // ---- bench score ------------------------------------------------------------------------------

    /** Scoring speed of a trained model on one thread: Canopy's flat trees over in-memory columns. */
    private int benchScore(Args args) {
        args.allow(Set.of("model", "data", "repeat", "json"));
        if (args.get("model") == null || args.get("data") == null) {
            throw new InvalidInputException(args.get("model") == null ? "--model" : "--data", null, "required");
        }
        long repeat = args.integer("repeat") == null ? 20 : args.integer("repeat");
        if (repeat < 1 || repeat > 10_000) {
            throw new InvalidInputException("--repeat", repeat, "must be between 1 and 10000");
        }
        String modelUri = args.get("model");
        dev.canopy.model.Model model = dev.canopy.inference.ModelLoader.load(store, modelUri,
                dev.canopy.inference.ModelLoader.version(store, modelUri));
        dev.canopy.data.Table table = dev.canopy.data.TableReader.read("data", args.get("data"), store.read(args.get("data")));
        double[][] columns = model.columns().stream().map(c -> table.numeric("data", c)).toArray(double[][]::new);
        int n = table.rows();
        double[] out = new double[n];
        for (int i = 0; i < Math.max(5, repeat / 4); i++) {
            model.score(columns, n, out); // warm-up: let the JIT compile the scoring loop
        }
        long t0 = System.nanoTime();
        for (int i = 0; i < repeat; i++) {
            model.score(columns, n, out);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("kind", "score");
        report.put("model", modelUri);
        report.put("rows", n);
        report.put("repeat", repeat);
        report.put("rowsPerSecond", Math.round(n * repeat / seconds));
        if (args.flag("json")) {
            System.out.println(Json.writeString(report));
        } else {
            System.out.printf(Locale.ROOT, "bench score: %s scores %,d rows/s on one thread%n", modelUri, report.get("rowsPerSecond"));
        }
        return 0;
    }

    /**
     * JVM cold start through the Lambda Runtime API: see {@link ColdStartBench}. The default event scores
     * a small generated shard with the rule model, so the first response includes Parquet reading.
     */
    private int benchColdStart(Args args) {
        try {
            return coldStart(args);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private int coldStart(Args args) throws java.io.IOException, InterruptedException {
        args.allow(Set.of("function", "event", "repeat", "target", "jvm-flag", "aot-cache", "runtime-aot-cache",
                "layout", "memory", "cpus", "warmup", "json"));
        long repeat = args.integer("repeat") == null ? 5 : args.integer("repeat");
        if (repeat < 1 || repeat > 100) {
            throw new InvalidInputException("--repeat", repeat, "must be between 1 and 100");
        }
        long warmup = args.integer("warmup") == null ? 1 : args.integer("warmup");
        if (warmup < 0 || warmup > 10) {
            throw new InvalidInputException("--warmup", warmup, "must be between 0 and 10");
        }
        String function = args.get("function") == null ? "predict" : args.get("function");
        Integer defaultMemory = ColdStartBench.TEMPLATE_MEMORY_MB.get(function);
        if (defaultMemory == null) {
            throw new InvalidInputException("--function", function, "must be one of " + new java.util.TreeSet<>(
                    ColdStartBench.TEMPLATE_MEMORY_MB.keySet()));
        }
        long memory = args.integer("memory") == null ? defaultMemory : args.integer("memory");
        if (memory < 128 || memory > 10_240) {
            throw new InvalidInputException("--memory", memory, "must be between 128 and 10240 (MB, as Lambda allows)");
        }
        ColdStartBench.Layout layout;
        try {
            layout = ColdStartBench.Layout.valueOf((args.get("layout") == null ? "zip" : args.get("layout"))
                    .toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException("--layout", args.get("layout"), "must be zip or classpath");
        }
        if (args.get("aot-cache") != null && layout != ColdStartBench.Layout.CLASSPATH) {
            throw new InvalidInputException("--aot-cache", args.get("aot-cache"),
                    "needs --layout classpath: an AOT cache holds classes of the JVM's class path only");
        }
        if (args.get("runtime-aot-cache") != null && (layout != ColdStartBench.Layout.ZIP || args.get("aot-cache") != null)) {
            throw new InvalidInputException("--runtime-aot-cache", args.get("runtime-aot-cache"),
                    "is the runtime's own cache of the zip layout; the JVM takes one AOT cache, so not with --aot-cache");
        }
        Integer cpus = args.integer("cpus") == null ? null : Math.toIntExact(args.integer("cpus"));
        java.nio.file.Path target = java.nio.file.Path.of(args.get("target") == null ? "target" : args.get("target"));
        java.nio.file.Path work = java.nio.file.Files.createTempDirectory("canopy-cold-start");
        try {
            return coldStart(args, new ColdStartBench.Settings(function, memory, layout, cpus, repeat, warmup), target, work);
        } finally {
            ColdStartBench.deleteTree(work);
        }
    }

    private int coldStart(Args args, ColdStartBench.Settings settings, java.nio.file.Path target, java.nio.file.Path work)
            throws java.io.IOException, InterruptedException {
        String function = settings.function();
        long memory = settings.memoryMb();
        ColdStartBench.Layout layout = settings.layout();
        Integer cpus = settings.cpus();
        String javaBin = java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ColdStartBench.Launch launch = ColdStartBench.launch(ColdStartBench.launcher(javaBin, cpus), target, layout, work);
        String event;
        if (args.get("event") != null) {
            event = java.nio.file.Files.readString(java.nio.file.Path.of(args.get("event")));
        } else if (function.equals("predict")) {
            dev.canopy.data.TaxiShards.write(work, new int[]{1000}, 1);
            event = Json.writeString(Map.of("modelUri", "rule:passenger_count>=2",
                    "shard", work.resolve(String.format(dev.canopy.data.TaxiShards.NAME, 0)).toString()));
        } else {
            throw new InvalidInputException("--event", null, "required for --function " + function
                    + " (a JSON file with the request, e.g. infra/events/" + function + ".json)");
        }
        List<String> flags = new ArrayList<>(ColdStartBench.LAMBDA_JVM_FLAGS);
        // Inside Lambda the JVM's machine is the function's memory: size the heap from that, not from this host.
        flags.add("-XX:MaxRAM=" + memory + "m");
        flags.addAll(args.all("jvm-flag"));
        Map<String, String> env = new LinkedHashMap<>(ColdStartBench.TEMPLATE_ENV);
        env.put("QUARKUS_FUNQY_EXPORT", function);
        env.put("CANOPY_OUTPUT_URI", work.resolve("out").toString());
        if (args.get("event") == null) {
            env.put("CANOPY_STORAGE_ALLOWED_LOCATIONS", work.toString()); // the generated shard and its output
        }
        env.put("AWS_REGION", "us-east-1");
        env.put("AWS_LAMBDA_FUNCTION_NAME", "canopy-" + function);
        env.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", String.valueOf(memory));
        Long trainingMillis = null;
        if (args.get("aot-cache") != null) {
            // JDK 25's AOT cache (JEP 483/514/515): one training run records the classes loaded and linked
            // up to the first response; later runs map them instead of loading them. The cache is only
            // valid for this JDK build and this class path.
            java.nio.file.Path cache = java.nio.file.Path.of(args.get("aot-cache")).toAbsolutePath();
            boolean reused = java.nio.file.Files.exists(cache);
            if (!reused) {
                trainingMillis = ColdStartBench.writeAotCache(launch, flags, List.of(ColdStartBench.RIC_MAIN,
                        ColdStartBench.HANDLER), env, event, cache);
                System.err.printf(Locale.ROOT, "canopy: bench cold-start training run (writes %s): %d ms%n", cache,
                        trainingMillis);
            }
            flags.add("-XX:AOTCache=" + cache);
            // A cache written by another JVM or with other flags would be ignored in silence: refuse it instead.
            flags.add("-XX:AOTMode=on");
            if (reused) {
                try {
                    ColdStartBench.once(launch, flags, env, event, 60_000);
                } catch (RuntimeException e) {
                    throw new InvalidInputException("--aot-cache", cache.toString(), "cannot be used with this JVM and "
                            + "these flags (" + e.getMessage() + "); delete it to train a new one");
                }
            }
        }
        if (args.get("runtime-aot-cache") != null) {
            // What Lambda's java25 runtime ships: an AOT cache of its runtime client, written here by the client
            // running a handler that only echoes, so that it holds the client and the JDK, nothing of Canopy.
            java.nio.file.Path cache = java.nio.file.Path.of(args.get("runtime-aot-cache")).toAbsolutePath();
            if (!java.nio.file.Files.exists(cache)) {
                ColdStartBench.Launch echo = new ColdStartBench.Launch(launch.launcher(), launch.classpath(),
                        ColdStartBench.echoTaskRoot(work));
                ColdStartBench.writeAotCache(echo, flags, List.of(ColdStartBench.RIC_MAIN, ColdStartBench.ECHO_HANDLER),
                        env, "{\"echo\": 1}", cache);
            }
            flags.add("-XX:AOTCache=" + cache);
            flags.add("-XX:AOTMode=on");
        }
        // Unmeasured runs first, so that every measured run finds the package's files in the OS page cache alike.
        for (int i = 0; i < settings.warmup(); i++) {
            ColdStartBench.Run w = ColdStartBench.once(launch, flags, env, event, 60_000);
            if (w.error()) {
                throw new IllegalStateException("the function answered with an error: " + w.response());
            }
        }
        List<ColdStartBench.Run> runs = new ArrayList<>();
        for (int i = 0; i < settings.repeat(); i++) {
            ColdStartBench.Run r = ColdStartBench.once(launch, flags, env, event, 60_000);
            if (r.error()) {
                throw new IllegalStateException("the function answered with an error: " + r.response());
            }
            System.err.printf(Locale.ROOT, "canopy: bench cold-start %s run %d: %d ms%n", function, i + 1, r.millis());
            runs.add(r);
        }
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("kind", "cold-start");
        report.put("function", function);
        report.put("layout", layout.name().toLowerCase(Locale.ROOT));
        report.put("memoryMb", memory);
        report.put("cpus", cpus == null ? Runtime.getRuntime().availableProcessors() : cpus);
        report.put("runtimeAotCache", args.get("runtime-aot-cache") != null);
        report.put("jvmFlags", flags);
        if (trainingMillis != null) {
            report.put("aotTrainingRunMillis", trainingMillis);
        }
        report.putAll(ColdStartBench.summary(runs));
        report.put("firstResponse", Json.MAPPER.readTree(runs.getLast().response()));
        if (args.flag("json")) {
            System.out.println(Json.writeString(report));
        } else {
            System.out.printf(Locale.ROOT, "bench cold-start: %s (%s layout, %d MB, %s CPUs), median %d ms from process "
                            + "start to the first response (%s)%n", function, report.get("layout"), memory,
                    report.get("cpus"), report.get("medianMillis"), report.get("runs"));
        }
        return 0;
    }

    // ---- generate ---------------------------------------------------------------------------------

    private int generate(Args args) {
        List<String> words = args.positional();
        if (words.size() < 2 || !words.get(1).equals("taxi")) {
            throw new InvalidInputException("generate", words.size() < 2 ? null : words.get(1), "expected: generate taxi");
        }
        args.allow(Set.of("out", "full", "rows", "shards", "seed", "json"));
        if (args.get("out") == null) {
            throw new InvalidInputException("--out", null, "required: the directory to write the shards to");
        }
        int count = args.integer("shards") == null ? 12 : intOrNull(args, "shards");
        if (count < 1 || count > TaxiShards.FULL_ROWS.length * 100) {
            throw new InvalidInputException("--shards", count, "must be between 1 and " + TaxiShards.FULL_ROWS.length * 100);
        }
        int[] rows = new int[count];
        for (int i = 0; i < count; i++) {
            if (args.flag("full")) {
                rows[i] = TaxiShards.FULL_ROWS[i % TaxiShards.FULL_ROWS.length];
            } else {
                Long n = args.integer("rows");
                if (n != null && (n < 0 || n > 10_000_000)) {
                    throw new InvalidInputException("--rows", n, "must be between 0 and 10000000");
                }
                rows[i] = n == null ? 1000 : n.intValue();
            }
        }
        try {
            List<long[]> written = TaxiShards.write(Path.of(args.get("out")), rows, args.integer("seed") == null ? 1 : args.integer("seed"));
            long total = written.stream().mapToLong(w -> w[0]).sum();
            long twoPlus = written.stream().mapToLong(w -> w[1]).sum();
            System.out.printf(Locale.ROOT, "{\"shards\": %d, \"rows\": %d, \"passengerCountAtLeast2\": %d, \"dir\": %s}%n",
                    count, total, twoPlus, Json.writeString(args.get("out")));
            return 0;
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot write shards to " + args.get("out") + ": " + e.getMessage(), e);
        }
    }
}
