package dev.canopy.cli;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The packaged command line in {@code canopy.invoke.mode=lambda} on a machine without AWS settings: the
 * Lambda client is built on the first call, so the command fails with one line naming what to set, instead of
 * an error while picocli builds the command line (which once hid it behind "Could not get scope for field").
 */
class LambdaModeSetupIT {

    @Test
    void aMissingRegionIsOneLineFromTheCommandThatNeedsIt() throws Exception {
        Path home = Path.of("target", "lambda-mode-setup-home").toAbsolutePath();
        ProcessBuilder pb = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dcanopy.invoke.mode=lambda", "-Dcanopy.invoke.endpoint=http://127.0.0.1:1", "-Duser.home=" + home,
                "-jar", Path.of("target", "canopy-runner.jar").toString(), "status", "--run", "some-run"));
        // no region and no credentials from the environment or a profile file
        pb.environment().keySet().removeIf(k -> k.startsWith("AWS_"));
        pb.environment().put("AWS_CONFIG_FILE", home.resolve("no-config").toString());
        pb.environment().put("AWS_SHARED_CREDENTIALS_FILE", home.resolve("no-credentials").toString());
        pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
        Process p = pb.start();
        try {
            String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the command line did not end");
            assertEquals(1, p.exitValue(), err);
            assertEquals("canopy: ConfigurationException: no AWS region for the Lambda client: set AWS_REGION "
                    + "(or canopy.invoke.region)", err);
        } finally {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
