package dev.canopy.training;

import dev.canopy.data.CsvTableReader;
import dev.canopy.data.DatasetParts;
import dev.canopy.data.DatasetReader;
import dev.canopy.data.Table;
import dev.canopy.error.InvalidInputException;
import dev.canopy.model.FeatureEncoding;
import dev.canopy.model.MissingPolicy;
import dev.canopy.storage.ObjectStore;
import dev.canopy.training.FeatureSelection.Selection;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Turns a request's data into what a trainer fits and scores, the same way for every trainer of a run and for
 * the supervisor's preflight: reads the table at the pinned version (parsed once per instance, see
 * {@link #dataset}), chooses the features ({@link FeatureSelection}), applies the missing-value policy, splits
 * the rows (or reads the test data), and builds the {@link FeatureEncoding} saved with the model so that
 * scoring prepares shards the same way.
 */
final class DataPreparation {
    static final int DEFAULT_MAX_CATEGORIES = 64;
    /** More categories than this make no sense as a categorical feature (an id column, a free-text field). */
    static final int MAX_MAX_CATEGORIES = 100_000;

    /** The request's data options, checked. */
    record Options(Character delimiter, MissingPolicy missing, boolean autoCategorical, int maxCategories) {
    }

    /** Tables kept by {@link #dataset}; two: a run's data and its test data. */
    static final int CACHED_TABLES = 2;

    private final ObjectStore store;
    /** Whether a trainer has this process's heap to itself ({@link TrainingBudget#heapNeed}). */
    private final boolean ownHeap;
    /** Guarded by itself; access order, so the least recently used table is evicted. */
    private final Map<String, CompletableFuture<DatasetReader.Result>> tables = new LinkedHashMap<>(4, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, CompletableFuture<DatasetReader.Result>> eldest) {
            return size() > CACHED_TABLES;
        }
    };

    /** Preparation for trainers that share this process's heap (the preflight, the one-machine mode). */
    DataPreparation(ObjectStore store) {
        this(store, false);
    }

    DataPreparation(ObjectStore store, boolean ownHeap) {
        this.store = store;
        this.ownHeap = ownHeap;
    }

    static Options options(String delimiter, String missing, String categorical, Integer maxCategories) {
        Character d = CsvTableReader.delimiter("delimiter", delimiter);
        MissingPolicy m = MissingPolicy.parse("missing", missing);
        boolean auto;
        if (categorical == null || categorical.isBlank() || categorical.trim().equalsIgnoreCase("none")) {
            auto = false;
        } else if (categorical.trim().equalsIgnoreCase("auto")) {
            auto = true;
        } else {
            throw new InvalidInputException("categorical", categorical, "must be auto (every text column is a "
                    + "categorical feature) or none (the default: text columns only when features names them)");
        }
        int max = maxCategories == null ? DEFAULT_MAX_CATEGORIES : maxCategories;
        if (max < 2 || max > MAX_MAX_CATEGORIES) {
            throw new InvalidInputException("maxCategories", maxCategories, "must be between 2 and " + MAX_MAX_CATEGORIES);
        }
        return new Options(d, m, auto, max);
    }

    /**
     * The share of the rows held out as test rows ({@link TrainService#DEFAULT_TEST_FRACTION} when not given),
     * checked here for the supervisor and every trainer; with {@code testData} the test rows are that data's
     * and the fraction is not checked.
     */
    static double testFraction(Double fraction, String testData) {
        double f = fraction == null ? TrainService.DEFAULT_TEST_FRACTION : fraction;
        if (testData == null && !(f > 0 && f < 1)) {
            throw new InvalidInputException("testFraction", fraction, "must be greater than 0 and less than 1");
        }
        return f;
    }

    /**
     * The training rows (float32 columns and the target), the test rows (double columns, as the model takes
     * them), what they came from, and the encoding saved with the model.
     */
    record Prepared(FeatureMatrix train, double[][] testColumns, double[] testY, DatasetSummary summary,
                    FeatureEncoding encoding, List<String> warnings, TaskDetector.Detection detection,
                    TaskOptions taskOptions) {

        /** The classes of a classification, null for a regression. */
        ClassLabels classes() {
            return detection.classes();
        }

        boolean classification() {
            return detection.task().isClassification();
        }
    }

    Prepared prepare(TrainRequest req, Algorithm algorithm, Map<String, Number> params, long fitMillisLeft) {
        return prepare(req, algorithm, params, fitMillisLeft, TrainService.TIME_BUDGET_SETTING);
    }

    /** @param deadline what sets the time left, for a refusal's text */
    Prepared prepare(TrainRequest req, Algorithm algorithm, Map<String, Number> params, long fitMillisLeft,
                     String deadline) {
        Options opt = options(req.delimiter(), req.missing(), req.categorical(),
                req.maxCategories());
        TaskOptions taskOptions = req.taskOptions();
        String target = req.target() == null || req.target().isBlank() ? TrainService.DEFAULT_TARGET : req.target();
        double fraction = testFraction(req.testFraction(), req.testData());
        DatasetParts.Plan plan = DatasetParts.pinned(store, "data", req.data(), req.dataVersion());
        String version = req.dataVersion() != null ? req.dataVersion() : plan.version();
        DatasetReader.Sample sample = TrainingBudget.sample(req, plan, store, algorithm, params, fitMillisLeft, deadline,
                ownHeap);
        DatasetReader.Result read = dataset("data", plan, version, opt.delimiter(), sample);
        Table table = read.table();
        if (table.rows() == 0) {
            throw new InvalidInputException("data", req.data(), "the data set is empty: it has a header but no rows");
        }
        TargetColumn targetColumn = TargetColumn.read("target", table, target, taskOptions);
        double[] y = targetColumn.y();
        ClassLabels classes = targetColumn.detection().classes();
        Selection sel = FeatureSelection.select(table, target, req.features(), req.exclude(), opt);
        Map<String, Integer> gaps = FeatureSelection.gaps(sel, req.data());
        if (opt.missing() == MissingPolicy.ERROR) {
            FeatureSelection.refuseGaps(gaps, table.rows(), req.data());
        }
        int rows = table.rows();
        int[] usable = opt.missing() == MissingPolicy.DROP ? FeatureSelection.complete(sel, rows) : identity(rows);
        if (usable.length == 0) {
            throw new InvalidInputException("data", req.data(), "every row lacks a value in some feature (gaps: " + gaps
                    + "); with missing=drop no row is left");
        }

        int[] trainIdx;
        double[][] testColumns;
        double[] testY;
        FeatureEncoding encoding;
        FeatureEncoding.Encoder encoder;
        if (req.testData() == null) {
            long seed = req.seed() == null ? TrainService.DEFAULT_SEED : req.seed();
            DataSplit split = taskOptions.stratify()
                    ? StratifiedSplit.of(classCodes(y, usable), classes, fraction, seed)
                    : DataSplit.of(usable.length, fraction, seed);
            trainIdx = pick(usable, split.train());
            int[] testIdx = pick(usable, split.test());
            encoding = encode(sel, usable, trainIdx, y, opt);
            encoder = new FeatureEncoding.Encoder(encoding);
            testColumns = columns(sel, encoder, testIdx);
            testY = gather(y, testIdx);
        } else {
            trainIdx = usable;
            encoding = encode(sel, usable, trainIdx, y, opt);
            encoder = new FeatureEncoding.Encoder(encoding);
            DatasetParts.Plan testPlan = DatasetParts.pinned(store, "testData", req.testData(), req.testDataVersion());
            String tv = req.testDataVersion() != null ? req.testDataVersion() : testPlan.version();
            Table test = dataset("testData", testPlan, tv, opt.delimiter(), null).table();
            if (test.rows() == 0) {
                throw new InvalidInputException("testData", req.testData(), "the test data set has no rows");
            }
            double[] ty;
            if (classes != null) {
                ty = TargetColumn.codes("testData.target", target, classes, test.column("testData.target", target));
            } else {
                ty = test.numeric("testData.target", target);
                TargetColumn.checkFinite("testData.target", target, ty);
            }
            Selection testSel = FeatureSelection.same(test, sel);
            if (opt.missing() == MissingPolicy.ERROR) {
                FeatureSelection.refuseGaps(FeatureSelection.gaps(testSel, req.testData()), test.rows(), req.testData());
            }
            int[] testIdx = opt.missing() == MissingPolicy.DROP ? FeatureSelection.complete(testSel, test.rows())
                    : identity(test.rows());
            testColumns = columns(testSel, encoder, testIdx);
            testY = gather(ty, testIdx);
        }
        if (trainIdx.length < 2 || testY.length < 1) {
            throw new InvalidInputException("data", req.data(), "too few rows to train and test: " + rows
                    + " rows give " + trainIdx.length + " training and " + testY.length + " test rows");
        }
        FeatureMatrix train = new FeatureMatrix(sel.names(), target,
                trainingColumns(sel, encoder, trainIdx), gather(y, trainIdx));
        if (classes != null) {
            TargetColumn.checkTrainingHasEveryClass(classes, train.labels(), testY);
        }
        List<String> categorical = encoding.features().stream().filter(FeatureEncoding.Feature::categorical)
                .map(FeatureEncoding.Feature::name).toList();
        List<DatasetSummary.Part> parts = read.parts().size() < 2 && plan.single() ? null
                : read.parts().stream().map(p -> new DatasetSummary.Part(p.name(), p.rows())).toList();
        DatasetSummary summary = new DatasetSummary(req.data(), version, rows, trainIdx.length, testY.length, target,
                List.copyOf(sel.names()), categorical, sel.leftOut(), opt.missing().id(), gaps, rows - usable.length,
                parts, sample == null ? null : read.rowsRead(), targetColumn.detection().task().id(),
                targetColumn.detection().firstLine(), targetColumn.detection().notice(),
                classes == null ? null : classes.labels());
        return new Prepared(train, testColumns, testY, summary, encoding, sel.warnings(), targetColumn.detection(),
                taskOptions);
    }

    /**
     * The table at {@code uri} and {@code version}, parsed once per trainer instance: a search sends one
     * instance trial after trial on the same pinned data, and parsing it again each time was the trials'
     * largest cost after the fit itself. A pinned version names the bytes, so a hit is the same table. Keeps
     * the {@value #CACHED_TABLES} most recently used (data and test data). Cached tables are shared between
     * trainers: nothing may write into their columns (prepare copies what it changes). Concurrent trainers
     * asking for the same table wait for one parse. A key must hold everything the parse depends on.
     */
    DatasetReader.Result dataset(String field, DatasetParts.Plan plan, String version, Character delimiter,
                                 DatasetReader.Sample sample) {
        String uri = plan.uri();
        String key = uri + '\n' + version + '\n' + delimiter + '\n' + sample;
        CompletableFuture<DatasetReader.Result> table;
        boolean parse = false;
        synchronized (tables) {
            table = tables.get(key);
            if (table == null) {
                table = new CompletableFuture<>();
                tables.put(key, table);
                parse = true;
            }
        }
        if (parse) {
            try {
                table.complete(DatasetReader.read(store, field, plan, delimiter, sample));
            } catch (RuntimeException e) {
                synchronized (tables) {
                    tables.remove(key, table);
                }
                table.completeExceptionally(e);
                throw e;
            }
        }
        try {
            return table.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw e;
        }
    }

    private static double[] gather(double[] v, int[] idx) {
        double[] out = new double[idx.length];
        for (int i = 0; i < idx.length; i++) {
            out[i] = v[idx[i]];
        }
        return out;
    }

    /** The class codes of {@code rows}, for a stratified split. */
    private static int[] classCodes(double[] y, int[] rows) {
        int[] out = new int[rows.length];
        for (int i = 0; i < rows.length; i++) {
            out[i] = (int) y[rows[i]];
        }
        return out;
    }

    /**
     * The encoding: categories of each text feature (all of {@code rows}' values) ordered by the mean target of
     * their training rows (a category without any: the training mean; ties by name), and under {@code impute}
     * the fill values from the training rows: the median, or the most frequent category's code.
     */
    static FeatureEncoding encode(Selection s, int[] rows, int[] train, double[] y, Options opt) {
        double trainMean = 0;
        for (int i : train) {
            trainMean += y[i];
        }
        trainMean /= Math.max(1, train.length);
        List<FeatureEncoding.Feature> features = new ArrayList<>();
        for (int j = 0; j < s.names().size(); j++) {
            String name = s.names().get(j);
            String[] t = s.text().get(j);
            if (t == null) {
                Double fill = opt.missing() == MissingPolicy.IMPUTE ? median(s.numbers().get(j), train, name) : null;
                features.add(new FeatureEncoding.Feature(name, null, fill));
                continue;
            }
            Map<String, double[]> stats = new HashMap<>(); // category -> {sum of training targets, training rows}
            for (int i : rows) {
                if (t[i] != null) {
                    stats.computeIfAbsent(t[i], k -> new double[2]);
                }
            }
            if (stats.size() > opt.maxCategories()) {
                throw new InvalidInputException("features", name, "has " + stats.size() + " distinct values, more than "
                        + "maxCategories (--max-categories) " + opt.maxCategories() + "; raise it, or leave the column out"
                        + " (if it is meant to be numeric: the first value that is not a number is \"" + firstText(t) + "\")");
            }
            for (int i : train) {
                if (t[i] != null) {
                    double[] st = stats.get(t[i]);
                    st[0] += y[i];
                    st[1]++;
                }
            }
            double mean = trainMean;
            List<String> cats = new ArrayList<>(stats.keySet());
            cats.sort(Comparator.<String>comparingDouble(c -> stats.get(c)[1] == 0 ? mean : stats.get(c)[0] / stats.get(c)[1])
                    .thenComparing(Comparator.naturalOrder()));
            Double fill = null;
            if (opt.missing() == MissingPolicy.IMPUTE) {
                String mode = null;
                for (String c : cats) {
                    if (mode == null || stats.get(c)[1] > stats.get(mode)[1]
                            || stats.get(c)[1] == stats.get(mode)[1] && c.compareTo(mode) < 0) {
                        mode = c;
                    }
                }
                if (mode == null || stats.get(mode)[1] == 0) {
                    throw new InvalidInputException("features", name, "no training row has a value to impute from");
                }
                fill = (double) cats.indexOf(mode);
            }
            features.add(new FeatureEncoding.Feature(name, List.copyOf(cats), fill));
        }
        return new FeatureEncoding(opt.missing().id(), features);
    }

    private static String firstText(String[] t) {
        for (String s : t) {
            if (s != null) {
                try {
                    Double.parseDouble(s);
                } catch (NumberFormatException e) {
                    return s;
                }
            }
        }
        return "";
    }

    private static double median(double[] v, int[] train, String name) {
        double[] present = new double[train.length];
        int n = 0;
        for (int i : train) {
            if (!Double.isNaN(v[i])) {
                present[n++] = v[i];
            }
        }
        if (n == 0) {
            throw new InvalidInputException("features", name, "no training row has a value to impute from");
        }
        Arrays.sort(present, 0, n);
        return n % 2 == 1 ? present[n / 2] : (present[n / 2 - 1] + present[n / 2]) / 2;
    }

    /** The features of {@code rows} as the model takes them: numbers, and text as category codes (gaps NaN). */
    static double[][] columns(Selection s, FeatureEncoding.Encoder encoder, int[] rows) {
        double[][] out = new double[s.names().size()][];
        for (int j = 0; j < out.length; j++) {
            double[] v = s.numbers().get(j);
            double[] c = new double[rows.length];
            if (v != null) {
                for (int i = 0; i < rows.length; i++) {
                    c[i] = v[rows[i]];
                }
            } else {
                var coder = encoder.coder(j);
                String[] t = s.text().get(j);
                for (int i = 0; i < rows.length; i++) {
                    c[i] = coder.applyAsDouble(t[rows[i]]);
                }
            }
            out[j] = c;
        }
        return out;
    }

    /**
     * The features of the training rows {@code rows} as float32 columns (4 bytes a cell, no row objects), with
     * the gaps filled under {@code impute} by the encoding's saved values; under drop and error they have none.
     */
    static float[][] trainingColumns(Selection s, FeatureEncoding.Encoder encoder, int[] rows) {
        float[][] out = new float[s.names().size()][];
        for (int j = 0; j < out.length; j++) {
            double[] v = s.numbers().get(j);
            Double fill = encoder.encoding().features().get(j).fill();
            float f = fill == null ? Float.NaN : fill.floatValue();
            float[] c = new float[rows.length];
            var coder = v == null ? encoder.coder(j) : null;
            String[] t = s.text().get(j);
            for (int i = 0; i < rows.length; i++) {
                float x = (float) (v != null ? v[rows[i]] : coder.applyAsDouble(t[rows[i]]));
                c[i] = Float.isNaN(x) ? f : x;
            }
            out[j] = c;
        }
        return out;
    }

    private static int[] identity(int n) {
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = i;
        }
        return out;
    }

    private static int[] pick(int[] rows, int[] idx) {
        int[] out = new int[idx.length];
        for (int i = 0; i < idx.length; i++) {
            out[i] = rows[idx[i]];
        }
        return out;
    }
}
