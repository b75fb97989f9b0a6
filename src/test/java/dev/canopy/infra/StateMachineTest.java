package dev.canopy.infra;

import dev.canopy.json.Json;
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

    @Test
    void noPolicyGrantsEveryAction() {
        String all = template.toString();
        assertFalse(all.contains("Action=*") || all.contains("Action=[*"), "a '*' action in the template");
        assertFalse(all.contains(":*,") || all.contains(":*]"), "a service-wide wildcard action such as s3:*");
    }
}
