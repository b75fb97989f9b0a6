package dev.canopy.infra;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.canopy.function.BatchPredictFunction;
import dev.canopy.function.PredictFunction;
import dev.canopy.function.StatusFunction;
import dev.canopy.function.SuperviseFunction;
import dev.canopy.function.TrainFunction;
import dev.canopy.inference.BatchPredictService;
import dev.canopy.serve.CloudFormationYaml;
import dev.canopy.testing.SharedData;
import dev.canopy.training.SupervisorService;
import io.quarkus.funqy.Funq;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code sam-template.yaml}: valid against AWS's SAM schema, and consistent with the code. */
class SamTemplateTest {
    static final Path TEMPLATE = Path.of("sam-template.yaml");
    static final String SCHEMA = "schemas/sam.schema.json";
    static Map<String, Object> template;

    @BeforeAll
    static void load() throws Exception {
        template = CloudFormationYaml.load(TEMPLATE);
    }

    @Test
    void validAgainstTheSamJsonSchema() throws Exception {
        JsonMapper mapper = JsonMapper.builder().build();
        Schema schema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_4)
                .getSchema(mapper.readTree(Files.readString(SharedData.require(SCHEMA))));
        JsonNode instance = mapper.valueToTree(template);
        List<Error> errors = schema.validate(instance);
        assertTrue(errors.isEmpty(), "schema errors: " + errors);
    }

    @Test
    void theSchemaCheckRejectsABrokenTemplate() throws Exception {
        JsonMapper mapper = JsonMapper.builder().build();
        Schema schema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_4)
                .getSchema(mapper.readTree(Files.readString(SharedData.require(SCHEMA))));
        var broken = (tools.jackson.databind.node.ObjectNode) mapper.valueToTree(template);
        ((tools.jackson.databind.node.ObjectNode) broken.get("Resources").get("TrainFunction").get("Properties"))
                .put("MemorySizee", 128);
        assertFalse(schema.validate(broken).isEmpty(), "a misspelt property must fail validation");
    }

    /**
     * SnapStart is opt-in and only for the JVM runtime (native images start fast and are not eligible), and
     * every function publishes the "live" alias that callers invoke, since only published versions use it.
     */
    @Test
    void snapStartIsForTheJvmOnlyAndEveryFunctionPublishesTheLiveAlias() {
        Map<String, Object> globals = map(template, "Globals", "Function");
        assertEquals("live", globals.get("AutoPublishAlias"));
        assertEquals(Map.of("Fn::If", List.of("UseSnapStart", "PublishedVersions", "None")),
                map(globals, "SnapStart").get("ApplyOn"));
        assertEquals(Map.of("Fn::And", List.of(Map.of("Fn::Equals", List.of(Map.of("Ref", "Packaging"), "jvm")),
                Map.of("Fn::Equals", List.of(Map.of("Ref", "SnapStart"), "Enabled")))), map(template, "Conditions").get("UseSnapStart"));
        assertEquals("Disabled", map(template, "Parameters", "SnapStart").get("Default"));
        functions().forEach((name, props) -> {
            assertFalse(props.containsKey("AutoPublishAlias") || props.containsKey("SnapStart"),
                    name + " must take the alias and SnapStart from Globals");
        });
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object o, String... path) {
        Object cur = o;
        for (String p : path) {
            cur = ((Map<String, Object>) cur).get(p);
        }
        return (Map<String, Object>) cur;
    }

    static Map<String, Map<String, Object>> functions() {
        Map<String, Map<String, Object>> out = new java.util.LinkedHashMap<>();
        map(template, "Resources").forEach((name, r) -> {
            if ("AWS::Serverless::Function".equals(map(r).get("Type"))) {
                out.put(name, map(r, "Properties"));
            }
        });
        return out;
    }

    static Set<String> funqFunctions() throws Exception {
        Set<String> names = new HashSet<>();
        try (Stream<Path> files = Files.walk(Path.of("target/classes/dev/canopy/function"))) {
            for (Path p : files.filter(f -> f.toString().endsWith(".class")).toList()) {
                String cls = "dev.canopy.function." + p.getFileName().toString().replace(".class", "");
                for (Method m : Class.forName(cls).getDeclaredMethods()) {
                    Funq f = m.getAnnotation(Funq.class);
                    if (f != null) {
                        names.add(f.value().isEmpty() ? m.getName() : f.value());
                    }
                }
            }
        }
        return names;
    }

    static Map<String, Object> env(Map<String, Object> props) {
        return map(props, "Environment", "Variables");
    }

    @Test
    void everyExportNamesAFunqFunctionAndEveryFunqFunctionIsDeployed() throws Exception {
        Set<String> funq = funqFunctions();
        Set<String> exported = new HashSet<>();
        functions().forEach((name, props) -> {
            String export = (String) env(props).get("QUARKUS_FUNQY_EXPORT");
            assertTrue(funq.contains(export), name + " exports '" + export + "', not a @Funq function: " + funq);
            exported.add(export);
        });
        assertEquals(funq, exported);
    }

    @Test
    void everyInvokedFunctionIsWiredWithAnInvokePermissionAndNoWildcards() {
        // Callers and the logical functions their code invokes (SupervisorService.TRAIN_FUNCTION,
        // BatchPredictService.PREDICT_FUNCTION).
        Map<String, String[]> calls = Map.of(
                "SuperviseFunction", new String[]{SupervisorService.TRAIN_FUNCTION, "TrainFunction"},
                "BatchPredictFunction", new String[]{BatchPredictService.PREDICT_FUNCTION, "PredictFunction"});
        calls.forEach((caller, callee) -> {
            Map<String, Object> props = functions().get(caller);
            String envName = "CANOPY_INVOKE_FUNCTIONS_" + callee[0].toUpperCase().replace('-', '_');
            // the alias: a published version, which is what SnapStart snapshots
            assertEquals(Map.of("Ref", callee[1] + ".Alias"), env(props).get(envName), caller + " " + envName);
            boolean allowed = ((List<?>) props.get("Policies")).stream().anyMatch(p -> p instanceof Map<?, ?> m
                    && m.get("LambdaInvokePolicy") instanceof Map<?, ?> l
                    && Map.of("Ref", callee[1]).equals(l.get("FunctionName")));
            assertTrue(allowed, caller + " needs lambda:InvokeFunction on " + callee[1]);
        });
        // a random forest's trainer invokes its own function (ForestFanOut), by name: a Ref would be a cycle
        Map<String, Object> train = functions().get("TrainFunction");
        Map<String, String> self = Map.of("Fn::Sub", "${AWS::StackName}-train");
        assertEquals(self, train.get("FunctionName"));
        assertEquals(Map.of("Fn::Sub", "${AWS::StackName}-train:live"), env(train).get("CANOPY_INVOKE_FUNCTIONS_TRAIN"));
        assertTrue(((List<?>) train.get("Policies")).stream().anyMatch(p -> p instanceof Map<?, ?> m
                && m.get("LambdaInvokePolicy") instanceof Map<?, ?> l && self.equals(l.get("FunctionName"))));
        functions().forEach((name, props) -> {
            for (Object p : (List<?>) props.get("Policies")) {
                assertFalse(p.toString().contains("\"*\"") || p.toString().contains("=*"), name + " policy " + p);
                assertTrue(p instanceof Map<?, ?>, name + ": use scoped SAM policy templates, not managed policies: " + p);
            }
        });
        // A reservation is a choice: by default none, so that the stack deploys on a new account, whose quota
        // of 10 leaves nothing to reserve; batch-predict enforces the pool size either way
        Object reserved = ((Map<?, ?>) functions().get("PredictFunction")).get("ReservedConcurrentExecutions");
        assertEquals("{Fn::If=[ReservePredictors, {Ref=PredictorReservedConcurrency}, {Ref=AWS::NoValue}]}",
                String.valueOf(reserved));
        assertEquals(0, map(template, "Parameters", "PredictorReservedConcurrency").get("Default"));
    }

    /**
     * Least privilege: each role may do in Canopy's bucket exactly what its function does there (the list kept
     * beside the function, {@code S3_ACTIONS}), objects on {@code bucket/*} and listing on the bucket, and
     * nothing through SAM's broad S3 policy templates (S3CrudPolicy grants deletes, ACLs and lifecycle rules).
     * The predict-shards state machine's come from its definition: its ItemReader lists, its ResultWriter writes.
     */
    @Test
    void eachRoleGrantsExactlyTheS3ActionsItsCodeUsesInTheBucket() throws Exception {
        Map<String, List<String>> uses = Map.of(
                "SuperviseFunction", SuperviseFunction.S3_ACTIONS,
                "TrainFunction", TrainFunction.S3_ACTIONS,
                "StatusFunction", StatusFunction.S3_ACTIONS,
                "BatchPredictFunction", BatchPredictFunction.S3_ACTIONS,
                "PredictFunction", PredictFunction.S3_ACTIONS);
        assertEquals(uses.keySet(), functions().keySet());
        functions().forEach((name, props) -> assertEquals(Set.copyOf(uses.get(name)), bucketActions(name, props), name));
        assertEquals(Set.of("s3:GetObject", "s3:PutObject"), Set.copyOf(PredictFunction.S3_ACTIONS),
                "a predictor reads a shard and a model and writes predictions: no list, no delete, no bucket settings");

        JsonNode asl = new JsonMapper().readTree(Files.readString(Path.of("infra/statemachine/predict-shards-distributed.asl.json")));
        Set<String> mapActions = new HashSet<>();
        asl.findValues("ItemReader").forEach(r -> {
            assertEquals("arn:aws:states:::s3:listObjectsV2", r.get("Resource").asText());
            mapActions.add("s3:ListBucket");
        });
        asl.findValues("ResultWriter").forEach(r -> {
            assertEquals("arn:aws:states:::s3:putObject", r.get("Resource").asText());
            mapActions.add("s3:PutObject");
        });
        assertEquals(Set.of("s3:ListBucket", "s3:PutObject"), mapActions);
        Map<String, Object> machine = map(template, "Resources", "PredictShardsStateMachine", "Properties");
        assertEquals(mapActions, bucketActions("PredictShardsStateMachine", machine));
    }

    /** The S3 actions a resource's policies grant on Canopy's bucket, each checked against its ARN. */
    @SuppressWarnings("unchecked")
    static Set<String> bucketActions(String name, Map<String, Object> props) {
        Set<String> out = new HashSet<>();
        for (Object p : (List<?>) props.get("Policies")) {
            Map<String, Object> policy = (Map<String, Object>) p;
            for (String template : List.of("S3CrudPolicy", "S3ReadPolicy", "S3WritePolicy", "S3FullAccessPolicy")) {
                assertFalse(policy.containsKey(template), name + " uses SAM's " + template + ": grant the actions it needs");
            }
            if (!policy.containsKey("Statement")) {
                continue; // LambdaInvokePolicy, and DataBuckets' read-only statements under Fn::If
            }
            for (Object st : (List<?>) policy.get("Statement")) {
                Map<String, Object> statement = (Map<String, Object>) st;
                String resource = String.valueOf(statement.get("Resource"));
                if (!resource.contains("${BucketName}")) {
                    continue;
                }
                for (Object a : (List<?>) statement.get("Action")) {
                    String action = (String) a;
                    String expected = action.equals("s3:ListBucket") ? "{Fn::Sub=arn:${AWS::Partition}:s3:::${BucketName}}"
                            : "{Fn::Sub=arn:${AWS::Partition}:s3:::${BucketName}/*}";
                    assertEquals(expected, resource, name + " " + action);
                    assertTrue(out.add(action), name + " grants " + action + " twice");
                }
            }
        }
        return out;
    }

    @Test
    void timeoutsNestCallerAroundCallee() {
        Map<String, Map<String, Object>> f = functions();
        int train = (Integer) f.get("TrainFunction").get("Timeout");
        int supervise = (Integer) f.get("SuperviseFunction").get("Timeout");
        long superviseRead = Duration.parse((String) env(f.get("SuperviseFunction")).get("CANOPY_INVOKE_READ_TIMEOUT")).toSeconds();
        assertTrue(train < superviseRead && superviseRead < supervise, train + " < " + superviseRead + " < " + supervise);

        int predict = (Integer) f.get("PredictFunction").get("Timeout");
        int batch = (Integer) f.get("BatchPredictFunction").get("Timeout");
        long batchRead = Duration.parse((String) env(f.get("BatchPredictFunction")).get("CANOPY_INVOKE_READ_TIMEOUT")).toSeconds();
        long budget = Duration.parse((String) env(f.get("BatchPredictFunction")).get("CANOPY_BATCH_TIME_BUDGET")).toSeconds();
        assertTrue(predict < batchRead, predict + " < " + batchRead);
        // retries included: past its budget batch-predict starts no attempt, first or retry (BatchPredictService.predict;
        // BatchPredictResumeTest.afterTheDeadlineAFailedShardIsNotTriedAgainAndAResumeRunsIt), so whatever maxAttempts
        // says, the last attempt starts before the budget ends and is waited for at most one call's read timeout
        assertTrue(budget + batchRead + 30 <= batch, "budget " + budget + " + one call " + batchRead + " + report fits in " + batch);
        for (var e : f.entrySet()) {
            int t = (Integer) e.getValue().get("Timeout");
            assertTrue(t >= 1 && t <= 900, e.getKey() + " timeout " + t);
        }
    }
}
