package dev.canopy.cli;

import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.junit.main.LaunchResult;
import io.quarkus.test.junit.main.QuarkusMainLauncher;
import io.quarkus.test.junit.main.QuarkusMainTest;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code demo} on a machine with no cached copy and no way to download one. */
@QuarkusMainTest
@TestProfile(CanopyDemoTest.Offline.class)
class CanopyDemoTest {

    public static final class Offline implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("canopy.data.cache-dir", Path.of("target", "empty-cache").toAbsolutePath().toString(),
                    "canopy.data.california-housing-url", "http://127.0.0.1:9/cal_housing.tgz",
                    "canopy.data.http-timeout", "PT2S",
                    "quarkus.devservices.enabled", "false");
        }
    }

    @Test
    void explainsHowToPassTheDataWhenItCannotBeDownloaded(QuarkusMainLauncher launcher) {
        LaunchResult r = launcher.launch("demo", "--json");
        assertEquals(1, r.exitCode());
        assertTrue(r.getErrorOutput().contains("could not be downloaded")
                && r.getErrorOutput().contains("--data <path to california_housing.csv>"), r.getErrorOutput());
    }
}
