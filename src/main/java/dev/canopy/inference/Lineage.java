package dev.canopy.inference;

import dev.canopy.model.Model;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * Where a predictions file came from, written in its Parquet key-value metadata: the model, the run, the
 * algorithm, the Canopy version and the shard. A reader (pyarrow's {@code schema.metadata}, parquet-java's
 * footer) can tell which model scored a file without the manifest.
 */
public final class Lineage {
    public static final String MODEL_URI = "canopy.model_uri";
    public static final String RUN_ID = "canopy.run_id";
    public static final String ALGORITHM = "canopy.algorithm";
    public static final String VERSION = "canopy.version";
    public static final String SHARD = "canopy.shard";
    /** The format and library version of a model trained elsewhere, e.g. {@code xgboost-json 1.7.4}. */
    public static final String MODEL_FORMAT = "canopy.model_format";

    private static volatile String version;

    private Lineage() {
    }

    /**
     * Canopy's version, from the resource the build writes from the pom: the same in the command line's
     * {@code --version} and in the function's files.
     */
    public static String canopyVersion() {
        String v = version;
        if (v == null) {
            Properties p = new Properties();
            try (InputStream in = Lineage.class.getResourceAsStream("/dev/canopy/version.properties")) {
                if (in == null) {
                    throw new IllegalStateException("dev/canopy/version.properties is missing from the build");
                }
                p.load(in);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            version = v = p.getProperty("version");
        }
        return v;
    }

    /** The metadata of one shard's predictions; a key whose value is unknown (no run id) is left out. */
    static Map<String, String> of(PredictRequest req, Model model) {
        Map<String, String> kv = new LinkedHashMap<>();
        kv.put(MODEL_URI, req.modelUri());
        if (req.runId() != null && !req.runId().isBlank()) {
            kv.put(RUN_ID, req.runId());
        }
        if (model.algorithm() != null) {
            kv.put(ALGORITHM, model.algorithm());
        }
        if (model.format() != null) {
            kv.put(MODEL_FORMAT, model.format());
        }
        kv.put(VERSION, canopyVersion());
        kv.put(SHARD, req.shard());
        return kv;
    }
}
