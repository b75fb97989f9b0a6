package dev.canopy.function;

import io.quarkus.test.junit.QuarkusTestProfile;

import java.nio.file.Path;
import java.util.Map;

/**
 * One test profile per exported function, as each Lambda sets its own QUARKUS_FUNQY_EXPORT. Each distinct
 * profile boots Quarkus once more per test fork, so a function's tests share its profile: the function test,
 * its bad-input table ({@link BadInputs}) and its JSON log test ({@link JsonLogs#profile} adds a log file).
 */
final class FunctionProfiles {
    /** Where the function tests' runs are written; data sets are generated there too. */
    static final Path OUT = Path.of("target", "function-tests").toAbsolutePath();

    private FunctionProfiles() {
    }

    /**
     * {@code function} exported, with the limits the bad-input table tests: storage confined to {@link #OUT}
     * (and one S3 prefix), small request and shard limits.
     */
    static Map<String, String> export(String function) {
        return Map.of(
                "quarkus.funqy.export", function,
                "quarkus.devservices.enabled", "false",
                "canopy.output-uri", OUT.resolve("out").toString(),
                "canopy.storage.allowed-locations", OUT + ",s3://canopy-test-bucket/allowed/",
                "canopy.batch.max-shards", String.valueOf(BadInputs.MAX_SHARDS),
                "canopy.max-request-bytes", String.valueOf(BadInputs.MAX_REQUEST_BYTES));
    }

    public static final class Train implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return export("train");
        }
    }

    public static final class Supervise implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return JsonLogs.profile("supervise", "supervise-log.json");
        }
    }

    public static final class Status implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return export("status");
        }
    }

    public static final class Predict implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return export("predict");
        }
    }

    public static final class BatchPredict implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return JsonLogs.profile("batch-predict", "batch-log.json");
        }
    }
}
