package dev.canopy.cli;

import dev.canopy.inference.BatchPredictResult;
import dev.canopy.invoke.FunctionInvoker;
import dev.canopy.json.Json;
import io.quarkus.arc.Unremovable;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

@Command(name = "predict", description = {"Score Parquet shards with a model through a pool of predictors (batch-predict).",
        "Give --shards or --shard. Exits 1 when more shards failed than --tolerated-failure-percentage allows.",
        "--out must hold nothing but an earlier run of the same batch (--overwrite replaces another batch's outputs);",
        "--resume <out>/_manifest.json runs only the shards that did not succeed.",
        "To time batches, see bench predict."})
@Dependent
@Unremovable
public class PredictCommand implements Callable<Integer> {
    @Mixin
    Options.Batch batch;

    @Mixin
    Options.Overwrite overwrite;

    @Mixin
    Options.Resume resume;

    @Mixin
    Options.Json json;

    @Spec
    CommandSpec spec;

    @Inject
    FunctionInvoker invoker;

    @Override
    public Integer call() {
        if (batch.model() == null && !resume.given()) {
            // a usage error like any missing option (exit 2): only a resumed batch takes its model from the manifest
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "Missing required option: '--model=<uri|rule:EXPR>' (or --resume <manifest uri>)");
        }
        BatchPredictResult r = invoker.invoke("batch-predict", resume.apply(overwrite.apply(batch.request())),
                BatchPredictResult.class);
        spec.commandLine().getOut().print(json.json ? Json.writeString(r) + System.lineSeparator() : Tables.batch(r));
        return toleranceExceeded(r, spec.commandLine().getErr());
    }

    static int toleranceExceeded(BatchPredictResult r, java.io.PrintWriter err) {
        if (!r.toleranceExceeded()) {
            return 0;
        }
        err.println("canopy: " + r.failed() + " of " + (r.succeeded() + r.failed())
                + " shards did not succeed, more than the tolerated percentage");
        return CanopyCommand.FAILED;
    }
}
