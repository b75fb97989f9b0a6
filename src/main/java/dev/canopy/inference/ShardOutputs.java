package dev.canopy.inference;

import dev.canopy.storage.StorageUri;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Where a shard's predictions go under an output prefix. The one naming rule shared by {@code batch-predict}
 * (which passes each predictor the derived {@code outputUri}) and the Distributed Map workflow (which passes
 * {@code outputPrefix} and lets the predictor derive it), so both write the same objects for the same shards.
 */
public final class ShardOutputs {
    /** The content types of a shard's predictions and of their CSV copy. */
    public static final String PARQUET_CONTENT_TYPE = "application/vnd.apache.parquet";
    public static final String CSV_CONTENT_TYPE = "text/csv";

    /** The batch's manifest beside the predictions. */
    public static final String MANIFEST = "_manifest.json";

    private ShardOutputs() {
    }

    /**
     * Deterministic in the shard's full URI: a retried or repeated run overwrites its own earlier output and
     * never adds a second copy, and two shards with the same file name in different folders do not collide
     * (the hash covers the whole URI).
     */
    public static String outputUri(String prefix, String shard) {
        if (prefix == null) {
            return null;
        }
        String name = shard.substring(shard.lastIndexOf('/') + 1);
        if (name.endsWith(".parquet")) {
            name = name.substring(0, name.length() - ".parquet".length());
        }
        return StorageUri.join(prefix, name + "-" + shortHash(shard) + ".predictions.parquet");
    }

    /**
     * The folder, under an output prefix, where {@code batch-predict}'s predictors write; the batch then moves
     * each accepted attempt to its final name ({@link #stagedUri}). A name starting with '_', so the prefix
     * still reads as one Parquet dataset, and Canopy's: {@code batch-predict} empties it when it finishes.
     */
    public static final String STAGING_FOLDER = "_attempts";

    /**
     * Where attempt {@code attempt} of batch {@code runId} writes a shard's predictions:
     * {@code {prefix}/_attempts/{runId}/{attempt}/{final name}}. A call the batch abandoned (its client timed out,
     * the Lambda ran on) can only ever write here, never under the final name, which only the batch writes, and
     * only for the attempt whose answer it accepted. So a late write cannot replace a committed output, revive
     * one that {@code removeUnfinished} deleted, or mix an old batch into a new one.
     */
    public static String stagedUri(String prefix, String runId, int attempt, String shard) {
        String output = outputUri(prefix, shard);
        String name = output.substring(output.lastIndexOf('/') + 1);
        return StorageUri.join(prefix, STAGING_FOLDER + "/" + runId + "/" + attempt + "/" + name);
    }

    /** Whether {@code name}, relative to an output prefix, lies in the staging folder. */
    public static boolean staged(String name) {
        return name != null && name.startsWith(STAGING_FOLDER + "/");
    }

    /** The folder, under an output prefix, of the predictions' CSV copies. */
    public static final String CSV_FOLDER = "_csv";

    /**
     * The CSV copy of a shard's predictions ({@code outputFormat} csv): {@code {prefix}/_csv/{name}.predictions.csv}
     * beside the Parquet file {@code {prefix}/{name}.predictions.parquet}. Derived from the Parquet file's name, so
     * whatever lists the Parquet outputs (a manifest) also finds the copies; in a folder whose name starts with
     * '_', so the prefix still reads as one Parquet dataset (pyarrow, Spark and Hive skip such folders, and
     * {@code prefix/*.parquet} does not reach into it).
     */
    public static String csvCopyUri(String parquetOutputUri) {
        String suffix = ".parquet";
        if (!parquetOutputUri.endsWith(suffix)) {
            throw new IllegalArgumentException("not a predictions file: " + parquetOutputUri);
        }
        int slash = parquetOutputUri.lastIndexOf('/');
        String name = parquetOutputUri.substring(slash + 1, parquetOutputUri.length() - suffix.length()) + ".csv";
        return slash < 0 ? CSV_FOLDER + "/" + name
                : parquetOutputUri.substring(0, slash + 1) + CSV_FOLDER + "/" + name;
    }

    /**
     * Every object a batch with this manifest may have written under {@code prefix}: each shard's predictions
     * (derived from the shard, so a batch that stopped before writing its final rows still accounts for what
     * it wrote), their CSV copies, and the manifest. Anything else under the prefix is not the batch's.
     */
    public static Set<String> written(String prefix, BatchPredictResult manifest) {
        Set<String> out = new LinkedHashSet<>();
        for (ShardResult r : manifest.shards() == null ? List.<ShardResult>of() : manifest.shards()) {
            if (r.shard() != null) {
                String parquet = outputUri(prefix, r.shard());
                out.add(parquet);
                out.add(csvCopyUri(parquet));
            }
            if (r.outputUri() != null && r.outputUri().endsWith(".parquet")) {
                out.add(r.outputUri());
                out.add(csvCopyUri(r.outputUri()));
            }
        }
        out.add(StorageUri.join(prefix, MANIFEST));
        return out;
    }

    /**
     * Canopy's bookkeeping beside the outputs ({@code _result-<runId>.json}, progress records): a {@code .json}
     * directly under the prefix whose name starts with '_'. Dataset readers skip such names (pyarrow ignores
     * '_' and '.' prefixes; {@code prefix/*.parquet} does not match them), and Canopy never deletes them. The
     * manifest is not bookkeeping: it is the batch's, and read to decide what the prefix holds.
     */
    public static boolean bookkeeping(String name) {
        return name != null && name.startsWith("_") && name.endsWith(".json") && !name.contains("/")
                && !name.equals(MANIFEST);
    }

    private static String shortHash(String s) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
