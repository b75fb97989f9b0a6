package dev.canopy.serve;

import dev.canopy.cli.ServeCommand;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** What a function sees of its environment under serve: Lambda's variables, the template's, serve's, --env. */
class ServeEnvironmentTest {

    @Test
    void theTemplatesEnvironmentWithServesLocalSettingsAndTheUsersOverrides() {
        FunctionSpec predict = SamTemplate.functions(Path.of("sam-template.yaml"), Map.of("Packaging", "jvm",
                "BucketName", "my-bucket"), "us-east-1", "canopy").stream()
                .filter(f -> f.logicalId().equals("PredictFunction")).findFirst().orElseThrow();
        ServeOptions o = new ServeOptions("127.0.0.1", 0, Path.of("sam-template.yaml"), Map.of(),
                Map.of("CANOPY_LOG_LEVEL", "DEBUG"), Path.of("local-out"), Map.of(), Map.of(), null, "eu-west-1",
                "canopy", null, true, Duration.ofSeconds(60), java.util.List.of("/data/in", "s3://other/in/"), false, 1000);
        Map<String, String> env = Serve.environment(predict, o, "http://127.0.0.1:4567");

        assertEquals("canopy-predict", env.get("AWS_LAMBDA_FUNCTION_NAME"));
        assertEquals("1769", env.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE"));
        assertEquals("eu-west-1", env.get("AWS_REGION"));
        assertEquals("predict", env.get("QUARKUS_FUNQY_EXPORT"), "the template's");
        assertEquals("lambda", env.get("CANOPY_INVOKE_MODE"), "the template's Globals");
        assertEquals("http://127.0.0.1:4567", env.get("CANOPY_INVOKE_ENDPOINT"), "functions invoke each other through serve");
        assertEquals(Path.of("local-out").toAbsolutePath().toString(), env.get("CANOPY_OUTPUT_URI"), "--out, not the bucket");
        assertEquals("s3://my-bucket/," + Path.of("local-out").toAbsolutePath() + ",/data/in,s3://other/in/",
                env.get("CANOPY_STORAGE_ALLOWED_LOCATIONS"), "the template's locations, --out and --allow: never unguarded");
        assertEquals("DEBUG", env.get("CANOPY_LOG_LEVEL"), "--env wins over the template");
        assertFalse(env.containsKey("HOME"), "nothing of serve's own environment leaks in");
    }

    @Test
    void parameterOverridesTakeSamsForms() {
        assertEquals(Map.of("PoolSize", "2", "BucketName", "b", "Packaging", "jvm"), ServeCommand.parameters(
                java.util.List.of("PoolSize=2 BucketName=b", "ParameterKey=Packaging,ParameterValue=jvm")));
    }
}
