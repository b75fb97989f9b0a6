package dev.canopy.cli;

import dev.canopy.config.CanopyBeans;
import dev.canopy.config.CanopyConfig;
import dev.canopy.error.InvalidInputException;
import dev.canopy.invoke.FunctionInvoker;
import dev.canopy.invoke.lambda.LambdaFunctionInvoker;
import io.quarkus.arc.Unremovable;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProviderChain;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.auth.credentials.SystemPropertyCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.AwsProfileRegionProvider;
import software.amazon.awssdk.regions.providers.AwsRegionProviderChain;
import software.amazon.awssdk.regions.providers.SystemSettingsRegionProvider;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.LambdaClientBuilder;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * One function call, as {@code aws lambda invoke} makes it: the answer on stdout; a function error is a failed
 * command whose line on stderr is the function's {@code errorType: errorMessage}.
 */
@Command(name = "invoke", description = {"Invoke one function with a JSON payload and print its JSON answer on stdout.",
        "In-process by default; with --endpoint through the Lambda Invoke API at that URL (canopy serve, "
                + "sam local start-lambda, AWS)."})
@Dependent
@Unremovable
public class InvokeCommand implements Callable<Integer> {
    static final List<String> FUNCTIONS = List.of("train", "supervise", "status", "predict", "batch-predict");

    @Parameters(index = "0", paramLabel = "<function>", description = {
            "train, supervise, status, predict or batch-predict, or a deployed name (canopy.invoke.functions.*).",
            "With --endpoint the name goes to the endpoint as it is (a name, an ARN, with a qualifier...)."})
    String function;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Payload payload;

    static final class Payload {
        @Option(names = "--payload", required = true, paramLabel = "<json>", description = "The request as JSON.")
        String json;

        @Option(names = "--payload-file", required = true, paramLabel = "<file>", description = "A file holding the request.")
        Path file;
    }

    @Option(names = "--endpoint", paramLabel = "<url>",
            description = "The Lambda Invoke API to call, e.g. http://127.0.0.1:3001.")
    URI endpoint;

    @Spec
    CommandSpec spec;

    @Inject
    FunctionInvoker invoker;

    @Inject
    CanopyConfig config;

    @Override
    public Integer call() {
        String request = request();
        String answer;
        if (endpoint == null) {
            answer = invoker.invoke(logicalName(), request);
        } else {
            try (LambdaClient lambda = lambdaClient()) {
                // the transport makes one attempt (pool/RetryPolicy): a throttled or failed call is reported as it came
                // a logical name (predict) goes to its configured deployed name (canopy-predict), as Canopy's own
                // callers address functions; any other name (logical id, ARN, qualifier) goes as given
                answer = new LambdaFunctionInvoker(lambda, Map.of(function, deployedName()))
                        .invoke(function, request);
            }
        }
        spec.commandLine().getOut().println(answer);
        return 0;
    }

    private String request() {
        if (payload.json != null) {
            return payload.json;
        }
        try {
            return Files.readString(payload.file);
        } catch (IOException e) {
            throw new InvalidInputException("--payload-file", payload.file, "cannot be read: " + e);
        }
    }

    /** The function's logical name: given as one, or as the deployed name configured for it. */
    private String logicalName() {
        if (FUNCTIONS.contains(function)) {
            return function;
        }
        CanopyConfig.Functions f = config.invoke().functions();
        Map<String, String> deployed = new LinkedHashMap<>();
        deployed.putIfAbsent(f.train(), "train");
        deployed.putIfAbsent(f.supervise(), "supervise");
        deployed.putIfAbsent(f.status(), "status");
        deployed.putIfAbsent(f.predict(), "predict");
        deployed.putIfAbsent(f.batchPredict(), "batch-predict");
        String logical = deployed.get(function);
        if (logical == null) {
            throw new InvalidInputException("function", function, "no such function; use one of " + FUNCTIONS
                    + " or a deployed name " + deployed.keySet() + ", or --endpoint to call another");
        }
        return logical;
    }

    /** The deployed name configured for a logical name ({@code canopy.invoke.functions.*}); other names unchanged. */
    private String deployedName() {
        CanopyConfig.Functions f = config.invoke().functions();
        return switch (function) {
            case "train" -> f.train();
            case "supervise" -> f.supervise();
            case "status" -> f.status();
            case "predict" -> f.predict();
            case "batch-predict" -> f.batchPredict();
            default -> function;
        };
    }

    /**
     * The production client ({@link CanopyBeans#lambdaClientBuilder}) aimed at {@code endpoint}. A local Lambda
     * API checks a signature's form, not the signature, so on a loopback endpoint a machine without AWS settings gets a region and
     * placeholder credentials instead of an SDK error; anywhere else the SDK's own lookup decides.
     */
    LambdaClient lambdaClient() {
        LambdaClientBuilder b = CanopyBeans.lambdaClientBuilder(config.invoke()).endpointOverride(endpoint);
        if (isLoopback(endpoint)) {
            if (config.invoke().region().isEmpty() && !regionConfigured()) {
                b.region(Region.US_EAST_1);
            }
            if (!credentialsConfigured()) {
                b.credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("canopy", "local")));
            }
        }
        return b.build();
    }

    private static boolean isLoopback(URI uri) {
        try {
            return uri.getHost() != null && InetAddress.getByName(uri.getHost()).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** A region from system properties, the environment or the profile file; not the EC2 metadata service. */
    private static boolean regionConfigured() {
        try {
            return new AwsRegionProviderChain(new SystemSettingsRegionProvider(), new AwsProfileRegionProvider())
                    .getRegion() != null;
        } catch (SdkClientException absent) {
            return false;
        }
    }

    /** Credentials from system properties, the environment or the profile file; not a metadata service. */
    private static boolean credentialsConfigured() {
        try (var chain = AwsCredentialsProviderChain.of(SystemPropertyCredentialsProvider.create(),
                EnvironmentVariableCredentialsProvider.create(), ProfileCredentialsProvider.create())) {
            chain.resolveCredentials();
            return true;
        } catch (SdkClientException absent) {
            return false;
        }
    }
}
