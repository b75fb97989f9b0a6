package dev.canopy.inference;

import dev.canopy.storage.StorageUri;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Where a shard's predictions go under an output prefix. The one naming rule shared by {@code batch-predict}
 * (which passes each predictor the derived {@code outputUri}) and the Distributed Map workflow (which passes
 * {@code outputPrefix} and lets the predictor derive it), so both write the same objects for the same shards.
 */
public final class ShardOutputs {
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
     * The CSV copy of a shard's predictions ({@code outputFormat} csv), beside its Parquet file: derived from
     * the Parquet file's name, so whatever lists the Parquet outputs (a manifest) also finds the copies.
     */
    public static String csvCopyUri(String parquetOutputUri) {
        String suffix = ".parquet";
        if (!parquetOutputUri.endsWith(suffix)) {
            throw new IllegalArgumentException("not a predictions file: " + parquetOutputUri);
        }
        return parquetOutputUri.substring(0, parquetOutputUri.length() - suffix.length()) + ".csv";
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
