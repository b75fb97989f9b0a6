package dev.canopy.config;

import dev.canopy.cost.PriceTable;
import dev.canopy.error.InvalidInputException;
import dev.canopy.serve.CloudFormationYaml;
import dev.canopy.serve.FunctionSpec;
import dev.canopy.serve.SamTemplate;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code canopy.cost.*} through SmallRye Config's own mapping of {@link CanopyConfig}: the defaults are the
 * template's architecture and memory sizes and today's prices, and a bad value fails naming its key.
 */
class CostConfigTest {

    static PriceTable prices(Map<String, String> properties) {
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withMapping(CanopyConfig.class)
                .withSources(new PropertiesConfigSource(properties, "test", 500))
                .build();
        return CanopyBeans.priceTable(config.getConfigMapping(CanopyConfig.class).cost());
    }

    @Test
    void defaultsAreTodaysPricesAndTheTemplatesArchitectureAndMemory() throws Exception {
        PriceTable defaults = prices(Map.of());
        assertEquals(PriceTable.DEFAULT, defaults);

        Map<String, Object> template = CloudFormationYaml.load(Path.of("sam-template.yaml"));
        @SuppressWarnings("unchecked")
        Map<String, Object> globals = (Map<String, Object>) ((Map<String, Object>) template.get("Globals")).get("Function");
        assertEquals(List.of(defaults.architecture()), globals.get("Architectures"));

        Map<String, Integer> deployed = new HashMap<>();
        for (FunctionSpec f : SamTemplate.functions(Path.of("sam-template.yaml"), Map.of(), "us-east-1", "canopy")) {
            deployed.put(f.name().substring("canopy-".length()), f.memoryMb());
        }
        assertEquals(deployed, defaults.memoryMb(), "canopy.cost.memory.* defaults are the template's MemorySize");
    }

    /**
     * The docs that state the memory sizes state the template's: the deploy guide's parameter defaults, the cost
     * guide's {@code canopy.cost.memory.*} defaults and the CLI guide's default for {@code bench cold-start}.
     */
    @Test
    @SuppressWarnings("unchecked")
    void theDocsStateTheTemplatesMemorySizes() throws Exception {
        Map<String, Object> params = (Map<String, Object>) CloudFormationYaml.load(Path.of("sam-template.yaml")).get("Parameters");
        String deploy = Files.readString(Path.of("docs/deploy.md"));
        int memoryParams = 0;
        for (var p : params.entrySet()) {
            if (!p.getKey().endsWith("MemorySize")) {
                continue;
            }
            memoryParams++;
            Object dflt = ((Map<String, Object>) p.getValue()).get("Default");
            assertTrue(deploy.contains("`" + p.getKey() + "` (" + dflt + ")"), p.getKey() + " (" + dflt + ") in docs/deploy.md");
        }
        assertEquals(3, memoryParams);

        Map<String, Integer> deployed = new HashMap<>();
        for (FunctionSpec f : SamTemplate.functions(Path.of("sam-template.yaml"), Map.of(), "us-east-1", "canopy")) {
            deployed.put(f.name().substring("canopy-".length()), f.memoryMb());
        }
        List<String> order = List.of("supervise", "train", "status", "predict", "batch-predict");
        String row = "| `canopy.cost.memory.supervise` / `.train` / `.status` / `.predict` / `.batch-predict` | "
                + String.join(" / ", order.stream().map(f -> "`" + deployed.get(f) + "`").toList()) + " (the template's";
        assertTrue(Files.readString(Path.of("docs/cost.md")).contains(row), row + " in docs/cost.md");

        Matcher cli = Pattern.compile("the template's memory for that function, ([\\d,]+) MB for\\s+`predict`")
                .matcher(Files.readString(Path.of("docs/cli.md")));
        assertTrue(cli.find(), "bench cold-start's default memory in docs/cli.md");
        assertEquals(deployed.get("predict"), Integer.parseInt(cli.group(1).replace(",", "")));
    }

    @Test
    void settingsAreReadByTheirDocumentedKeys() {
        PriceTable p = prices(Map.of("canopy.cost.architecture", "arm64", "canopy.cost.arm64-usd-per-gb-second", "0.00001",
                "canopy.cost.x86-usd-per-gb-second", "0.00002", "canopy.cost.usd-per-million-requests", "0.25",
                "canopy.cost.memory.batch-predict", "1024", "canopy.cost.memory.train", "10240"));
        assertEquals(new PriceTable("arm64", 0.00002, 0.00001, 0.25, Map.of("supervise", 512, "status", 512,
                "batch-predict", 1024, "train", 10_240, "predict", 1769)), p);
        assertEquals(0.00001, p.usdPerGbSecond());
    }

    @Test
    void badValuesFailNamingTheKeyAndTheValue() {
        Map<String, String> bad = Map.of(
                "canopy.cost.architecture", "sparc",
                "canopy.cost.x86-usd-per-gb-second", "-0.1",
                "canopy.cost.arm64-usd-per-gb-second", "NaN",
                "canopy.cost.usd-per-million-requests", "-1",
                "canopy.cost.memory.predict", "64",
                "canopy.cost.memory.batch-predict", "20000");
        for (var e : bad.entrySet()) {
            InvalidInputException x = assertThrows(InvalidInputException.class, () -> prices(Map.of(e.getKey(), e.getValue())),
                    e.toString());
            assertEquals(e.getKey(), x.field());
            // the value as read: an int stays as given, a price reads as a double (-1 is -1.0)
            String value = e.getKey().contains("usd") ? String.valueOf(Double.parseDouble(e.getValue())) : e.getValue();
            assertTrue(x.getMessage().startsWith(e.getKey() + "=\"" + value + "\": "), x.getMessage());
        }
    }
}
