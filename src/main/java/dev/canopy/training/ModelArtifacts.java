package dev.canopy.training;

import dev.canopy.json.Json;
import dev.canopy.model.ModelCodec;
import dev.canopy.model.TreeCodec;
import dev.canopy.model.TreeEnsemble;
import dev.canopy.storage.ObjectStore;

import java.util.regex.Pattern;

/**
 * A run's model files, under {@code {out}/{runId}/models/}: the one place that knows their names and writes
 * them.
 * <pre>
 * {algorithm}.model          the Smile model (random_forest, decision_tree)
 * {algorithm}.xgboost.json   XGBoost's own JSON model (gradient_boosting)
 * {algorithm}.trees          the predictor's form of the model: the trees as numbers ({@link TreeCodec}),
 *                            a regression's or a classifier's; the result's model URI
 * {algorithm}.json           its metadata ({@link ModelMetadata})
 * {algorithm}.insights.json  feature importance, test predictions or a classifier's figures (bounded; {@link ModelInsights})
 * random_forest.part-{i}.model  a fanned-out forest's share i ({@link ForestFanOut}), until the trainer merges it
 * </pre>
 * The predictor finds the metadata beside {@code x.trees} or {@code x.model} as {@code x.json} (inference's
 * {@code ModelLoader} holds that rule on the reading side).
 */
public final class ModelArtifacts {
    private static final String MODELS = "/models/";
    private static final String SMILE_MODEL = ".model";
    /** XGBoost's own JSON model: {@code .json} alone is the metadata's name. */
    private static final String XGBOOST_MODEL = ".xgboost.json";
    private static final String TREES = ".trees";
    private static final String METADATA = ".json";
    private static final String INSIGHTS = ".insights.json";
    private static final String FOREST_PART = "random_forest.part-";

    private static final String JAVA_SERIALIZED = "application/x-java-serialized-object";

    /** The names above, relative to a run's folder ({@link RunLayout#owns}). */
    private static final Pattern OWNED = Pattern.compile(
            "models/[a-z0-9_]+\\.(model|trees|json|insights\\.json|xgboost\\.json)|models/random_forest\\.part-[0-9]+\\.model");

    /** A file written: where, and how many bytes. */
    record Written(String uri, long bytes) {
    }

    private final ObjectStore store;

    ModelArtifacts(ObjectStore store) {
        this.store = store;
    }

    public static String model(String out, String runId, String algorithm) {
        return dir(out, runId) + algorithm + SMILE_MODEL;
    }

    /** Share {@code index} of a forest that fans out ({@code ForestFanOut}), saved by its worker. */
    public static String forestPart(String out, String runId, int index) {
        return dir(out, runId) + FOREST_PART + index + SMILE_MODEL;
    }

    /** XGBoost's own JSON model ({@code .json} alone is the metadata's name). */
    public static String xgboostModel(String out, String runId, String algorithm) {
        return dir(out, runId) + algorithm + XGBOOST_MODEL;
    }

    /** The predictor's form of the model: its trees as numbers ({@code TreeCodec}), no serialized objects. */
    public static String trees(String out, String runId, String algorithm) {
        return dir(out, runId) + algorithm + TREES;
    }

    public static String metadata(String out, String runId, String algorithm) {
        return dir(out, runId) + algorithm + METADATA;
    }

    public static String insights(String out, String runId, String algorithm) {
        return dir(out, runId) + algorithm + INSIGHTS;
    }

    /** Whether {@code name}, relative to a run's folder, is one of the model files named here. */
    static boolean owns(String name) {
        return OWNED.matcher(name).matches();
    }

    private static String dir(String out, String runId) {
        return RunLayout.runDir(out, runId) + MODELS;
    }

    /**
     * A model file's bytes, encoded apart from its writing: the CPU part of saving, which may run on another
     * thread (a 31 MB forest takes 260 ms to serialize). {@code suffix} follows the algorithm in the file's name.
     */
    record Encoded(String suffix, byte[] bytes, String contentType) {
    }

    /**
     * The fitted model in its library's own format: XGBoost's JSON (loadable by XGBoost in any language) for
     * an {@link XgboostTrainer.Fitted}, else the Smile model, Java-serialized.
     */
    static Encoded encodeModel(Object model) {
        if (model instanceof XgboostTrainer.Fitted x) {
            return new Encoded(XGBOOST_MODEL, x.json(), "application/json");
        }
        return new Encoded(SMILE_MODEL, ModelCodec.write(model), JAVA_SERIALIZED);
    }

    /** What predictors load: the same trees as plain numbers, which no file can turn into code. */
    static Encoded encodeTrees(TreeEnsemble ensemble) {
        return new Encoded(TREES, TreeCodec.write(ensemble), "application/octet-stream");
    }

    /** Writes {@code file} as the algorithm's, under the run's models. */
    Written write(String out, String runId, String algorithm, Encoded file) {
        return write(dir(out, runId) + algorithm + file.suffix(), file.bytes(), file.contentType());
    }

    Written writeMetadata(String out, String runId, ModelMetadata metadata) {
        return write(metadata(out, runId, metadata.algorithm()), Json.write(metadata), "application/json");
    }

    Written writeInsights(String out, String runId, ModelInsights insights) {
        return write(insights(out, runId, insights.algorithm()), Json.write(insights), "application/json");
    }

    /** A forest worker's share of the trees, read and merged by the trainer that invoked it. */
    Written writeForestPart(String out, String runId, int index, Object forest) {
        return write(forestPart(out, runId, index), ModelCodec.write(forest), JAVA_SERIALIZED);
    }

    private Written write(String uri, byte[] bytes, String contentType) {
        store.write(uri, bytes, contentType);
        return new Written(uri, bytes.length);
    }
}
