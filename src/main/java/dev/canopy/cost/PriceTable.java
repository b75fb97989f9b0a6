package dev.canopy.cost;

import dev.canopy.error.InvalidInputException;

import java.util.Map;
import java.util.TreeMap;

/**
 * The prices a cost report is computed with ({@code canopy.cost.*}): Lambda's duration price per GB-second
 * for each architecture, its request price, the architecture the functions run on, and each function's
 * configured memory (used where the invocation itself does not say it, that is when measured locally).
 *
 * <p>The defaults are AWS's published on-demand prices for US East (N. Virginia), first pricing tier
 * (https://aws.amazon.com/lambda/pricing/): x86_64 $0.0000166667 and arm64 $0.0000133334 per GB-second,
 * $0.20 per million requests. The free tier and Savings Plans are not applied: the figure is a list price.
 * Memories are sam-template.yaml's defaults (a test keeps them equal).
 *
 * @param architecture            {@code x86_64} or {@code arm64}
 * @param x86UsdPerGbSecond       duration price on x86_64
 * @param arm64UsdPerGbSecond     duration price on arm64
 * @param usdPerMillionRequests   request price
 * @param memoryMb                memory per function name ({@code train}, {@code predict}, ...)
 */
public record PriceTable(String architecture, double x86UsdPerGbSecond, double arm64UsdPerGbSecond,
                         double usdPerMillionRequests, Map<String, Integer> memoryMb) {
    public static final String X86_64 = "x86_64";
    public static final String ARM64 = "arm64";
    /** Lambda's memory range, in MB. */
    public static final int MIN_MEMORY_MB = 128;
    public static final int MAX_MEMORY_MB = 10_240;

    /**
     * The functions' memory in MB: sam-template.yaml's MemorySize defaults, which are the source (CostConfigTest
     * fails when these differ from them). Text, so that {@code CanopyConfig}'s {@code @WithDefault}s name them too.
     */
    public static final String ORCHESTRATOR_MEMORY_MB = "512";
    public static final String TRAIN_MEMORY_MB = "3008";
    public static final String PREDICT_MEMORY_MB = "1769";

    public static final PriceTable DEFAULT = new PriceTable(X86_64, 0.0000166667, 0.0000133334, 0.20,
            Map.of("supervise", Integer.parseInt(ORCHESTRATOR_MEMORY_MB), "status", Integer.parseInt(ORCHESTRATOR_MEMORY_MB),
                    "batch-predict", Integer.parseInt(ORCHESTRATOR_MEMORY_MB), "train", Integer.parseInt(TRAIN_MEMORY_MB),
                    "predict", Integer.parseInt(PREDICT_MEMORY_MB)));

    /** Validated; an error names the setting ({@code canopy.cost.*}) and its value. */
    public PriceTable {
        if (!X86_64.equals(architecture) && !ARM64.equals(architecture)) {
            throw new InvalidInputException("canopy.cost.architecture", architecture, "must be x86_64 or arm64");
        }
        price("canopy.cost.x86-usd-per-gb-second", x86UsdPerGbSecond);
        price("canopy.cost.arm64-usd-per-gb-second", arm64UsdPerGbSecond);
        price("canopy.cost.usd-per-million-requests", usdPerMillionRequests);
        for (var e : memoryMb.entrySet()) {
            memory("canopy.cost.memory." + e.getKey(), e.getValue());
        }
        memoryMb = Map.copyOf(new TreeMap<>(memoryMb));
    }

    private static void price(String key, double value) {
        if (!(value >= 0) || Double.isInfinite(value)) {
            throw new InvalidInputException(key, value, "a price must be a finite number of US dollars, 0 or more");
        }
    }

    /** Checks a memory size against Lambda's range; returns it. */
    public static int memory(String key, Integer mb) {
        if (mb == null || mb < MIN_MEMORY_MB || mb > MAX_MEMORY_MB) {
            throw new InvalidInputException(key, mb, "Lambda memory must be between " + MIN_MEMORY_MB + " and "
                    + MAX_MEMORY_MB + " MB");
        }
        return mb;
    }

    public PriceTable withArchitecture(String arch) {
        return new PriceTable(arch, x86UsdPerGbSecond, arm64UsdPerGbSecond, usdPerMillionRequests, memoryMb);
    }

    /** The duration price of the configured architecture. */
    public double usdPerGbSecond() {
        return X86_64.equals(architecture) ? x86UsdPerGbSecond : arm64UsdPerGbSecond;
    }

    /** The configured memory of a function, in MB; an unknown function is an error naming the setting. */
    public int memoryOf(String function) {
        Integer mb = memoryMb.get(function);
        if (mb == null) {
            throw new InvalidInputException("canopy.cost.memory." + function, null, "no memory configured for function '"
                    + function + "'; known: " + memoryMb.keySet());
        }
        return mb;
    }

    /** GB-seconds of a billed duration at a memory size; Lambda counts 1 GB as 1,024 MB. */
    public static double gbSeconds(long billedMillis, int memoryMb) {
        return billedMillis / 1000.0 * (memoryMb / 1024.0);
    }

    /** The price of {@code invocations} requests and {@code gbSeconds} of duration. */
    public double usd(long invocations, double gbSeconds) {
        return invocations * usdPerMillionRequests / 1_000_000.0 + gbSeconds * usdPerGbSecond();
    }
}
