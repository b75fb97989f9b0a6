package dev.canopy.training;

import dev.canopy.error.InvalidInputException;
import dev.canopy.model.FeatureEncoding;
import dev.canopy.model.SmileTrees;
import dev.canopy.model.TreeEnsemble;

import java.time.Clock;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A trainer's steps that differ for a classification, once the classifier is fitted ({@link ClassifierTrainer}):
 * its folds (stratified by class, {@link StratifiedFolds}), its test-row probabilities and metrics
 * ({@link ClassificationMetrics}), and what it saves: the model in its library's own format, the numbers-only
 * {@code .trees} form that predictors load (the result's model URI, as for a regression), its metadata with the
 * task and the classes, and its insights.
 *
 * <p>The test rows and a fold's held-out rows are scored by the {@code .trees} ensemble, as {@code predict} will
 * score them, so the metrics are those of the saved model. Its probabilities are the library's own: Smile's
 * exactly but for rounding ({@code SmileTrees}), XGBoost's (float32) within about 1e-7 ({@code XgboostJsonModel}).
 */
final class ClassificationRun {
    private final ModelArtifacts artifacts;
    private final Clock clock;

    ClassificationRun(ModelArtifacts artifacts, Clock clock) {
        this.artifacts = artifacts;
        this.clock = clock;
    }

    /** {@code {kept, heldOut}} positions of fold {@code fold} of {@code k}, stratified by the rows' classes. */
    static int[][] fold(FeatureMatrix train, int k, int fold, long seed) {
        int[] classes = new int[train.rows()];
        for (int i = 0; i < classes.length; i++) {
            classes[i] = (int) train.labels()[i];
        }
        StratifiedFolds folds = StratifiedFolds.of(classes, k, seed);
        return new int[][]{folds.kept(fold), folds.heldOut(fold)};
    }

    /** The test rows a model gives probabilities, with their classes. */
    record Scored(int[] truth, double[][] probabilities) {
    }

    /** A fitted classifier's trees, its scores on the test rows, and the trees encoded when they are to be saved. */
    private record Evaluated(TreeEnsemble ensemble, Scored scored, ModelArtifacts.Encoded trees) {
    }

    private static Evaluated evaluate(Object model, DataPreparation.Prepared data, boolean save) {
        TreeEnsemble ensemble = ensemble(model, data.classes());
        return new Evaluated(ensemble, score(ensemble, data), save ? ModelArtifacts.encodeTrees(ensemble) : null);
    }

    /**
     * Scores the test rows as predict prepares a shard: the encoding's missing-value policy fills the gaps
     * (impute) or leaves a row out (drop; also a category never seen in training).
     */
    static Scored score(TreeEnsemble model, DataPreparation.Prepared data) {
        int n = data.testY().length;
        double[][] columns = new double[data.testColumns().length][];
        for (int j = 0; j < columns.length; j++) {
            columns[j] = data.testColumns()[j].clone(); // the policy fills in place; the prepared rows stay as read
        }
        boolean[] drop = new FeatureEncoding.Encoder(data.encoding()).fill(columns, n);
        int kept = 0;
        int[] keep = new int[n];
        for (int i = 0; i < n; i++) {
            if (drop == null || !drop[i]) {
                keep[kept++] = i;
            }
        }
        if (kept == 0) {
            throw new InvalidInputException("testData", data.summary().uri(), "no test row could be scored: every one "
                    + "lacks a value or holds a category never seen in training");
        }
        double[][] rows = new double[columns.length][kept];
        int[] truth = new int[kept];
        for (int r = 0; r < kept; r++) {
            for (int j = 0; j < columns.length; j++) {
                rows[j][r] = columns[j][keep[r]];
            }
            truth[r] = (int) data.testY()[keep[r]];
        }
        return new Scored(truth, probabilities(model, rows, kept));
    }

    /**
     * The ensemble a fitted classifier is saved and scored as: Smile's trees compiled, XGBoost's JSON converted
     * by the reader of users' XGBoost models (no native code to score it), with the classes' labels.
     */
    static TreeEnsemble ensemble(Object model, ClassLabels classes) {
        TreeEnsemble e = model instanceof XgboostTrainer.Fitted x ? x.model().ensemble()
                : SmileTrees.compile(model);
        if (e.classes() != classes.size()) {
            throw new IllegalStateException("the fitted model scores " + e.classes() + " classes, the target has "
                    + classes.size() + ": " + classes.labels());
        }
        return e.withLabels(classes.labels());
    }

    /** {@code rows} rows' probabilities, {@code [row][class]}, as {@link ClassificationMetrics} takes them. */
    static double[][] probabilities(TreeEnsemble model, double[][] columns, int rows) {
        int k = model.classes();
        double[][] byClass = new double[k][rows];
        model.probabilities(columns, rows, byClass);
        double[][] out = new double[rows][k];
        for (int i = 0; i < rows; i++) {
            for (int c = 0; c < k; c++) {
                out[i][c] = byClass[c][i];
            }
        }
        return out;
    }

    /** The ranking metric of {@code model} on rows it did not train on (a fold's held-out rows). */
    static double validationScore(TreeEnsemble model, FeatureMatrix rows, ClassificationMetric metric) {
        int[] truth = new int[rows.rows()];
        for (int i = 0; i < truth.length; i++) {
            truth[i] = (int) rows.labels()[i];
        }
        double[][] p = probabilities(model, rows.doubleColumns(), rows.rows());
        return metric.of(ClassificationMetrics.of(truth, p));
    }

    /**
     * Evaluates a fitted classifier and, unless the request is a search's trial, saves it.
     *
     * @param done publishes the trainer's DONE state with this detail
     */
    TrainResult finish(TrainRequest req, Algorithm algorithm, String runId, String out, Map<String, Number> params,
                       Object model, DataPreparation.Prepared data, FeatureMatrix validation, long trainMillis,
                       long seed, String rowsRead, Consumer<String> done) {
        String alg = algorithm.id();
        ClassificationMetric rankBy = data.taskOptions().rankBy();
        // the model's own format encoded beside the scoring and the trees' encoding, as TrainService does for a
        // regression
        boolean save = !req.isTrial();
        SharedCpus.Both<ModelArtifacts.Encoded, Evaluated> encoded = SharedCpus.both(
                () -> save ? ModelArtifacts.encodeModel(model) : null, () -> evaluate(model, data, save));
        TreeEnsemble ensemble = encoded.second().ensemble();
        Scored scored = encoded.second().scored();
        ClassificationMetrics m = ClassificationMetrics.of(scored.truth(), scored.probabilities());
        Double validationScore = validation == null ? null : validationScore(ensemble, validation, rankBy);
        if (req.isTrial()) {
            return new TrainResult(alg, TrainerState.DONE, null, null, null, null, trainMillis, null, null, params,
                    null, data.summary(), null, null, m, validationScore);
        }
        ModelArtifacts.Written written = artifacts.write(out, runId, alg, encoded.first());
        String modelUri = artifacts.write(out, runId, alg, encoded.second().trees()).uri();
        artifacts.writeMetadata(out, runId, new ModelMetadata(ModelMetadata.FORMAT, alg, params,
                data.summary().features(), data.summary().target(), null, trainMillis, written.bytes(), data.summary(),
                seed, DataPreparation.testFraction(req.testFraction(), req.testData()), TrainService.libraries(algorithm),
                runId, Instant.now(clock).toString(), data.encoding(), data.detection().task().id(),
                data.classes().labels()));
        artifacts.writeInsights(out, runId, ModelInsights.ofClassifier(alg, data.summary().features(), model,
                data.classes().labels(), scored.truth(), scored.probabilities()));
        done.accept(String.format(Locale.ROOT, "%s %.4f, accuracy %.4f on %s", rankBy.id(), rankBy.of(m), m.accuracy(),
                rowsRead));
        return new TrainResult(alg, TrainerState.DONE, null, null, null, null, trainMillis, written.bytes(),
                modelUri, params, null, data.summary(), null, null, m, null);
    }
}
