package dev.canopy.cli;

import dev.canopy.error.InvalidInputException;
import dev.canopy.serve.Serve;
import dev.canopy.serve.ServeOptions;
import io.quarkus.arc.Unremovable;
import io.quarkus.runtime.Quarkus;
import jakarta.enterprise.context.Dependent;
import picocli.CommandLine;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code serve}: the template's functions behind a local Lambda Invoke API, the Docker-free counterpart of
 * {@code sam local start-lambda}. See {@link dev.canopy.serve}.
 */
@CommandLine.Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Serves the SAM template's functions on a local Lambda Invoke API, each invocation in a JVM "
                + "that runs target/function.zip as Lambda's java25 runtime does (no Docker).",
                "Invoke them with any AWS SDK or the AWS CLI (--endpoint-url http://127.0.0.1:3001), or with the "
                        + "command line in lambda mode (-Dcanopy.invoke.mode=lambda -Dcanopy.invoke.endpoint=...).",
                "A caller's SDK needs a region and credentials of any value (AWS_REGION, AWS_ACCESS_KEY_ID, "
                        + "AWS_SECRET_ACCESS_KEY): serve requires a SigV4 Authorization header but does not verify "
                        + "the signature, and refuses requests from web pages (Origin, Sec-Fetch-Site).",
                "The functions read and write only the template's locations, --out and each --allow.",
                "Each function runs in its task root, as on Lambda: give paths in requests as absolute paths.",
                "Prints one line on stderr when it listens; stops on Ctrl-C (SIGINT) or SIGTERM."})
@Dependent
@Unremovable
public class ServeCommand implements Callable<Integer> {

    @CommandLine.Option(names = "--host", defaultValue = "127.0.0.1",
            description = "Address to listen on (default: ${DEFAULT-VALUE}, this machine only).")
    String host;

    @CommandLine.Option(names = "--allow-remote",
            description = "Accept a --host that is not a loopback address: every host that reaches it can run the "
                    + "functions with serve's AWS credentials.")
    boolean allowRemote;

    @CommandLine.Option(names = "--allow", paramLabel = "DIR|s3://BUCKET/PREFIX/",
            description = "A location the functions may read and write, besides the template's and --out (repeatable).")
    List<String> allow = List.of();

    @CommandLine.Option(names = "--account-concurrency", defaultValue = "1000", paramLabel = "N",
            description = "Invocations running at once over all functions, as the account's quota (default: "
                    + "${DEFAULT-VALUE}); the machine's memory caps the instances further.")
    int accountConcurrency;

    @CommandLine.Option(names = "--port", defaultValue = "3001",
            description = "Port to listen on; 0 picks a free one (default: ${DEFAULT-VALUE}, as sam local start-lambda).")
    int port;

    @CommandLine.Option(names = "--template", defaultValue = "sam-template.yaml",
            description = "The SAM template (default: ${DEFAULT-VALUE}); its CodeUri is the package served.")
    Path template;

    @CommandLine.Option(names = "--parameter-overrides", arity = "1..*", paramLabel = "Name=Value",
            description = "Template parameters, as sam takes them (Name=Value or ParameterKey=Name,ParameterValue=Value).")
    List<String> parameterOverrides = List.of();

    @CommandLine.Option(names = "--env", paramLabel = "KEY=VALUE",
            description = "An environment variable of every function, over the template's and serve's own.")
    Map<String, String> env = new LinkedHashMap<>();

    @CommandLine.Option(names = "--out", defaultValue = "canopy-out",
            description = "Where the functions write runs and results: their CANOPY_OUTPUT_URI (default: ${DEFAULT-VALUE}).")
    Path out;

    @CommandLine.Option(names = "--reserved-concurrency", paramLabel = "FUNCTION=N",
            description = "A function's reserved concurrency instead of the template's (logical id or name).")
    Map<String, Integer> reservedConcurrency = new LinkedHashMap<>();

    @CommandLine.Option(names = "--timeout", paramLabel = "FUNCTION=SECONDS",
            description = "A function's timeout instead of the template's.")
    Map<String, Integer> timeouts = new LinkedHashMap<>();

    @CommandLine.Option(names = "--runtime-client", paramLabel = "DIR",
            description = "AWS's runtime interface client jars (default: bench-lib beside the package, target/bench-lib).")
    Path runtimeClient;

    @CommandLine.Option(names = "--region", defaultValue = "us-east-1", description = "Region of ARNs and AWS_REGION.")
    String region;

    @CommandLine.Option(names = "--stack-name", defaultValue = "canopy",
            description = "Prefix of the deployed names (default: ${DEFAULT-VALUE}, so PredictFunction is canopy-predict).")
    String stackName;

    @CommandLine.Option(names = "--invocation-log", paramLabel = "FILE",
            description = "Appends one JSON line per call (and per start) with function, status, instance and payload.")
    Path invocationLog;

    @CommandLine.Option(names = "--quiet", description = "Do not copy the functions' log lines to stderr.")
    boolean quiet;

    @CommandLine.Option(names = "--init-timeout", defaultValue = "60", paramLabel = "SECONDS",
            description = "How long a new instance may take to start (default: ${DEFAULT-VALUE}).")
    int initTimeoutSeconds;

    @Override
    public Integer call() {
        if (initTimeoutSeconds < 1 || initTimeoutSeconds > 900) {
            throw new InvalidInputException("--init-timeout", initTimeoutSeconds, "must be between 1 and 900 seconds");
        }
        ServeOptions options = new ServeOptions(host, port, template, parameters(parameterOverrides), env, out,
                reservedConcurrency, timeouts, runtimeClient, region, stackName, invocationLog, quiet,
                Duration.ofSeconds(initTimeoutSeconds), allow, allowRemote, accountConcurrency);
        Serve serve = Serve.start(options, System.err::println);
        // SIGINT/SIGTERM: Quarkus ends waitForExit; the hook covers an exit that does not pass through here
        Runtime.getRuntime().addShutdownHook(new Thread(serve::close, "serve-shutdown"));
        System.err.println(serve.readyLine());
        try {
            Quarkus.waitForExit();
        } finally {
            serve.close();
        }
        return 0;
    }

    /** {@code Name=Value}, several in one argument separated by spaces, or sam's long form. */
    public static Map<String, String> parameters(List<String> given) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String arg : given) {
            for (String p : arg.trim().split("\\s+")) {
                if (p.isEmpty()) {
                    continue;
                }
                String name;
                String value;
                if (p.startsWith("ParameterKey=")) {
                    int comma = p.indexOf(",ParameterValue=");
                    if (comma < 0) {
                        throw new InvalidInputException("--parameter-overrides", p, "expected ParameterKey=Name,ParameterValue=Value");
                    }
                    name = p.substring("ParameterKey=".length(), comma);
                    value = p.substring(comma + ",ParameterValue=".length());
                } else {
                    int eq = p.indexOf('=');
                    if (eq <= 0) {
                        throw new InvalidInputException("--parameter-overrides", p, "expected Name=Value");
                    }
                    name = p.substring(0, eq);
                    value = p.substring(eq + 1);
                }
                out.put(name, value);
            }
        }
        return out;
    }
}
