package dev.canopy.serve;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * How to serve a template's functions.
 *
 * @param host                where the Invoke API listens (127.0.0.1: this machine only)
 * @param port                its port; 0 picks a free one
 * @param template            the SAM template
 * @param parameterOverrides  template parameters, as {@code sam --parameter-overrides}
 * @param env                 environment variables set in every function, over the template's and serve's
 * @param out                 where the functions write their runs and results ({@code CANOPY_OUTPUT_URI})
 * @param reservedConcurrency per function (logical id or name): a reserved concurrency replacing the template's
 * @param timeouts            per function: a timeout in seconds replacing the template's
 * @param runtimeClient       the directory of AWS's runtime interface client jars; null: {@code bench-lib} beside
 *                            the package (target/bench-lib)
 * @param region              the region in ARNs and in {@code AWS_REGION}
 * @param stackName           the prefix of deployed names ({@code canopy}: {@code canopy-predict})
 * @param invocationLog       a file for serve's own JSON-lines record of the calls; null: none
 * @param quiet               true: the functions' own log lines are not copied to serve's stderr
 * @param initLimit           how long a new instance may take before it takes its first event
 * @param allow               locations the functions may read and write besides the template's and {@code out}:
 *                            local directories, {@code s3://bucket/prefix/} or {@code https://host/path/}
 * @param allowRemote         true: a {@code host} other than a loopback address is accepted (with a warning)
 * @param accountConcurrency  instances busy at once over all functions, as the account's concurrency quota
 *                            (1,000 on AWS); further capped by the machine's memory
 */
public record ServeOptions(String host, int port, Path template, Map<String, String> parameterOverrides,
                           Map<String, String> env, Path out, Map<String, Integer> reservedConcurrency,
                           Map<String, Integer> timeouts, Path runtimeClient, String region, String stackName,
                           Path invocationLog, boolean quiet, Duration initLimit, java.util.List<String> allow,
                           boolean allowRemote, int accountConcurrency) {
    /** Lambda's default concurrency quota of an account. */
    public static final int DEFAULT_ACCOUNT_CONCURRENCY = 1000;

    public ServeOptions {
        allow = java.util.List.copyOf(allow);
        parameterOverrides = Map.copyOf(parameterOverrides);
        env = Map.copyOf(env);
        reservedConcurrency = Map.copyOf(reservedConcurrency);
        timeouts = Map.copyOf(timeouts);
    }
}
