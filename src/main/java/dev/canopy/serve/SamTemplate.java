package dev.canopy.serve;

import dev.canopy.error.InvalidInputException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The functions of a SAM template as they would be deployed: {@code Globals.Function} merged into each
 * {@code AWS::Serverless::Function}'s properties (maps merged, the function's values winning, as SAM does),
 * then CloudFormation's intrinsics resolved ({@code Ref}, {@code Fn::Sub}, {@code Fn::If} and the condition
 * functions, {@code Fn::Join}, {@code Fn::Split}, {@code Fn::Select}, {@code Fn::GetAtt ...Arn}) with each parameter's override
 * or default.
 *
 * <p>Names as {@code serve} deploys them: a function's {@code FunctionName}, or {@code <stack>-<logical id
 * without "Function", in kebab case>} ({@code PredictFunction} is {@code canopy-predict}), which are the
 * defaults of {@code canopy.invoke.functions.*}. {@code !Ref F} is that name, {@code !Ref F.Alias} the ARN
 * of its alias, {@code !GetAtt F.Arn} its ARN. A parameter without a default and without an override
 * resolves to {@link #UNSET_PARAMETER}.
 */
public final class SamTemplate {
    public static final String ACCOUNT = "123456789012";
    public static final String UNSET_PARAMETER = "unset";
    private static final Object NO_VALUE = new Object();
    private static final Pattern SUB = Pattern.compile("\\$\\{([^}!]+)}");

    private final Map<String, Object> template;
    private final Map<String, String> overrides;
    private final String region;
    private final String stackName;
    private final Map<String, Boolean> conditions = new HashMap<>();
    private final Map<String, Object> resources;

    private SamTemplate(Map<String, Object> template, Map<String, String> overrides, String region, String stackName) {
        this.template = template;
        this.overrides = overrides;
        this.region = region;
        this.stackName = stackName;
        this.resources = map(template.get("Resources"));
    }

    /**
     * @param overrides parameter values ({@code --parameter-overrides Name=Value}); each must name a parameter
     */
    public static List<FunctionSpec> functions(Path file, Map<String, String> overrides, String region, String stackName) {
        Map<String, Object> t;
        try {
            t = CloudFormationYaml.load(file);
        } catch (IOException e) {
            throw new InvalidInputException("--template", file.toString(), "cannot be read: " + e.getMessage());
        } catch (RuntimeException e) {
            throw new InvalidInputException("--template", file.toString(), "is not a YAML template: " + e.getMessage());
        }
        if (t == null || !(t.get("Resources") instanceof Map)) {
            throw new InvalidInputException("--template", file.toString(), "has no Resources");
        }
        Map<String, Object> params = map(t.get("Parameters"));
        for (String name : overrides.keySet()) {
            if (!params.containsKey(name)) {
                throw new InvalidInputException("--parameter-overrides", name, "is not a parameter of " + file
                        + "; it has " + params.keySet());
            }
        }
        return new SamTemplate(t, overrides, region, stackName).functions(file.toAbsolutePath().getParent());
    }

    private List<FunctionSpec> functions(Path dir) {
        Map<String, Object> globals = map(map(template.get("Globals")).get("Function"));
        List<FunctionSpec> out = new ArrayList<>();
        for (var e : resources.entrySet()) {
            Map<String, Object> res = map(e.getValue());
            if (!"AWS::Serverless::Function".equals(res.get("Type"))) {
                continue;
            }
            String id = e.getKey();
            Map<String, Object> props = map(resolve(merge(globals, map(res.get("Properties")))));
            String runtime = String.valueOf(props.get("Runtime"));
            if (!runtime.startsWith("java")) {
                throw new InvalidInputException("Runtime", runtime, id + " does not run on a Java managed runtime; "
                        + "serve runs JVM packages (for this template: --parameter-overrides Packaging=jvm)");
            }
            Map<String, String> env = new LinkedHashMap<>();
            map(map(props.get("Environment")).get("Variables")).forEach((k, v) -> env.put(k, String.valueOf(v)));
            Object reserved = props.get("ReservedConcurrentExecutions");
            Object alias = props.get("AutoPublishAlias");
            out.add(new FunctionSpec(id, functionName(id), dir.resolve(String.valueOf(props.get("CodeUri"))).normalize(),
                    String.valueOf(props.get("Handler")), integer(id, "MemorySize", props.getOrDefault("MemorySize", 128)),
                    integer(id, "Timeout", props.getOrDefault("Timeout", 3)), env,
                    reserved == null ? null : integer(id, "ReservedConcurrentExecutions", reserved),
                    alias == null ? null : String.valueOf(alias)));
        }
        return out;
    }

    private static int integer(String id, String property, Object value) {
        try {
            return Integer.parseInt(String.valueOf(value).trim());
        } catch (NumberFormatException e) {
            throw new InvalidInputException(id + "." + property, value, "must be a whole number");
        }
    }

    private String functionName(String logicalId) {
        Map<String, Object> props = map(map(resources.get(logicalId)).get("Properties"));
        if (props.get("FunctionName") instanceof String s) {
            return s;
        }
        String base = logicalId.endsWith("Function") && logicalId.length() > "Function".length()
                ? logicalId.substring(0, logicalId.length() - "Function".length()) : logicalId;
        return stackName + "-" + base.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
    }

    public static String arn(String region, String name) {
        return "arn:aws:lambda:" + region + ":" + ACCOUNT + ":function:" + name;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> merge(Map<String, Object> globals, Map<String, Object> own) {
        Map<String, Object> m = new LinkedHashMap<>(globals);
        own.forEach((k, v) -> {
            Object g = m.get(k);
            boolean intrinsic = v instanceof Map<?, ?> vm && vm.size() == 1 && isIntrinsic(vm.keySet().iterator().next());
            m.put(k, g instanceof Map && v instanceof Map && !intrinsic
                    ? merge((Map<String, Object>) g, (Map<String, Object>) v) : v);
        });
        return m;
    }

    private static boolean isIntrinsic(Object key) {
        return key instanceof String s && (s.equals("Ref") || s.equals("Condition") || s.startsWith("Fn::"));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        return o instanceof Map ? (Map<String, Object>) o : Map.of();
    }

    private Object resolve(Object node) {
        if (node instanceof Map<?, ?> m) {
            if (m.size() == 1 && isIntrinsic(m.keySet().iterator().next())) {
                return intrinsic((String) m.keySet().iterator().next(), m.values().iterator().next());
            }
            Map<String, Object> out = new LinkedHashMap<>();
            m.forEach((k, v) -> {
                Object r = resolve(v);
                if (r != NO_VALUE) {
                    out.put(String.valueOf(k), r);
                }
            });
            return out;
        }
        if (node instanceof List<?> l) {
            List<Object> out = new ArrayList<>();
            for (Object o : l) {
                Object r = resolve(o);
                if (r != NO_VALUE) {
                    out.add(r);
                }
            }
            return out;
        }
        return node;
    }

    private Object intrinsic(String fn, Object arg) {
        List<?> args = arg instanceof List<?> l ? l : List.of();
        return switch (fn) {
            case "Ref" -> ref(String.valueOf(arg));
            case "Condition" -> condition(String.valueOf(arg));
            case "Fn::If" -> condition(String.valueOf(args.get(0))) ? resolve(args.get(1)) : resolve(args.get(2));
            case "Fn::Equals" -> String.valueOf(resolve(args.get(0))).equals(String.valueOf(resolve(args.get(1))));
            case "Fn::And" -> args.stream().allMatch(a -> truth(resolve(a)));
            case "Fn::Or" -> args.stream().anyMatch(a -> truth(resolve(a)));
            case "Fn::Not" -> !truth(resolve(args.get(0)));
            case "Fn::Join" -> String.join(String.valueOf(args.get(0)),
                    ((List<?>) resolve(args.get(1))).stream().map(String::valueOf).toList());
            case "Fn::Split" -> List.of(String.valueOf(resolve(args.get(1))).split(java.util.regex.Pattern.quote(String.valueOf(args.get(0))), -1));
            case "Fn::Select" -> ((List<?>) resolve(args.get(1))).get(Integer.parseInt(String.valueOf(resolve(args.get(0)))));
            case "Fn::Sub" -> arg instanceof List<?> l ? sub(String.valueOf(l.get(0)), map(resolve(l.get(1))))
                    : sub(String.valueOf(arg), Map.of());
            case "Fn::GetAtt" -> getAtt(args.stream().map(String::valueOf).toList());
            default -> throw new InvalidInputException("template", fn, "serve does not resolve this intrinsic function");
        };
    }

    private static boolean truth(Object o) {
        return o instanceof Boolean b ? b : Boolean.parseBoolean(String.valueOf(o));
    }

    private boolean condition(String name) {
        Boolean known = conditions.get(name);
        if (known == null) {
            Object def = map(template.get("Conditions")).get(name);
            if (def == null) {
                throw new InvalidInputException("Conditions", name, "is not a condition of the template");
            }
            known = truth(resolve(def));
            conditions.put(name, known);
        }
        return known;
    }

    private String sub(String s, Map<String, Object> vars) {
        Matcher m = SUB.matcher(s);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(1);
            Object v = vars.containsKey(name) ? vars.get(name)
                    : name.contains(".") && !name.startsWith("AWS::") ? getAtt(List.of(name.split("\\.", 2))) : ref(name);
            m.appendReplacement(out, Matcher.quoteReplacement(String.valueOf(v)));
        }
        m.appendTail(out);
        return out.toString();
    }

    private Object ref(String name) {
        switch (name) {
            case "AWS::Region":
                return region;
            case "AWS::AccountId":
                return ACCOUNT;
            case "AWS::StackName":
                return stackName;
            case "AWS::Partition":
                return "aws";
            case "AWS::URLSuffix":
                return "amazonaws.com";
            case "AWS::NoValue":
                return NO_VALUE;
            default:
                break;
        }
        Map<String, Object> params = map(template.get("Parameters"));
        if (params.containsKey(name)) {
            if (overrides.containsKey(name)) {
                return overrides.get(name);
            }
            Object def = map(params.get(name)).get("Default");
            return def == null ? UNSET_PARAMETER : def;
        }
        // SAM's generated resources of a function with AutoPublishAlias: F.Alias and F.Version
        int dot = name.indexOf('.');
        String id = dot < 0 ? name : name.substring(0, dot);
        if (isFunction(id)) {
            String arn = arn(region, functionName(id));
            String alias = String.valueOf(map(map(template.get("Globals")).get("Function")).getOrDefault("AutoPublishAlias",
                    map(map(resources.get(id)).get("Properties")).getOrDefault("AutoPublishAlias", "live")));
            return dot < 0 ? functionName(id) : switch (name.substring(dot + 1)) {
                case "Alias" -> arn + ":" + alias;
                case "Version" -> arn + ":1";
                default -> throw new InvalidInputException("template", name, "unknown generated resource");
            };
        }
        if (resources.containsKey(name)) {
            return name;
        }
        throw new InvalidInputException("template", name, "Ref to neither a parameter nor a resource");
    }

    private Object getAtt(List<String> args) {
        if (isFunction(args.get(0)) && args.get(1).equals("Arn")) {
            return arn(region, functionName(args.get(0)));
        }
        return args.get(0) + "." + args.get(1); // other attributes are never read by a function's settings
    }

    private boolean isFunction(String id) {
        return "AWS::Serverless::Function".equals(map(resources.get(id)).get("Type"));
    }
}
