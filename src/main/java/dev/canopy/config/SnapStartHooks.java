package dev.canopy.config;

import dev.canopy.inference.PredictService;
import io.quarkus.runtime.PreloadClassesRecorder;
import org.crac.Context;
import org.crac.Core;
import org.crac.Resource;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Lambda SnapStart (the template's {@code SnapStart=Enabled}, JVM packaging) snapshots an initialised execution
 * environment and restores any number of environments from it. Lambda's Java runtimes run {@code org.crac}
 * hooks around the snapshot; without SnapStart the hooks never run. Two hooks:
 * <ul>
 *   <li>{@link #preloadClassesBeforeSnapshot()}: the classes Quarkus lists for SnapStart are loaded and
 *       initialised just before the snapshot, so that restored environments find them ready. Quarkus would load
 *       them in its static init, at every on-demand cold start as well; {@code application.properties} turns
 *       that off ({@code quarkus.snapstart.preload-classes=false}, measured in docs/performance.md).</li>
 *   <li>{@link #renewAfterRestore(PredictService)}: anything meant to be unique per instance is renewed after
 *       each restore; here, the predictor's instance id.</li>
 * </ul>
 */
public final class SnapStartHooks implements Resource {
    // CRaC contexts may hold their resources weakly: keep them reachable for the life of the process.
    private static final List<Resource> REGISTERED = new CopyOnWriteArrayList<>();
    private static final Resource PRELOAD = new Resource() {
        @Override
        public void beforeCheckpoint(Context<? extends Resource> context) {
            // reads META-INF/quarkus-generated-preload-classes.txt (the build writes it whenever SnapStart support
            // is on, preloading or not; FunctionZipIT checks the package holds it) and every
            // META-INF/quarkus-preload-classes.txt; a class that fails to load is skipped, as Quarkus does
            PreloadClassesRecorder.preloadClasses(true);
        }

        @Override
        public void afterRestore(Context<? extends Resource> context) {
        }
    };

    private final PredictService predictor;

    private SnapStartHooks(PredictService predictor) {
        this.predictor = predictor;
    }

    /**
     * Registers the preloading of the listed application classes before a snapshot, once per process however
     * often it is called; returns the hook. Call it during Lambda's init phase (the handler's constructor):
     * SnapStart snapshots when init ends, and a hook registered later never runs.
     */
    public static Resource preloadClassesBeforeSnapshot() {
        synchronized (REGISTERED) {
            if (!REGISTERED.contains(PRELOAD)) {
                REGISTERED.add(PRELOAD);
                Core.getGlobalContext().register(PRELOAD);
            }
        }
        return PRELOAD;
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
