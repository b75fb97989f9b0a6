package dev.canopy.serve;

import dev.canopy.error.InvalidInputException;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** serve deploys sam-template.yaml's functions with the settings CloudFormation would give them. */
class SamTemplateTest {
    private static final Path TEMPLATE = Path.of("sam-template.yaml");

    private static Map<String, FunctionSpec> functions(Map<String, String> overrides) {
        return SamTemplate.functions(TEMPLATE, overrides, "eu-west-1", "canopy").stream()
                .collect(Collectors.toMap(FunctionSpec::logicalId, Function.identity()));
    }

    @Test
    void eachFunctionHasItsDeployedNameMemoryTimeoutEnvironmentAndConcurrency() {
        Map<String, FunctionSpec> f = functions(Map.of("Packaging", "jvm", "BucketName", "my-bucket",
                "PoolSize", "4", "PredictorReservedConcurrency", "3"));
        assertEquals(List.of("canopy-supervise", "canopy-train", "canopy-status", "canopy-batch-predict", "canopy-predict"),
                SamTemplate.functions(TEMPLATE, Map.of("Packaging", "jvm"), "eu-west-1", "canopy").stream()
                        .map(FunctionSpec::name).toList());
        FunctionSpec predict = f.get("PredictFunction");
        assertEquals(1769, predict.memoryMb());
        assertEquals(300, predict.timeoutSeconds());
        assertEquals(3, predict.reservedConcurrency(), "PredictorReservedConcurrency's override");
        assertEquals(null, functions(Map.of("Packaging", "jvm")).get("PredictFunction").reservedConcurrency(),
                "by default nothing is reserved: the template deploys on a new account (quota 10)");
        assertEquals("live", predict.alias());
        assertEquals("dev.canopy.function.LambdaHandler::handleRequest", predict.handler());
        assertEquals(Path.of("target/function.zip").toAbsolutePath(), predict.codeUri());
        assertEquals("predict", predict.environment().get("QUARKUS_FUNQY_EXPORT"));
        assertEquals("lambda", predict.environment().get("CANOPY_INVOKE_MODE"), "Globals are merged in");
        assertEquals("s3://my-bucket/canopy", predict.environment().get("CANOPY_OUTPUT_URI"));

        FunctionSpec train = f.get("TrainFunction");
        assertEquals(3008, train.memoryMb());
        assertEquals(840, train.timeoutSeconds());
        assertNull(train.reservedConcurrency());

        FunctionSpec supervise = f.get("SuperviseFunction");
        assertEquals(512, supervise.memoryMb());
        assertEquals(900, supervise.timeoutSeconds());
        assertEquals("arn:aws:lambda:eu-west-1:123456789012:function:canopy-train:live",
                supervise.environment().get("CANOPY_INVOKE_FUNCTIONS_TRAIN"), "!Ref TrainFunction.Alias");
        assertEquals("PT870S", supervise.environment().get("CANOPY_INVOKE_READ_TIMEOUT"));
        assertEquals("4", f.get("BatchPredictFunction").environment().get("CANOPY_BATCH_MAX_POOL_SIZE"));
        assertEquals(60, f.get("StatusFunction").timeoutSeconds() * 2, "its own 30 s, not the Globals' 60");
    }

    @Test
    void defaultsApplyAndANativePackageIsRefused() {
        assertEquals(null, functions(Map.of("Packaging", "jvm")).get("PredictFunction").reservedConcurrency(),
                "no reservation by default: a new account's quota of 10 leaves none to reserve");
        assertEquals("s3://" + SamTemplate.UNSET_PARAMETER + "/canopy",
                functions(Map.of("Packaging", "jvm")).get("TrainFunction").environment().get("CANOPY_OUTPUT_URI"));
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> functions(Map.of("Packaging", "native")));
        assertTrue(e.getMessage().contains("Packaging=jvm"), e.getMessage());
        InvalidInputException unknown = assertThrows(InvalidInputException.class, () -> functions(Map.of("Nope", "1")));
        assertTrue(unknown.getMessage().contains("Nope"), unknown.getMessage());
    }
}
