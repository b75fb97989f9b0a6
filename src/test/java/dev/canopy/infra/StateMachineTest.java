package dev.canopy.infra;

import com.fasterxml.jackson.databind.JsonNode;
import dev.canopy.json.Json;
import dev.canopy.serve.CloudFormationYaml;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Step Functions workflows agree with the template: every {@code ${...}} in an ASL file is a
 * DefinitionSubstitution of its state machine, every substitution names a function of the template, and
 * the state machine may invoke each function it calls. (Structural validity of the ASL itself is checked
 * in CI by the asl-validator npm package; see .ci/run.)
 */
class StateMachineTest {
    static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Za-z0-9]+)}");
    static Map<String, Object> template;

    @BeforeAll
    static void load() throws Exception {
        template = CloudFormationYaml.load(Path.of("sam-template.yaml"));
    }

    @Test
    void substitutionsAndPermissionsMatchTheTemplate() throws Exception {
        Map<String, Object> resources = SamTemplateTest.map(template, "Resources");
        int machines = 0;
        for (var e : resources.entrySet()) {
            Map<String, Object> r = SamTemplateTest.map(e.getValue());
            if (!"AWS::Serverless::StateMachine".equals(r.get("Type"))) {
                continue;
            }
            machines++;
            Map<String, Object> props = SamTemplateTest.map(r, "Properties");
            Path asl = Path.of((String) props.get("DefinitionUri"));
            String text = Files.readString(asl);
            Json.MAPPER.readTree(text); // the definition is JSON
            Set<String> used = new HashSet<>();
            Matcher m = PLACEHOLDER.matcher(text);
            while (m.find()) {
                used.add(m.group(1));
            }
            Map<String, Object> subs = SamTemplateTest.map(props, "DefinitionSubstitutions");
            assertEquals(subs.keySet(), used, asl + ": placeholders and DefinitionSubstitutions differ");
            List<?> policies = (List<?>) props.get("Policies");
            for (var sub : subs.entrySet()) {
                // the function's "live" alias (!Ref F.Alias): a published version, which SnapStart serves
                String ref = (String) ((Map<?, ?>) sub.getValue()).get("Ref");
                assertTrue(ref != null && ref.endsWith(".Alias"), sub.getKey() + " must be !Ref <Function>.Alias: " + sub.getValue());
                String function = ref.substring(0, ref.length() - ".Alias".length());
                // infra/local/run-workflow.mjs substitutes ${<Function>Arn} with <Function>'s alias ARN
                assertEquals(function + "Arn", sub.getKey(), "substitutions are named <logical id>Arn");
                assertEquals("AWS::Serverless::Function", SamTemplateTest.map(resources, function).get("Type"),
                        sub.getKey() + " must name a function of the template");
                boolean allowed = policies.stream().anyMatch(p -> p instanceof Map<?, ?> pm
                        && pm.get("LambdaInvokePolicy") instanceof Map<?, ?> l
                        && Map.of("Ref", function).equals(l.get("FunctionName")));
                assertTrue(allowed, e.getKey() + " must be allowed to invoke " + function);
            }
        }
        assertEquals(2, machines);
    }

    static JsonNode definition(String file) throws Exception {
        return Json.MAPPER.readTree(Files.readString(Path.of("infra/statemachine", file)));
    }

    /** Every Lambda task waits at least as long as its function may run (the ASL default is 60 seconds). */
    @Test
    void everyLambdaTaskOutlastsItsFunction() throws Exception {
        Map<String, Object> resources = SamTemplateTest.map(template, "Resources");
        Map<String, Object> globals = SamTemplateTest.map(template, "Globals", "Function");
        int tasks = 0;
        for (String file : List.of("train-then-predict.asl.json", "predict-shards-distributed.asl.json")) {
            for (JsonNode task : definition(file).findParents("Resource")) {
                if (!"arn:aws:states:::lambda:invoke".equals(task.path("Resource").asText())) {
                    continue;
                }
                tasks++;
                String function = task.at("/Parameters/FunctionName").asText().replaceAll("^\\$\\{(.+)Arn}$", "$1");
                Object timeout = SamTemplateTest.map(resources, function, "Properties").getOrDefault("Timeout", globals.get("Timeout"));
                assertTrue(task.path("TimeoutSeconds").asInt() >= ((Number) timeout).intValue(),
                        file + ": " + function + "'s task times out before the function (" + timeout + " s)");
            }
        }
        assertEquals(3, tasks);
    }

    /** bestModelUri is absent (not only null) when every trainer failed; a comparison on a missing field is States.Runtime. */
    @Test
    void pickBestTestsPresenceBeforeNull() throws Exception {
        JsonNode choices = definition("train-then-predict.asl.json").at("/States/PickBest/Choices");
        assertEquals("$.trained.result.bestModelUri", choices.at("/0/Not/Variable").asText());
        assertTrue(choices.at("/0/Not/IsPresent").asBoolean());
        assertEquals("NoModel", choices.at("/0/Next").asText());
        assertTrue(choices.at("/1/IsNull").asBoolean());
    }

    /**
     * Issue 25: of supervise's answer the workflow reads the run's id and the best model it names
     * (bestModelUri), ranked by the run's own measure: no metric (an MSE, a log loss, …) and no row by position.
     * The distributed workflow is given its model and reads no training answer at all.
     */
    @Test
    void theWorkflowsReadNoMetricAndNoRowPosition() throws Exception {
        Pattern path = Pattern.compile("\\$\\.trained\\.result\\.[A-Za-z0-9_.\\[\\]]+");
        Set<String> read = new HashSet<>();
        Matcher m = path.matcher(definition("train-then-predict.asl.json").toString());
        while (m.find()) {
            read.add(m.group());
        }
        assertEquals(Set.of("$.trained.result.runId", "$.trained.result.bestModelUri"), read);
        assertFalse(path.matcher(definition("predict-shards-distributed.asl.json").toString()).find());
    }

    /** The batch answer passed between states is a summary: its rows stay in the manifest. */
    @Test
    void batchPredictPassesASummary() throws Exception {
        JsonNode states = definition("train-then-predict.asl.json").at("/States");
        JsonNode batch = states.get("BatchPredict");
        assertEquals("PickModel", states.at("/PickBest/Default").asText());
        JsonNode pick = states.get("PickModel");
        assertTrue(pick.at("/Parameters/summaryOnly").asBoolean());
        assertEquals("$.trained.result.bestModelUri", pick.at("/Parameters/modelUri.$").asText());
        assertEquals("$.pick", pick.get("ResultPath").asText());
        // the input's prediction request, every field of it, under the run's id, best model and summaryOnly
        assertEquals("States.JsonMerge($.prediction, $.pick, false)", batch.at("/Parameters/Payload.$").asText());
        batch.get("ResultSelector").properties().forEach(e -> assertTrue(e.getValue().asText().matches("\\$\\.Payload\\.\\w+"),
                "ResultSelector picks single fields: " + e));
        assertFalse(batch.get("ResultSelector").toString().contains("shards"));
    }

    /**
     * The Distributed Map: predictions named as batch-predict names them (outputPrefix), only .parquet objects
     * scored, and only the tolerance verdict reported as Canopy.ToleranceExceeded.
     */
    @Test
    void theDistributedMapScoresShardsOnlyAndKeepsErrorNames() throws Exception {
        JsonNode map = definition("predict-shards-distributed.asl.json").at("/States/PredictShards");
        JsonNode processor = map.get("ItemProcessor");
        assertEquals("IsShard", processor.get("StartAt").asText());
        assertEquals("*.parquet", processor.at("/States/IsShard/Choices/0/StringMatches").asText());
        assertEquals("Predict", processor.at("/States/IsShard/Choices/0/Next").asText());
        assertEquals("SKIPPED", processor.at("/States/Skip/Parameters/state").asText());
        assertEquals("$.outputPrefix", processor.at("/States/Predict/Parameters/Payload/outputPrefix.$").asText());
        assertTrue(map.has("ResultWriter"));
        JsonNode catches = map.get("Catch");
        assertEquals(1, catches.size());
        assertEquals("[\"States.ExceedToleratedFailureThreshold\"]", catches.at("/0/ErrorEquals").toString());
        assertEquals("ShardsFailed", catches.at("/0/Next").asText());
    }

    @Test
    void noPolicyGrantsEveryAction() {
        String all = template.toString();
        assertFalse(all.contains("Action=*") || all.contains("Action=[*"), "a '*' action in the template");
        assertFalse(all.contains(":*,") || all.contains(":*]"), "a service-wide wildcard action such as s3:*");
    }
}
