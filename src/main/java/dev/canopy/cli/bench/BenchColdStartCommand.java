package dev.canopy.cli.bench;

import dev.canopy.cli.shared.Options;
import dev.canopy.json.Json;
import io.quarkus.arc.Unremovable;
import jakarta.enterprise.context.Dependent;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** JVM cold start through the Lambda Runtime API: see {@link ColdStartBench}. */
@Command(name = "cold-start", description = {
        "Time a fresh JVM's first response from the deployment package, as Lambda starts it.",
        "target/function.zip is unpacked as Lambda unpacks it and run by AWS's runtime interface client against a",
        "local Lambda Runtime API. A function that answers with an error (supervise: without a model) fails the bench."})
@Dependent
@Unremovable
public class BenchColdStartCommand implements Callable<Integer> {
    @Option(names = "--function", paramLabel = "<name>", defaultValue = "predict",
            description = "predict, train, supervise, status or batch-predict (default: ${DEFAULT-VALUE}).")
    String function;

    @Option(names = "--event", paramLabel = "<json file>",
            description = "The request (default for predict: score a generated 1,000-row shard with a rule).")
    Path event;

    @Option(names = "--repeat", paramLabel = "<n>", defaultValue = "5", description = "Measured runs (default: ${DEFAULT-VALUE}).")
    long repeat;

    @Option(names = "--warmup", paramLabel = "<n>", defaultValue = "1", description = "Unmeasured runs first (default: ${DEFAULT-VALUE}).")
    long warmup;

    @Option(names = "--target", paramLabel = "<dir>", defaultValue = "target",
            description = "The build's directory, with function.zip and bench-lib (default: ${DEFAULT-VALUE}).")
    Path target;

    @Option(names = "--layout", paramLabel = "zip|classpath", defaultValue = "zip",
            description = "zip: as Lambda's managed runtime loads a zip package; classpath: the jars on the JVM's class path (default: ${DEFAULT-VALUE}).")
    ColdStartBench.Layout layout;

    @Option(names = "--memory", paramLabel = "<MB>", description = "The function's memory (default: the template's for it).")
    Integer memory;

    @Option(names = "--cpus", paramLabel = "<n>", description = "Run the JVM on this many CPUs (default: all).")
    Integer cpus;

    @Option(names = "--jvm-flag", paramLabel = "<flag>", description = "An extra JVM flag; repeat for more.")
    List<String> jvmFlags = List.of();

    @Option(names = "--aot-cache", paramLabel = "<file>",
            description = "A JDK AOT cache of the function (needs --layout classpath); written by a training run if absent.")
    Path aotCache;

    @Option(names = "--runtime-aot-cache", paramLabel = "<file>",
            description = "An AOT cache of the runtime client alone, as Lambda's java25 runtime ships (zip layout).")
    Path runtimeAotCache;

    @Mixin
    Options.Json json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Map<String, Object> report = ColdStartBench.bench(new ColdStartBench.Settings(function, event, repeat, warmup,
                target, layout, memory, cpus, aotCache, runtimeAotCache, jvmFlags), spec.commandLine().getErr());
        PrintWriter out = spec.commandLine().getOut();
        if (json.json) {
            out.println(Json.writeString(report));
        } else {
            out.printf(Locale.ROOT, "bench cold-start: %s (%s layout, %s MB, %s CPUs), median %s ms from process "
                            + "start to the first response (%s)%n", function, report.get("layout"), report.get("memoryMb"),
                    report.get("cpus"), report.get("medianMillis"), report.get("runs"));
        }
        return 0;
    }
}
