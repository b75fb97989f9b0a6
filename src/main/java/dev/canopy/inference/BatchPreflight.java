package dev.canopy.inference;

import dev.canopy.data.KeptColumns;
import dev.canopy.data.ObjectStoreInputFile;
import dev.canopy.error.CanopyException;
import dev.canopy.error.InvalidInputException;
import dev.canopy.model.Model;
import dev.canopy.storage.ObjectStore;

import java.util.List;

/**
 * What every shard of a batch would fail on, found once before the first shard is sent: a model that does
 * not load (not a model, no metadata beside it), kept columns the shards do not have, and kept columns named
 * as a column of the predictions (a classifier's {@code p_<label>}). Sent to every
 * predictor, each would be an invocation billed and a FAILED row; found here, it is one error and no call.
 */
final class BatchPreflight {
    private BatchPreflight() {
    }

    /**
     * @param firstShard the first shard the batch runs, whose footer stands for the others' schema (a shard
     *                   that differs still fails alone, when it runs)
     */
    static void check(ObjectStore store, String modelUri, String modelVersion, String firstShard, List<String> keepColumns,
                      boolean csv) {
        Model model;
        try {
            model = ModelLoader.load(store, modelUri, modelVersion);
        } catch (InvalidInputException e) {
            throw e;
        } catch (CanopyException e) {
            if (e.retryable()) {
                throw e; // a store that did not answer: not the model's fault
            }
            throw new InvalidInputException("modelUri", modelUri, "is not a model Canopy can load: " + e.getMessage());
        } catch (RuntimeException e) {
            throw new InvalidInputException("modelUri", modelUri, "is not a model Canopy can load: "
                    + e.getClass().getSimpleName() + ": " + e.getMessage());
        }
        if (keepColumns.isEmpty()) {
            return;
        }
        OutputOptions.checkClashes(keepColumns, ShardScores.columnNames(model.classes()));
        try {
            store.head(firstShard); // one HEAD per batch, so a missing first shard is that shard's failure, not the batch's
        } catch (CanopyException missing) {
            return; // that shard fails when it runs, and says why there
        }
        KeptColumns.of(keepColumns, csv).check(firstShard, new ObjectStoreInputFile(store, firstShard));
    }
}
