package dev.canopy.inference;

import dev.canopy.error.ConflictException;
import dev.canopy.error.InvalidInputException;
import dev.canopy.error.ObjectNotFoundException;
import dev.canopy.json.Json;
import dev.canopy.storage.ObjectStore;
import dev.canopy.storage.StorageUri;

import java.io.IOException;
import java.util.Comparator;
import java.util.List;

/**
 * Reading a batch's manifest, and resuming from one ({@code resumeFrom}): the resumed batch runs with the
 * manifest's model, shards and outputs. A request may omit those fields (they are taken from the manifest)
 * but may not contradict them.
 */
final class BatchManifests {
    private BatchManifests() {
    }

    /** The manifest in {@code json}, or null when it is not one (not JSON, other fields, no shard rows). */
    static BatchPredictResult parse(byte[] json) {
        BatchPredictResult m;
        try {
            m = Json.MAPPER.readValue(json, BatchPredictResult.class);
        } catch (IOException | RuntimeException e) {
            return null;
        }
        if (m == null || m.modelUri() == null || m.shards() == null || m.shards().isEmpty()) {
            return null;
        }
        List<ShardResult> rows = m.shards().stream().sorted(Comparator.comparingInt(ShardResult::index)).toList();
        for (int i = 0; i < rows.size(); i++) {
            if (rows.get(i).index() != i || rows.get(i).shard() == null || rows.get(i).state() == null) {
                return null; // not every shard exactly once: not a complete manifest
            }
        }
        return new BatchPredictResult(m.runId(), m.modelUri(), m.poolSize(), rows, m.rows(), m.scoreSum(), m.succeeded(),
                m.failed(), m.modelLoads(), m.instances(), m.wallMillis(), m.toleranceExceeded(), m.manifestUri(),
                m.resultUri(), m.cost(), m.resumedFrom(), m.modelVersion(), m.shardPrefix(), m.outputPrefix(),
                m.keepColumns(), m.outputFormat(), m.state());
    }

    /** The manifest's shards in index order. */
    static List<String> shards(BatchPredictResult manifest) {
        return manifest.shards().stream().sorted(Comparator.comparingInt(ShardResult::index)).map(ShardResult::shard).toList();
    }

    /**
     * Loads the manifest {@code req.resumeFrom()} names, refusing a request that contradicts it; a RUNNING one
     * (its batch was killed) with the shards it finished, from their outputs ({@link BatchRecovery}).
     */
    static BatchPredictResult load(ObjectStore store, BatchPredictRequest req) {
        String uri = req.resumeFrom();
        if (Boolean.TRUE.equals(req.overwrite())) {
            throw new InvalidInputException("overwrite", true, "cannot be combined with resumeFrom: a resume keeps "
                    + "the outputs of the shards that succeeded and runs only the others");
        }
        byte[] bytes;
        try {
            bytes = store.read(uri);
        } catch (ObjectNotFoundException e) {
            throw new InvalidInputException("resumeFrom", uri, "no manifest there; give the _manifest.json that a "
                    + "batch with an outputPrefix wrote");
        } catch (InvalidInputException e) {
            throw new InvalidInputException("resumeFrom", uri, e.getMessage());
        }
        BatchPredictResult m = parse(bytes);
        if (m == null) {
            throw new InvalidInputException("resumeFrom", uri, "not a batch manifest (expected the _manifest.json of "
                    + "a batch-predict run, with one row per shard)");
        }
        String prefix = m.outputPrefix() != null ? m.outputPrefix() : m.manifestUri() != null
                && m.manifestUri().endsWith("/" + ShardOutputs.MANIFEST)
                ? m.manifestUri().substring(0, m.manifestUri().length() - ShardOutputs.MANIFEST.length() - 1) : null;
        if (prefix == null || !StorageUri.same(StorageUri.join(prefix, ShardOutputs.MANIFEST), uri)) {
            throw new InvalidInputException("resumeFrom", uri, prefix == null
                    ? "the manifest names no outputPrefix" : "is not the manifest in its outputPrefix (" + prefix
                    + "); resume from " + StorageUri.join(prefix, ShardOutputs.MANIFEST) + ", which is the one its "
                    + "outputs match");
        }
        if (req.modelUri() != null && !req.modelUri().isBlank() && !StorageUri.same(req.modelUri(), m.modelUri())) {
            throw contradiction("modelUri", req.modelUri(), "the manifest's model " + m.modelUri(), uri);
        }
        if (req.shards() != null && !req.shards().isEmpty() && !BatchOutputs.sameUris(req.shards(), shards(m))) {
            throw contradiction("shards", req.shards(), "the manifest's " + m.shards().size() + " shards", uri);
        }
        if (req.shardPrefix() != null && !req.shardPrefix().isBlank()
                && (m.shardPrefix() == null || !StorageUri.same(req.shardPrefix(), m.shardPrefix()))) {
            throw contradiction("shardPrefix", req.shardPrefix(), m.shardPrefix() == null
                    ? "the manifest's list of shards" : "the manifest's shardPrefix " + m.shardPrefix(), uri);
        }
        if (req.outputPrefix() != null && !req.outputPrefix().isBlank() && !StorageUri.same(
                StorageUri.join(req.outputPrefix(), ""), StorageUri.join(prefix, ""))) {
            throw contradiction("outputPrefix", req.outputPrefix(), "the manifest's outputPrefix " + prefix, uri);
        }
        if (req.keepColumns() != null && !req.keepColumns().equals(BatchOutputs.keepColumns(m.keepColumns()))) {
            throw contradiction("keepColumns", req.keepColumns(), "the manifest's " + BatchOutputs.keepColumns(m.keepColumns()), uri);
        }
        if (req.outputFormat() != null && !BatchOutputs.outputFormat(req.outputFormat())
                .equals(BatchOutputs.outputFormat(m.outputFormat()))) {
            throw contradiction("outputFormat", req.outputFormat(), "the manifest's "
                    + BatchOutputs.outputFormat(m.outputFormat()), uri);
        }
        // a batch killed before its final manifest: what it finished is read back from its outputs
        return BatchRecovery.recover(store, with(m, prefix));
    }

    private static BatchPredictResult with(BatchPredictResult m, String prefix) {
        return new BatchPredictResult(m.runId(), m.modelUri(), m.poolSize(), m.shards(), m.rows(), m.scoreSum(),
                m.succeeded(), m.failed(), m.modelLoads(), m.instances(), m.wallMillis(), m.toleranceExceeded(),
                m.manifestUri(), m.resultUri(), m.cost(), m.resumedFrom(), m.modelVersion(), m.shardPrefix(), prefix,
                m.keepColumns(), m.outputFormat(), m.state());
    }

    private static InvalidInputException contradiction(String field, Object value, String what, String manifest) {
        return new InvalidInputException(field, value, "contradicts " + what + " in resumeFrom=" + manifest
                + "; a resume runs the same batch: omit " + field + " to take it from the manifest");
    }

    /** {@code req} completed from the manifest: the same model, shards and outputs. */
    static BatchPredictRequest continued(BatchPredictRequest req, BatchPredictResult m) {
        return new BatchPredictRequest(req.runId(), m.modelUri(), shards(m), null, req.poolSize(), m.outputPrefix(),
                req.ordered(), req.maxAttempts(), req.shardTimeoutSeconds(), req.toleratedFailurePercentage(),
                req.summaryOnly(), m.keepColumns(), m.outputFormat(), null, req.resumeFrom());
    }

    /** Refuses to resume with a model whose object changed since the manifest's run: the outputs would mix two models. */
    static void checkModel(BatchPredictRequest req, BatchPredictResult m, String versionNow) {
        if (m.modelVersion() == null) {
            throw new InvalidInputException("resumeFrom", req.resumeFrom(), "the manifest records no model version "
                    + "(written before Canopy could resume), so the model cannot be checked: predict afresh");
        }
        if (!m.modelVersion().equals(versionNow)) {
            throw new ConflictException("modelUri=\"" + m.modelUri() + "\" changed since the batch in resumeFrom="
                    + req.resumeFrom() + " ran (version " + m.modelVersion() + ", now " + versionNow + "); resuming "
                    + "would mix two models' predictions: predict afresh, with overwrite");
        }
    }
}
