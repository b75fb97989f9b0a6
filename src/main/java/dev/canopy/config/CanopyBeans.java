package dev.canopy.config;

import dev.canopy.cost.PriceTable;
import dev.canopy.inference.BatchPredictRequest;
import dev.canopy.inference.BatchPredictService;
import dev.canopy.inference.ModelCache;
import dev.canopy.inference.PredictRequest;
import dev.canopy.inference.PredictService;
import dev.canopy.invoke.FunctionInvoker;
import dev.canopy.invoke.lambda.LambdaFunctionInvoker;
import dev.canopy.invoke.local.LocalFunctionInvoker;
import dev.canopy.invoke.local.LocalFunctionInvoker.LocalFunction;
import dev.canopy.pool.Backoff;
import dev.canopy.storage.GuardedObjectStore;
import dev.canopy.storage.ObjectStore;
import dev.canopy.storage.RoutingObjectStore;
import dev.canopy.storage.http.HttpObjectStore;
import dev.canopy.storage.local.LocalObjectStore;
import dev.canopy.storage.s3.S3ObjectStore;
import dev.canopy.training.ForestFanOut;
import dev.canopy.training.StatusRequest;
import dev.canopy.training.StatusService;
import dev.canopy.training.SuperviseRequest;
import dev.canopy.training.SupervisorService;
import dev.canopy.training.TrainRequest;
import dev.canopy.training.TrainService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Singleton;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.LambdaClientBuilder;
import software.amazon.awssdk.services.s3.S3Client;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import dev.canopy.parquet.read.ReadTuning;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Wires the plain-Java domain to its adapters, chosen by {@link CanopyConfig}. Everything is a
 * {@code @Singleton}: the domain objects are thread-safe and stateless or internally synchronised, and
 * singletons are handed out directly, without a client proxy doing a container lookup on every call
 * from the pool's threads.
 */
@ApplicationScoped
public class CanopyBeans {

    @Produces
    @Singleton
    Clock clock() {
        return Clock.systemUTC();
    }

    @Produces
    @Singleton
    ObjectStore objectStore(CanopyConfig config, Instance<S3Client> s3) {
        Optional<List<String>> allowed = config.storage().allowedLocations();
        // guarded, the local store checks the same roots again as it opens, following no link (see LocalObjectStore)
        LocalObjectStore local = allowed.map(r -> new LocalObjectStore(GuardedObjectStore.localRoots(r)))
                .orElseGet(LocalObjectStore::new);
        ObjectStore routing = new RoutingObjectStore(Map.of(
                "file", local,
                "https", new HttpObjectStore(config.data().httpTimeout()),
                "s3", new LazyObjectStore(() -> {
                    try {
                        S3Client client = s3.get();
                        // the client is a proxy: calling it creates the bean, so a missing region fails here
                        client.serviceName();
                        return new S3ObjectStore(client);
                    } catch (RuntimeException e) {
                        throw AwsSetup.explain(e, "S3", "quarkus.s3.aws.region");
                    }
                })));
        return config.storage().allowedLocations()
                .<ObjectStore>map(roots -> new GuardedObjectStore(routing, withDataBuckets(roots,
                        config.storage().dataBuckets().orElse(List.of()))))
                .orElse(routing);
    }

    @Produces
    @Singleton
    TrainService trainService(ObjectStore store, Clock clock, CanopyConfig config, FunctionInvoker invoker) {
        // the fan-out's pool is the one layer that retries a forest's worker calls: it gets the one-attempt transport.
        // In lambda mode each trainer is an invocation of its own instance; in local mode a run's trainers share
        // this process, and its heap
        return new TrainService(store, clock, config.outputUri(), config.train().timeBudget(), invoker,
                new ForestFanOut.Settings(config.forest().treeRowsPerWorker(), config.forest().maxWorkers()),
                config.model().maxBytes(), Backoff.DEFAULT, config.invoke().mode() == CanopyConfig.Mode.LAMBDA);
    }

    @Produces
    @Singleton
    StatusService statusService(ObjectStore store, Clock clock, CanopyConfig config) {
        return new StatusService(store, clock, config.outputUri());
    }

    /**
     * The cost reports' prices ({@code canopy.cost.*}); a bad setting fails when the first service that
     * reports a cost is created, naming its key and value.
     */
    static PriceTable priceTable(CanopyConfig.Cost c) {
        CanopyConfig.Memory m = c.memory();
        return new PriceTable(c.architecture(), c.x86UsdPerGbSecond(), c.arm64UsdPerGbSecond(), c.usdPerMillionRequests(),
                Map.of("supervise", m.supervise(), "train", m.train(), "status", m.status(), "predict", m.predict(),
                        "batch-predict", m.batchPredict()));
    }

    @Produces
    @Singleton
    SupervisorService supervisorService(ObjectStore store, FunctionInvoker invoker, Clock clock, CanopyConfig config) {
        // the supervisor's pools are the one layer that retries its train calls: it gets the one-attempt transport
        return new SupervisorService(store, invoker, clock, config.outputUri(),
                new SupervisorService.Limits(config.search().maxTrials(), config.search().maxConcurrency(),
                        config.search().timeBudget()), Backoff.DEFAULT,
                priceTable(config.cost()));
    }

    /** How predictors read shards ({@code canopy.batch.footer-guess-bytes}, {@code read-hole-bytes}, {@code read-ahead-bytes}). */
    public static ReadTuning readTuning(CanopyConfig.Batch b) {
        return new ReadTuning(b.footerGuessBytes(), b.readHoleBytes(), ReadTuning.DEFAULT.rangeLimit(), b.readAheadBytes());
    }

    /** This process's predictor: on Lambda, the one warm instance; its cache lives as long as the instance. */
    @Produces
    @Singleton
    PredictService predictService(ObjectStore store, CanopyConfig config) {
        PredictService predictor = new PredictService(store, new ModelCache(config.batch().modelCacheBytes()),
                UUID.randomUUID().toString(), readTuning(config.batch()));
        SnapStartHooks.renewAfterRestore(predictor);
        return predictor;
    }

    @Produces
    @Singleton
    BatchPredictService batchPredictService(ObjectStore store, FunctionInvoker invoker, CanopyConfig config) {
        return new BatchPredictService(store, invoker,
                new BatchPredictService.Limits(config.batch().maxPoolSize(), config.batch().maxShards()), Backoff.DEFAULT,
                priceTable(config.cost()), config.outputUri());
    }

    @Produces
    @Singleton
    FunctionInvoker functionInvoker(CanopyConfig config, ObjectStore store, Instance<TrainService> train,
                                    Instance<SupervisorService> supervise, Instance<StatusService> status,
                                    Instance<BatchPredictService> batch) {
        CanopyConfig.Invoke c = config.invoke();
        if (c.mode() == CanopyConfig.Mode.LAMBDA) {
            // one attempt per call: the callers' pools retry (RetryPolicy); the client
            // is built on the first call, so a missing region or credentials fails that call with one line
            return new LazyFunctionInvoker(() -> new LambdaFunctionInvoker(lambdaClient(c),
                    Map.of("supervise", c.functions().supervise(), "train", c.functions().train(),
                            "status", c.functions().status(), "predict", c.functions().predict(),
                            "batch-predict", c.functions().batchPredict())));
        }
        // One predictor per pool slot, each with its own model cache, as warm Lambda instances would be.
        Map<Integer, LocalFunction<?, ?>> predictors = new ConcurrentHashMap<>();
        long cacheBytes = config.batch().modelCacheBytes();
        // Services are looked up per call: the supervisor and the orchestrator themselves depend on this invoker.
        return new LocalFunctionInvoker(Map.of(
                "train", LocalFunction.computing(TrainRequest.class, r -> train.get().train(r)),
                "supervise", new LocalFunction<>(SuperviseRequest.class, r -> supervise.get().supervise(r)),
                "status", new LocalFunction<>(StatusRequest.class, r -> status.get().status(r)),
                "batch-predict", new LocalFunction<>(BatchPredictRequest.class, r -> batch.get().run(r))),
                Map.of("predict", slot -> predictors.computeIfAbsent(slot, k -> {
                    PredictService p = new PredictService(store, new ModelCache(cacheBytes), "local-" + k,
                            readTuning(config.batch()));
                    return new LocalFunction<>(PredictRequest.class, p::predict);
                })));
    }

    /**
     * The SDK's retries are off on purpose: the transport makes one attempt (see
     * {@link dev.canopy.pool.RetryPolicy}); the socket timeout is the configured read timeout, which
     * outlasts the invoked function's own timeout.
     */
    static LambdaClient lambdaClient(CanopyConfig.Invoke c) {
        try {
            return lambdaClientBuilder(c).build();
        } catch (RuntimeException e) {
            throw AwsSetup.explain(e, "the Lambda client", "canopy.invoke.region");
        }
    }

    /** The production client's settings, for a caller that aims it elsewhere ({@code invoke --endpoint}). */
    public static LambdaClientBuilder lambdaClientBuilder(CanopyConfig.Invoke c) {
        LambdaClientBuilder b = LambdaClient.builder()
                .httpClientBuilder(UrlConnectionHttpClient.builder()
                        .connectionTimeout(Duration.ofSeconds(10))
                        .socketTimeout(c.readTimeout()))
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry())
                        .apiCallAttemptTimeout(c.readTimeout().plusSeconds(10)));
        c.endpoint().ifPresent(b::endpointOverride);
        c.region().map(Region::of).ifPresent(b::region);
        return b;
    }

    /** The allowed locations and, for each bucket users' data is read from, {@code s3://bucket/}. */
    static List<String> withDataBuckets(List<String> roots, List<String> buckets) {
        List<String> out = new java.util.ArrayList<>(roots);
        for (String b : buckets) {
            String name = b.trim();
            if (!name.isEmpty()) {
                out.add("s3://" + name + "/");
            }
        }
        return java.util.List.copyOf(out);
    }
}
