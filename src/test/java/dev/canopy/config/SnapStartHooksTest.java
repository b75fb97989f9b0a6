package dev.canopy.config;

import dev.canopy.inference.ModelCache;
import dev.canopy.inference.PredictRequest;
import dev.canopy.inference.PredictResult;
import dev.canopy.inference.PredictService;
import dev.canopy.sample.TaxiShards;
import dev.canopy.storage.local.LocalObjectStore;
import org.crac.Resource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * After a SnapStart restore the predictor must report an id of its own (environments restored from one
 * snapshot would otherwise share it), while keeping the model it had warmed before the snapshot.
 */
class SnapStartHooksTest {
    @TempDir
    Path dir;

    @Test
    void aRestoredSnapshotGetsItsOwnInstanceIdAndKeepsItsWarmModel() throws Exception {
        TaxiShards.write(dir, new int[]{100}, 1);
        String shard = dir.resolve(String.format(TaxiShards.NAME, 0)).toString();
        String rule = "rule:passenger_count>=2";
        PredictService predictor = new PredictService(new LocalObjectStore(), new ModelCache(1 << 20), "before-snapshot");
        SnapStartHooks hooks = SnapStartHooks.renewAfterRestore(predictor);
        assertTrue(predictor.predict(new PredictRequest(rule, shard, null)).modelLoaded());

        hooks.beforeCheckpoint(null);
        hooks.afterRestore(null);
        PredictResult restored = predictor.predict(new PredictRequest(rule, shard, null));
        assertNotEquals("before-snapshot", restored.instanceId());
        assertFalse(restored.modelLoaded(), "the model warmed before the snapshot is still cached");

        hooks.afterRestore(null);
        assertNotEquals(restored.instanceId(), predictor.instanceId(), "every restore gets its own id");
    }

    /** Set by {@link PreloadProbe}'s static initialiser; reading it does not initialise the probe. */
    static final AtomicBoolean PROBE_INITIALISED = new AtomicBoolean();

    /** Listed in src/test/resources/META-INF/quarkus-preload-classes.txt, one of the lists Quarkus preloads. */
    static final class PreloadProbe {
        static {
            PROBE_INITIALISED.set(true);
        }
    }

    @Test
    void theListedClassesAreInitialisedBeforeTheSnapshotAndNotWhenTheHookIsRegistered() throws Exception {
        Resource hook = SnapStartHooks.preloadClassesBeforeSnapshot();
        assertSame(hook, SnapStartHooks.preloadClassesBeforeSnapshot(), "registered once per process");
        assertFalse(PROBE_INITIALISED.get(), "registering the hook (Lambda's init phase) preloads nothing");

        hook.beforeCheckpoint(null);
        assertTrue(PROBE_INITIALISED.get(), "the snapshot holds the listed classes, initialised");
    }
}
