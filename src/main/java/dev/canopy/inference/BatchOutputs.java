package dev.canopy.inference;

import dev.canopy.error.CanopyException;
import dev.canopy.error.ConflictException;
import dev.canopy.error.InvalidInputException;
import dev.canopy.error.ObjectNotFoundException;
import dev.canopy.error.StorageException;
import dev.canopy.json.Json;
import dev.canopy.pool.CallState;
import dev.canopy.storage.ObjectInfo;
import dev.canopy.storage.ObjectStore;
import dev.canopy.storage.StorageUri;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Keeps a batch's output prefix holding exactly one batch's predictions, so that the prefix read as a data
 * set ({@code prefix/*.parquet}) is that batch. Before any shard is read, {@link #prepare} decides from what
 * the prefix holds:
 * <ul>
 *   <li>objects that no manifest there accounts for (see {@link ShardOutputs#written}), other than Canopy's
 *       bookkeeping: refused, overwrite or not, as Canopy never deletes what it did not write;</li>
 *   <li>the manifest of the same batch (run id when the request names one, model URI and version, shards,
 *       keepColumns, outputFormat): allowed, predict rewrites the same deterministic objects;</li>
 *   <li>the manifest of another batch: refused, unless {@code overwrite}, which first deletes the outputs that
 *       manifest accounts for (and their CSV copies) that are there; the manifest is then replaced;</li>
 *   <li>the manifest of another batch that left no outputs there (all its shards failed): replaced, as it
 *       claims nothing;</li>
 *   <li>a resumed batch's own manifest: kept, its successful outputs are part of the merged batch.</li>
 * </ul>
 * Then it writes the RUNNING manifest, which proves in one request that the prefix is allowed, its bucket
 * exists and it can be written. After the run, {@link #removeUnfinished} deletes any output of a shard that
 * did not succeed (one an earlier run of the same batch left, or a failed attempt wrote).
 */
final class BatchOutputs {
    private static final Logger LOG = Logger.getLogger(BatchOutputs.class);
    static final String RUNNING = "RUNNING";
    static final String DONE = "DONE";
    /** Foreign objects named in a refusal; the count says how many more there are. */
    private static final int NAMED = 3;

    private final ObjectStore store;
    private final BatchPlan plan;
    private final String prefix;
    /** The objects {@link #prepare} found (and did not delete) under the prefix, by name below it. */
    private final Set<String> present = new HashSet<>();

    BatchOutputs(ObjectStore store, BatchPlan plan) {
        this.store = store;
        this.plan = plan;
        this.prefix = plan.outputPrefix();
    }

    void prepare(boolean overwrite, int poolSize) {
        if (prefix == null) {
            return;
        }
        List<ObjectInfo> objects = onOutput(() -> store.list(StorageUri.join(prefix, "")));
        String manifestUri = plan.manifestUri();
        BatchPredictResult previous = plan.resumed();
        if (previous == null && objects.stream().anyMatch(o -> StorageUri.same(o.uri(), manifestUri))) {
            previous = BatchManifests.parse(store.read(manifestUri)); // null: not a manifest Canopy can read
        }
        Set<String> owned = new HashSet<>();
        if (previous != null) {
            ShardOutputs.written(prefix, previous).forEach(u -> owned.add(StorageUri.relative(prefix, u)));
        }
        List<String> foreign = new ArrayList<>();
        List<ObjectInfo> previousOutputs = new ArrayList<>();
        for (ObjectInfo o : objects) {
            String name = StorageUri.relative(prefix, o.uri());
            present.add(name);
            if (owned.contains(name)) {
                if (!name.equals(ShardOutputs.MANIFEST)) {
                    previousOutputs.add(o);
                }
            } else if (!ShardOutputs.bookkeeping(name) && !ShardOutputs.staged(name)) {
                foreign.add(o.uri());
            }
        }
        if (!foreign.isEmpty()) {
            throw new ConflictException("outputPrefix=\"" + prefix + "\" holds " + foreign.size() + " object(s) that "
                    + (previous == null ? "no Canopy manifest there accounts for" : "its manifest does not list") + ": "
                    + String.join(", ", foreign.subList(0, Math.min(NAMED, foreign.size())))
                    + (foreign.size() > NAMED ? " and " + (foreign.size() - NAMED) + " more" : "")
                    + "; predictions go to a prefix that holds only Canopy's outputs, and Canopy never deletes what "
                    + "it did not write: choose another outputPrefix, or move those objects away");
        }
        if (plan.resumed() == null && previous != null) {
            List<String> differences = differences(previous);
            if (!differences.isEmpty() && previousOutputs.isEmpty()) {
                // a batch that left no outputs (every shard failed, or it stopped before the first) claims
                // nothing: its manifest is replaced, as there is nothing of it to mix with
                LOG.infof("replacing the manifest of batch %s under %s, which left no outputs (%s)", previous.runId(),
                        prefix, String.join("; ", differences));
            } else if (!differences.isEmpty()) {
                if (!overwrite) {
                    throw new ConflictException("outputPrefix=\"" + prefix + "\" holds the outputs of another batch ("
                            + String.join("; ", differences) + "); predict into another outputPrefix, or overwrite "
                            + "(--overwrite, overwrite: true) to delete its " + previousOutputs.size()
                            + " output(s) first");
                }
                for (ObjectInfo o : previousOutputs) {
                    store.delete(o.uri());
                    present.remove(StorageUri.relative(prefix, o.uri()));
                }
                LOG.infof("overwrite: deleted the %d outputs of batch %s under %s (%s)", previousOutputs.size(),
                        previous.runId(), prefix, String.join("; ", differences));
            }
        }
        BatchPredictResult running = plan.running(poolSize);
        onOutput(() -> {
            store.write(manifestUri, Json.write(running), "application/json");
            return null;
        });
    }

    /** How the batch whose manifest is {@code previous} differs from this one; empty: the same batch. */
    private List<String> differences(BatchPredictResult previous) {
        List<String> out = new ArrayList<>();
        // The run id is not compared: the outputs are a function of the model, the shards and the output
        // options alone, so the same batch under another run id (the command line names every run) rewrites
        // the same objects with the same rows, and its manifest then names the new run.
        if (previous.modelUri() == null || !StorageUri.same(previous.modelUri(), plan.modelUri())) {
            out.add("modelUri: " + previous.modelUri() + " → " + plan.modelUri());
        } else if (!Objects.equals(previous.modelVersion(), plan.modelVersion())) {
            out.add("model version: " + (previous.modelVersion() == null ? "(not recorded)" : previous.modelVersion())
                    + " → " + plan.modelVersion());
        }
        List<String> before = BatchManifests.shards(previous);
        if (!sameUris(before, plan.shards())) {
            out.add("shards: " + before.size() + " → " + plan.shards().size() + " ("
                    + plan.shards().stream().filter(s -> before.stream().noneMatch(b -> StorageUri.same(b, s))).count()
                    + " not in the previous batch)");
        }
        if (!keepColumns(previous.keepColumns()).equals(keepColumns(plan.keepColumns()))) {
            out.add("keepColumns: " + keepColumns(previous.keepColumns()) + " → " + keepColumns(plan.keepColumns()));
        }
        if (!outputFormat(previous.outputFormat()).equals(outputFormat(plan.outputFormat()))) {
            out.add("outputFormat: " + outputFormat(previous.outputFormat()) + " → " + outputFormat(plan.outputFormat()));
        }
        return out;
    }

    static boolean sameUris(List<String> a, List<String> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            if (!StorageUri.same(a.get(i), b.get(i))) {
                return false;
            }
        }
        return true;
    }

    static List<String> keepColumns(List<String> given) {
        return given == null ? List.of() : given;
    }

    static String outputFormat(String given) {
        return given == null || given.isBlank() ? "parquet" : given.trim().toLowerCase(Locale.ROOT);
    }

    /**
     * Deletes the outputs of this run's shards that did not succeed, so that the prefix holds exactly the
     * outputs its manifest lists as SUCCEEDED. Their names are Canopy's (derived from the shard), and
     * {@link #prepare} made sure nothing foreign was there. Only a shard that was attempted, or whose output
     * an earlier run left, can have one: a batch cut short by its time budget sends no delete for the
     * shards it never started.
     */
    void removeUnfinished(List<ShardResult> rows) {
        if (prefix == null) {
            return;
        }
        for (ShardResult r : rows) {
            String parquet = ShardOutputs.outputUri(prefix, r.shard());
            if (r.state() != CallState.SUCCEEDED && r.runId() == null && (r.attempts() > 0
                    || present.contains(StorageUri.relative(prefix, parquet))
                    || present.contains(StorageUri.relative(prefix, ShardOutputs.csvCopyUri(parquet))))) {
                try {
                    store.delete(parquet);
                    store.delete(ShardOutputs.csvCopyUri(parquet));
                } catch (CanopyException e) {
                    LOG.warnf("could not delete %s, the output of a shard that did not succeed: %s", parquet, e.getMessage());
                }
            }
        }
    }

    /**
     * Empties the staging folder ({@link ShardOutputs#STAGING_FOLDER}): what this run's committed attempts left,
     * the attempts it did not accept, and late writes of calls an earlier batch on this prefix abandoned. A call
     * abandoned by this run may still write there afterwards; it lands in a folder that dataset readers skip and
     * that the next batch on the prefix empties.
     */
    void removeStaged() {
        if (prefix == null) {
            return;
        }
        String staging = StorageUri.join(prefix, ShardOutputs.STAGING_FOLDER + "/");
        try {
            for (ObjectInfo o : store.list(staging)) {
                store.delete(o.uri());
            }
        } catch (CanopyException e) {
            LOG.warnf("could not empty %s, where the predictors wrote before their outputs were committed: %s", staging,
                    e.getMessage());
        }
    }

    /**
     * Runs a call on the output prefix, naming {@code outputPrefix} in what goes wrong: a location outside
     * the allowed ones, a missing bucket (the one thing a listing or a write can find missing), a write the
     * store refuses.
     */
    private <T> T onOutput(Supplier<T> call) {
        try {
            return call.get();
        } catch (InvalidInputException | ObjectNotFoundException e) {
            throw new InvalidInputException("outputPrefix", prefix, e.getMessage());
        } catch (StorageException e) {
            if (e.retryable()) {
                throw e.with("field", "outputPrefix");
            }
            throw new InvalidInputException("outputPrefix", prefix, "cannot be written: " + e.getMessage());
        }
    }
}
