package dev.canopy.cli;

import dev.canopy.testing.TestJvm;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The packaged command line in {@code canopy.invoke.mode=lambda} on a machine without AWS settings: the
 * Lambda client is built on the first call, so the command fails with one line naming what to set, instead of
 * an error while picocli builds the command line (which once hid it behind "Could not get scope for field").
 */
class LambdaModeSetupIT {

    @Test
    void aMissingRegionIsOneLineFromTheCommandThatNeedsIt() throws Exception {
        String err = status(Map.of());
        assertEquals("canopy: ConfigurationException: no AWS region for the Lambda client: set AWS_REGION "
                + "or AWS_DEFAULT_REGION (or canopy.invoke.region)", err);
    }

    /** Issue 24, item 9: many users set only AWS_DEFAULT_REGION, which the AWS CLI and boto3 read. */
    @Test
    void awsDefaultRegionAloneIsEnough() throws Exception {
        String err = status(Map.of("AWS_DEFAULT_REGION", "eu-west-3", "AWS_ACCESS_KEY_ID", "x", "AWS_SECRET_ACCESS_KEY", "x"));
        // the region is found: the call gets as far as the (closed) endpoint
        assertFalse(err.contains("region"), err);
        assertTrue(err.startsWith("canopy: "), err);
    }

    /** {@code status --run some-run} in lambda mode against a closed port, with only {@code env} of AWS's settings. */
    private static String status(Map<String, String> env) throws Exception {
        Path home = Path.of("target", "lambda-mode-setup-home").toAbsolutePath();
        ProcessBuilder pb = new ProcessBuilder(TestJvm.java("-Dcanopy.invoke.mode=lambda",
                "-Dcanopy.invoke.endpoint=http://127.0.0.1:1", "-Duser.home=" + home,
                "-jar", Path.of("target", "canopy-runner.jar").toString(), "status", "--run", "some-run"));
        // no region and no credentials from the environment or a profile file
        pb.environment().keySet().removeIf(k -> k.startsWith("AWS_"));
        pb.environment().put("AWS_CONFIG_FILE", home.resolve("no-config").toString());
        pb.environment().put("AWS_SHARED_CREDENTIALS_FILE", home.resolve("no-credentials").toString());
        pb.environment().putAll(env);
        pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
        Process p = pb.start();
        try {
            String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the command line did not end");
            assertEquals(1, p.exitValue(), err);
            return err;
        } finally {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
