package dev.canopy.config;

import dev.canopy.inference.PredictService;
import org.crac.Context;
import org.crac.Core;
import org.crac.Resource;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Lambda SnapStart (the template's {@code SnapStart=On}, JVM packaging) snapshots an initialised execution
 * environment and restores any number of environments from it. Anything meant to be unique per instance has
 * to be renewed after each restore: here, the predictor's instance id. Lambda's Java runtimes run
 * {@code org.crac} hooks around the snapshot; without SnapStart the hooks never run.
 */
final class SnapStartHooks implements Resource {
    // CRaC contexts may hold their resources weakly: keep them reachable for the life of the process.
    private static final List<SnapStartHooks> REGISTERED = new CopyOnWriteArrayList<>();

    private final PredictService predictor;

    private SnapStartHooks(PredictService predictor) {
        this.predictor = predictor;
    }

    /** Registers {@code predictor} for a new instance id after every restore; returns the hook. */
    static SnapStartHooks renewAfterRestore(PredictService predictor) {
        SnapStartHooks hooks = new SnapStartHooks(predictor);
        REGISTERED.add(hooks);
        Core.getGlobalContext().register(hooks);
        return hooks;
    }

    @Override
    public void beforeCheckpoint(Context<? extends Resource> context) {
        // nothing to close: the model cache and the S3 client's pool are worth keeping in the snapshot
    }

    @Override
    public void afterRestore(Context<? extends Resource> context) {
        predictor.renewInstanceId(UUID.randomUUID().toString());
    }
}
