package dev.canopy.serve;

import java.nio.file.Path;
import java.util.Map;

/**
 * What a deployed function would have, read from the template: its names, package, handler, memory,
 * timeout, environment and reserved concurrency.
 *
 * @param logicalId           the template's logical id, e.g. {@code PredictFunction}
 * @param name                the deployed name, e.g. {@code canopy-predict}
 * @param codeUri             the Lambda package (a zip)
 * @param handler             the handler the runtime client loads
 * @param memoryMb            MemorySize
 * @param timeoutSeconds      Timeout
 * @param environment         Environment.Variables, Globals and the function's own merged, intrinsics resolved
 * @param reservedConcurrency ReservedConcurrentExecutions, or null when the function has none
 * @param alias               AutoPublishAlias (e.g. {@code live}), or null
 */
public record FunctionSpec(String logicalId, String name, Path codeUri, String handler, int memoryMb,
                           int timeoutSeconds, Map<String, String> environment, Integer reservedConcurrency,
                           String alias) {
    public FunctionSpec {
        environment = Map.copyOf(environment);
    }

    public FunctionSpec withTimeout(int seconds) {
        return new FunctionSpec(logicalId, name, codeUri, handler, memoryMb, seconds, environment, reservedConcurrency, alias);
    }

    public FunctionSpec withReservedConcurrency(Integer n) {
        return new FunctionSpec(logicalId, name, codeUri, handler, memoryMb, timeoutSeconds, environment, n, alias);
    }
}
