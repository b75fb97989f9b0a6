package dev.canopy.config;

import dev.canopy.invoke.FunctionInvoker;
import dev.canopy.invoke.lambda.LambdaFunctionInvoker;
import dev.canopy.invoke.local.LocalFunctionInvoker;
import dev.canopy.invoke.local.LocalFunctionInvoker.LocalFunction;
import dev.canopy.pool.Backoff;
import dev.canopy.storage.ObjectStore;
import dev.canopy.storage.RoutingObjectStore;
import dev.canopy.storage.http.HttpObjectStore;
import dev.canopy.storage.local.LocalObjectStore;
import dev.canopy.storage.s3.S3ObjectStore;
import dev.canopy.training.StatusRequest;
import dev.canopy.training.StatusService;
import dev.canopy.training.SuperviseRequest;
import dev.canopy.training.SupervisorService;
import dev.canopy.training.TrainRequest;
import dev.canopy.training.TrainService;
import jakarta.enterprise.context.ApplicationScoped;
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
import java.util.Map;

/** Wires the plain-Java domain to its adapters, chosen by {@link CanopyConfig}. */
@ApplicationScoped
public class CanopyBeans {

    @Produces
    @ApplicationScoped
    Clock clock() {
        return Clock.systemUTC();
    }

    @Produces
    @ApplicationScoped
    ObjectStore objectStore(CanopyConfig config, Instance<S3Client> s3) {
        return new RoutingObjectStore(Map.of(
                "file", new LocalObjectStore(),
                "https", new HttpObjectStore(config.data().httpTimeout()),
                "s3", new LazyObjectStore(() -> new S3ObjectStore(s3.get()))));
    }

    @Produces
    @ApplicationScoped
    TrainService trainService(ObjectStore store, Clock clock, CanopyConfig config) {
        return new TrainService(store, clock, config.outputUri());
    }

    @Produces
    @ApplicationScoped
    StatusService statusService(ObjectStore store, Clock clock, CanopyConfig config) {
        return new StatusService(store, clock, config.outputUri());
    }

    @Produces
    @ApplicationScoped
    SupervisorService supervisorService(ObjectStore store, FunctionInvoker invoker, Clock clock, CanopyConfig config) {
        return new SupervisorService(store, invoker, clock, config.outputUri());
    }

    @Produces
    @ApplicationScoped
    FunctionInvoker functionInvoker(CanopyConfig config, Instance<TrainService> train,
                                    Instance<SupervisorService> supervise, Instance<StatusService> status) {
        CanopyConfig.Invoke c = config.invoke();
        if (c.mode() == CanopyConfig.Mode.LAMBDA) {
            return new LambdaFunctionInvoker(lambdaClient(c),
                    Map.of("supervise", c.functions().supervise(), "train", c.functions().train(),
                            "status", c.functions().status(), "predict", c.functions().predict()),
                    c.maxAttempts(), Backoff.DEFAULT);
        }
        // Looked up per call: the supervisor itself depends on this invoker.
        return new LocalFunctionInvoker(Map.of(
                "train", new LocalFunction<>(TrainRequest.class, r -> train.get().train(r)),
                "supervise", new LocalFunction<>(SuperviseRequest.class, r -> supervise.get().supervise(r)),
                "status", new LocalFunction<>(StatusRequest.class, r -> status.get().status(r))));
    }

    /**
     * The SDK's retries are off on purpose (see {@link LambdaFunctionInvoker}); the socket timeout is the
     * configured read timeout, which outlasts the invoked function's own timeout.
     */
    static LambdaClient lambdaClient(CanopyConfig.Invoke c) {
        LambdaClientBuilder b = LambdaClient.builder()
                .httpClientBuilder(UrlConnectionHttpClient.builder()
                        .connectionTimeout(Duration.ofSeconds(10))
                        .socketTimeout(c.readTimeout()))
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry())
                        .apiCallAttemptTimeout(c.readTimeout().plusSeconds(10)));
        c.endpoint().ifPresent(b::endpointOverride);
        c.region().map(Region::of).ifPresent(b::region);
        return b.build();
    }
}
