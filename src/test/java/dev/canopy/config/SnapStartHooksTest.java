package dev.canopy.config;

import dev.canopy.inference.ModelCache;
import dev.canopy.inference.PredictRequest;
import dev.canopy.inference.PredictResult;
import dev.canopy.inference.PredictService;
import dev.canopy.sample.TaxiShards;
import dev.canopy.storage.local.LocalObjectStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
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
}
