package dev.canopy.config;

import dev.canopy.cost.PriceTable;
import dev.canopy.training.ForestFanOut;
import dev.canopy.training.SupervisorService;
import dev.canopy.training.TrainService;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/**
 * Canopy's settings. Every key can also be set from the environment in the usual Quarkus way
 * ({@code canopy.invoke.mode} is {@code CANOPY_INVOKE_MODE}). docs/configuration.md is generated from this
 * interface (keys, defaults and these comments): document a new key here, then regenerate it.
 */
@ConfigMapping(prefix = "canopy")
public interface CanopyConfig {

    /** Where runs are written when a request names no {@code out}: a path, {@code file:} or {@code s3://} URI. */
    @WithDefault("canopy-out")
    String outputUri();

    /**
     * The largest request a function accepts, in bytes of JSON (Lambda's own limit for a synchronous
     * invocation is 6 MB). Above it the request is refused before any work; long shard lists belong in
     * {@code shardPrefix} or the Distributed Map workflow.
     */
    @WithDefault("2097152")
    int maxRequestBytes();

    /**
     * The level of Canopy's own log lines (application.properties passes it to
     * {@code quarkus.log.category."dev.canopy".level}): INFO in Lambda, where each trainer step, shard and
     * batch gets a line; WARN on a command line, which prints its own progress.
     */
    @WithDefault("WARN")
    String logLevel();

    Invoke invoke();

    Storage storage();

    interface Storage {
        /**
         * Locations requests may read and write: {@code s3://bucket/prefix/} or local directories. Any
         * other location is refused before a storage call is made. Unset: no restriction (the one-machine
         * default); the SAM template sets it to the deployment's bucket. Local paths are checked by their real
         * path, so {@code ..} and symbolic links cannot lead out.
         */
        Optional<java.util.List<String>> allowedLocations();

        /**
         * Buckets users' data sets are read from besides Canopy's own (the template's DataBuckets parameter, whose
         * IAM policies grant them read only): each is added to the allowed locations as {@code s3://bucket/}.
         * Unset by default.
         */
        Optional<java.util.List<String>> dataBuckets();
    }

    Data data();

    Cost cost();

    /**
     * The price table of the cost reports of supervise and batch-predict ({@link dev.canopy.cost.PriceTable}).
     * Defaults: AWS's on-demand list prices for US East (N. Virginia), https://aws.amazon.com/lambda/pricing/,
     * and sam-template.yaml's architecture and memory sizes.
     */
    interface Cost {
        /** {@code x86_64} or {@code arm64}: the template's {@code Architectures}. */
        @WithDefault("x86_64")
        String architecture();

        /** USD per GB-second of duration on x86_64. */
        @WithName("x86-usd-per-gb-second")
        @WithDefault("0.0000166667")
        double x86UsdPerGbSecond();

        /** USD per GB-second of duration on arm64. */
        @WithName("arm64-usd-per-gb-second")
        @WithDefault("0.0000133334")
        double arm64UsdPerGbSecond();

        /** USD per million requests (both architectures). */
        @WithDefault("0.20")
        double usdPerMillionRequests();

        /**
         * Memory of each function in MB, 128 to 10240: what a locally measured call is priced at (on Lambda
         * the REPORT line gives it) and the orchestrator's own estimate. Defaults: the template's MemorySize.
         */
        Memory memory();
    }

    interface Memory {
        @WithDefault(PriceTable.ORCHESTRATOR_MEMORY_MB)
        int supervise();

        @WithDefault(PriceTable.TRAIN_MEMORY_MB)
        int train();

        @WithDefault(PriceTable.ORCHESTRATOR_MEMORY_MB)
        int status();

        @WithDefault(PriceTable.PREDICT_MEMORY_MB)
        int predict();

        @WithDefault(PriceTable.ORCHESTRATOR_MEMORY_MB)
        int batchPredict();
    }

    Search search();

    interface Search {
        /**
         * The most {@code train} invocations one search may make (configurations × folds); a larger search is
         * refused with its count before anything runs. 500 trials of a few seconds each stay well inside a
         * supervisor Lambda's 15 minutes at the default concurrency of 32.
         */
        @WithDefault(SupervisorService.Limits.DEFAULT_MAX_TRIALS)
        int maxTrials();

        /** The most trainers a search request may ask to run at once ({@code search.maxConcurrency}). */
        @WithDefault(SupervisorService.Limits.DEFAULT_MAX_CONCURRENCY)
        int maxConcurrency();

        /**
         * How long a search may run before it stops starting configurations (the Lambda context's remaining time
         * when that is shorter): a configuration starts only while twice the longest trial so far, and 30 s,
         * still fit, so that the best configurations' refits and the result are written in time. The search is
         * then {@code PARTIAL}, ranking the configurations that ran. Default: the template's 900 s supervise
         * timeout less a minute.
         */
        @WithDefault(SupervisorService.Limits.DEFAULT_TIME_BUDGET_TEXT)
        Duration timeBudget();
    }

    Model model();

    interface Model {
        /**
         * The largest model a trainer makes, in bytes of its {@code .trees} (what the predictor loads, 28 bytes a
         * node). Before a tree grows, a trainer bounds the model's leaves to fit; a model whose parameters could
         * still exceed this is refused with the figures. 256 MB keeps a loaded model and its load well inside the
         * template's 1,769 MB predictor.
         */
        @WithDefault(TrainService.DEFAULT_MODEL_MAX_BYTES_TEXT)
        long maxBytes();
    }

    Forest forest();

    interface Forest {
        /**
         * The most work (training rows × trees) one {@code train} invocation does for a random forest; past it,
         * the trainer splits the forest's trees over more invocations, each building its share with its own seed.
         * 30,000,000 is 200,000 rows × 150 trees, about a minute on 2 cores.
         */
        @WithDefault(ForestFanOut.Settings.DEFAULT_TREE_ROWS_PER_WORKER)
        long treeRowsPerWorker();

        /** The most invocations one random forest is built by, the trainer's own included. */
        @WithDefault(ForestFanOut.Settings.DEFAULT_MAX_WORKERS)
        int maxWorkers();
    }

    Batch batch();

    Train train();

    interface Train {
        /**
         * How long one train invocation may run before it must answer: the trainer Lambda's timeout (840 s in
         * the template) minus a minute. A fit whose estimate exceeds what is left is refused up front with the
         * figures (or, with fitToBudget, trains on a sample that fits); one still running at the end is stopped
         * and reported FAILED with them, never killed silently by Lambda.
         */
        @WithDefault(TrainService.DEFAULT_TIME_BUDGET_TEXT)
        Duration timeBudget();
    }

    interface Batch {
        /** The largest pool a batch-predict request may ask for. */
        @WithDefault("256")
        int maxPoolSize();

        /** The most shards one batch-predict request may name; larger sets belong to the Distributed Map workflow. */
        @WithDefault("10000")
        int maxShards();

        /**
         * How long one batch-predict invocation may keep starting shards. Set it to the orchestrator
         * Lambda's timeout minus the time its report needs; shards not started by then are reported CANCELLED.
         */
        @WithDefault("PT14M")
        Duration timeBudget();

        /** Bytes of models one predictor instance keeps; least recently used models are evicted first. */
        @WithDefault("536870912")
        long modelCacheBytes();

        /**
         * How a predictor reads a shard: the bytes of its first read, from the end (the footer and often the last
         * column chunks; a longer footer costs one more read), in one request with no HEAD. See
         * docs/performance.md, "Round trips per shard".
         */
        @WithDefault("65536")
        int footerGuessBytes();

        /**
         * Column chunks of a shard at most this many bytes apart are fetched in one request (the bytes between
         * are read and dropped); the requests themselves go out at once. Arrow's pre_buffer: 8 KiB; trino: 1 MiB.
         */
        @WithDefault("8192")
        int readHoleBytes();

        /**
         * The projected column chunks (scored and kept columns) of one shard a predictor fetches at once, at
         * most: a shard whose chunks fit is read in two round trips (footer, chunks); a larger one in one more
         * per this many bytes. It bounds a predictor's read memory to this per shard in flight.
         */
        @WithDefault("67108864")
        long readAheadBytes();
    }

    interface Invoke {
        /** {@code local}: functions call each other in-process; {@code lambda}: through the Lambda Invoke API. */
        @WithDefault("local")
        Mode mode();

        /** Deployed names (or ARNs) of the functions Canopy invokes. */
        Functions functions();

        /** Lambda endpoint override, e.g. {@code http://127.0.0.1:3001} for {@code sam local start-lambda}. */
        Optional<URI> endpoint();

        /**
         * AWS region of the Lambda client. Default: {@code AWS_REGION}, else {@code AWS_DEFAULT_REGION} (which the
         * AWS CLI and boto3 read, the Java SDK does not), else the SDK's default region chain.
         */
        Optional<String> region();

        /**
         * HTTP read timeout of an invocation. Must exceed the invoked function's own timeout (Lambda's
         * maximum is 15 minutes), or the caller gives up on a trainer that is still working.
         */
        @WithDefault("PT15M30S")
        Duration readTimeout();
    }

    interface Functions {
        @WithDefault("canopy-supervise")
        String supervise();

        @WithDefault("canopy-train")
        String train();

        @WithDefault("canopy-status")
        String status();

        @WithDefault("canopy-predict")
        String predict();

        @WithDefault("canopy-batch-predict")
        String batchPredict();
    }

    enum Mode {
        LOCAL, LAMBDA
    }

    interface Data {
        /** Where downloaded reference data is cached (scikit-learn keeps it in ~/scikit_learn_data). */
        @WithDefault("${user.home}/.cache/canopy")
        String cacheDir();

        /** The public source of California housing: StatLib's cal_housing.tgz, the file scikit-learn fetches. */
        @WithDefault("https://ndownloader.figshare.com/files/5976036")
        String californiaHousingUrl();

        /** Connect and read timeout for https:// data. */
        @WithDefault("PT60S")
        Duration httpTimeout();
    }
}
