package dev.canopy.training;

import dev.canopy.error.CanopyException;
import dev.canopy.model.xgboost.XgboostJsonModel;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import ml.dmlc.xgboost4j.java.XGBoostError;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Fits gradient boosting with XGBoost (through XGBoost4J, {@code tree_method=hist}), the library Ray's
 * tutorial trains with, under XGBoost's own parameter names ({@link TrainingParams}).
 *
 * <p>This is the only class that touches {@code ml.dmlc}: loading it loads XGBoost's native library. The
 * predictor never does (DependencyRulesTest keeps {@code inference} and {@code model} off {@code ml.dmlc});
 * it scores the model converted to {@code .trees}.
 *
 * <p>The input is XGBoost4J's own dense layout, so any row store can feed it without a copy of its own:
 * row-major {@code float}s, {@code NaN} for a missing value.
 */
public final class XgboostTrainer {
    private static final Logger LOG = Logger.getLogger(XgboostTrainer.class);

    /** XGBoost4J's version, as its jar states it. */
    public static final String VERSION = version();

    private XgboostTrainer() {
    }

    private static String version() {
        Properties p = new Properties();
        try (InputStream in = XGBoost.class.getResourceAsStream("/xgboost4j-version.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            // the version is for the metadata only
        }
        return p.getProperty("version", "unknown");
    }

    /**
     * Training rows as XGBoost takes them.
     *
     * @param rows   {@code nrow * ncol} feature values, row-major; {@code NaN} is missing
     * @param labels {@code nrow} targets
     */
    public record Input(float[] rows, int nrow, int ncol, float[] labels, float[] weights) {
        public Input {
            if (nrow < 1 || ncol < 1 || rows.length != (long) nrow * ncol || labels.length != nrow
                    || weights != null && weights.length != nrow) {
                throw new IllegalArgumentException("rows hold " + rows.length + " values and labels " + labels.length
                        + " for " + nrow + " rows of " + ncol + " features");
            }
        }

        /** Unweighted rows. */
        public Input(float[] rows, int nrow, int ncol, float[] labels) {
            this(rows, nrow, ncol, labels, null);
        }

        /** These rows with a weight each ({@code DMatrix.setWeight}); null: every row weighs 1. */
        public Input withWeights(float[] w) {
            return new Input(rows, nrow, ncol, labels, w);
        }

        /** The training set as XGBoost's dense matrix takes it: row-major float32, gaps as NaN. */
        public static Input of(FeatureMatrix m) {
            double[] y = m.labels();
            float[] labels = new float[y.length];
            for (int i = 0; i < y.length; i++) {
                labels[i] = (float) y[i];
            }
            return new Input(m.toRowMajor(Float.NaN), m.rows(), m.features(), labels);
        }
    }

    /**
     * A fitted booster, held as XGBoost's own JSON model (what is saved) and as read by the converter.
     *
     * @param model   {@code json} parsed: the converted trees the trainer scores with and saves
     * @param threads the most threads it boosted with
     */
    public record Fitted(byte[] json, XgboostJsonModel model, int rounds, int threads) {
        /** Each feature's total gain over the model's splits, in feature order (from the JSON's loss changes). */
        public double[] importance() {
            return model.totalGain();
        }
    }

    /**
     * What the booster learns: a regression ({@code reg:squarederror}), the positive class's probability
     * ({@code binary:logistic}, labels 0 and 1) or one probability per class ({@code multi:softprob} with
     * {@code num_class}, labels {@code 0..k-1}), XGBClassifier's objectives.
     */
    public record Objective(String name, int classes) {
        public static final Objective REGRESSION = new Objective("reg:squarederror", 0);
        public static final Objective BINARY = new Objective("binary:logistic", 2);

        public static Objective multiclass(int classes) {
            return new Objective("multi:softprob", classes);
        }
    }

    /**
     * A regression.
     *
     * @param params resolved {@link TrainingParams} of {@link Algorithm#GRADIENT_BOOSTING}
     */
    public static Fitted fit(Map<String, Number> params, Input input, long seed, ProgressListener progress) {
        return fit(params, input, seed, progress, Objective.REGRESSION);
    }

    /** As {@link #fit(Map, Input, long, ProgressListener)}, learning {@code objective}. */
    public static Fitted fit(Map<String, Number> params, Input input, long seed, ProgressListener progress,
                             Objective objective) {
        int rounds = params.get("n_estimators").intValue();
        int threads = threads(params);
        DMatrix train = null;
        Booster booster = null;
        // the trainer's deadline watchdog stops boosting between rounds: the rounds so far are a whole model
        AtomicBoolean stop = new AtomicBoolean();
        progress.onStart(() -> stop.set(true));
        try {
            // XGBoost's own arrays live outside the heap (TrainingBudget.XGBOOST_BYTES_PER_ROW). Reading the data
            // left the heap committed near its maximum, 85 % of a Lambda function's memory: shrink it to its live
            // data first, so that both fit in the function. Small data is not worth the pauses.
            long xgboostBytes = TrainingBudget.xgboostBytes(input.nrow(), input.ncol());
            if (xgboostBytes > COLLECT_BEFORE_BYTES) {
                long[] heap = HeapRelease.collect();
                LOG.info(String.format(Locale.ROOT, "heap shrunk from %,d to %,d MB before XGBoost's %,d MB",
                        heap[0] >> 20, heap[1] >> 20, xgboostBytes >> 20));
            }
            train = new DMatrix(input.rows(), input.nrow(), input.ncol(), Float.NaN);
            train.setLabel(input.labels());
            if (input.weights() != null) {
                train.setWeight(input.weights());
            }
            progress.onProgress(0, rounds);
            // Zero rounds builds the booster with its configuration; the rounds then run one by one, as
            // XGBoost.train runs them, so each can report progress.
            booster = XGBoost.train(train, booster(params, threads, seed, objective), 0, Map.of(), null, null);
            int built = 0;
            int most = threads;
            while (built < rounds && !stop.get()) {
                // trainers that finish give their CPUs to the boosting still running (nthread 0 only)
                int now = threads(params);
                if (now != threads) {
                    booster.setParam("nthread", now);
                    threads = now;
                    most = Math.max(most, now);
                }
                booster.update(train, built);
                built++;
                progress.onProgress(built, rounds);
            }
            byte[] json = booster.toByteArray("json");
            // parsed once here: the trainer scores and saves the converted trees, and the gains are in the JSON
            // (XGBoost4J's getScore would parse a text dump of every tree with regular expressions)
            XgboostJsonModel model = XgboostJsonModel.parse(json);
            return new Fitted(json, model, built, most);
        } catch (XGBoostError e) {
            throw new TrainingFailure("XGBoost failed: " + e.getMessage(), e);
        } finally {
            if (booster != null) {
                booster.dispose();
            }
            if (train != null) {
                train.dispose();
            }
        }
    }

    /** XGBoost's own predictions of {@code rows} (row-major, NaN missing) by the model {@code json}. */
    public static float[] predict(byte[] json, float[] rows, int nrow, int ncol) {
        float[][] p = raw(json, rows, nrow, ncol);
        float[] out = new float[nrow];
        for (int i = 0; i < nrow; i++) {
            out[i] = p[i][0];
        }
        return out;
    }

    /**
     * XGBoost's probabilities of {@code rows} (row-major, NaN missing) by the classifier {@code json}: one row
     * per input row, {@code classes} columns in class-code order (a binary model's one output is the second
     * class's probability).
     */
    public static double[][] probabilities(byte[] json, float[] rows, int nrow, int ncol, int classes) {
        float[][] p = raw(json, rows, nrow, ncol);
        double[][] out = new double[nrow][classes];
        for (int i = 0; i < nrow; i++) {
            if (p[i].length == 1) {
                out[i][1] = p[i][0];
                out[i][0] = 1 - out[i][1];
            } else {
                for (int c = 0; c < classes; c++) {
                    out[i][c] = p[i][c];
                }
            }
        }
        return out;
    }

    /** {@code Booster.predict}'s answer: one row of outputs per input row; the native objects freed either way. */
    private static float[][] raw(byte[] json, float[] rows, int nrow, int ncol) {
        Booster booster = null;
        DMatrix m = null;
        try {
            booster = XGBoost.loadModel(json);
            m = new DMatrix(rows, nrow, ncol, Float.NaN);
            return booster.predict(m);
        } catch (XGBoostError | IOException e) {
            throw new TrainingFailure("XGBoost failed to predict: " + e.getMessage(), e);
        } finally {
            if (booster != null) {
                booster.dispose();
            }
            if (m != null) {
                m.dispose();
            }
        }
    }

    /**
     * 0 means this instance's CPUs (on Lambda: what its memory setting buys) shared by the trainers running in
     * this process: one on Lambda; on one machine, every trainer of the tree. XGBoost's OpenMP threads spin
     * while they wait, so more threads than free CPUs burn the CPUs the other trainers need (1 M rows, three
     * trainers on 2 CPUs: 88 s of CPU with 2 threads, 64 s with 1; docs/performance.md). Asked again between
     * rounds, so that a boosting that outlasts the other trainers takes the CPUs they leave.
     */
    static int threads(Map<String, Number> params) {
        int n = params.get("nthread").intValue();
        return n == 0 ? SharedCpus.threads() : n;
    }

    /** The booster's parameters: XGBoost's names, as XGBRegressor passes them to the native library. */
    static Map<String, Object> booster(Map<String, Number> params, int threads, long seed) {
        return booster(params, threads, seed, Objective.REGRESSION);
    }

    /** The booster's parameters for {@code objective}: the same tree parameters for every objective. */
    static Map<String, Object> booster(Map<String, Number> params, int threads, long seed, Objective objective) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("objective", objective.name());
        if (objective.name().startsWith("multi:")) {
            p.put("num_class", objective.classes());
        }
        p.put("tree_method", "hist");
        p.put("eta", params.get("learning_rate").doubleValue());
        p.put("max_depth", params.get("max_depth").intValue());
        p.put("max_leaves", params.get("max_leaves").intValue());
        p.put("max_bin", params.get("max_bin").intValue());
        p.put("min_child_weight", params.get("min_child_weight").doubleValue());
        p.put("subsample", params.get("subsample").doubleValue());
        p.put("colsample_bytree", params.get("colsample_bytree").doubleValue());
        p.put("lambda", params.get("reg_lambda").doubleValue());
        p.put("alpha", params.get("reg_alpha").doubleValue());
        p.put("gamma", params.get("gamma").doubleValue());
        p.put("nthread", threads);
        p.put("seed", seed);
        p.put("verbosity", 0);
        return p;
    }

    /** XGBoost's own memory above which the heap is collected before boosting: 64 MB. */
    static final long COLLECT_BEFORE_BYTES = 64L << 20;

    /** A failure inside XGBoost's native library, with its message; not transient, so never retried. */
    static final class TrainingFailure extends CanopyException {
        TrainingFailure(String message, Throwable cause) {
            super(message, false, cause);
        }
    }
}
