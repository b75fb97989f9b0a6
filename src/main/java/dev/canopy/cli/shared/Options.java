package dev.canopy.cli.shared;

import dev.canopy.inference.ModelRef;
import dev.canopy.inference.OutputOptions;
import dev.canopy.training.Folds;
import dev.canopy.config.CanopyConfig;
import dev.canopy.error.InvalidInputException;
import dev.canopy.inference.BatchPredictRequest;
import dev.canopy.training.SearchSpace;
import dev.canopy.training.SuperviseRequest;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** The options several commands share, each defined once, as picocli mixins. */
public final class Options {
    private Options() {
    }

    public static final class Json {
        @Option(names = "--json", description = "Print exactly the function's JSON answer on stdout and nothing else.")
        public boolean json;
    }

    /** Where training runs are written (train, status, demo, bench tree). */
    public static final class Out {
        @Option(names = "--out", paramLabel = "<dir|s3 uri>",
                description = "Where runs are written (default: canopy.output-uri, canopy-out).")
        String out;

        public String or(CanopyConfig config) {
            return out != null ? out : config.outputUri();
        }
    }

    public static final class RunId {
        @Option(names = "--run-id", paramLabel = "<id>", description = "The run's id (default: a new one).")
        public String runId;

        public String orNew() {
            return runId != null ? runId : "run-" + UUID.randomUUID().toString().substring(0, 8);
        }
    }

    /** The data a command reads, required. */
    public static final class Data {
        @Option(names = "--data", required = true, paramLabel = "<uri>",
                description = "The data: a path, file:, s3:// or https:// URI of a CSV or Parquet file, or a folder or S3 prefix "
                        + "of such parts with one schema (docs/training-data.md).")
        public String data;
    }

    /**
     * {@code --overwrite}: replace what an earlier run wrote (train: the run with this {@code --run-id}; predict:
     * the batch in {@code --out}), deleting only the objects Canopy wrote there.
     */
    public static final class Overwrite {
        @Option(names = "--overwrite",
                description = "Replace what an earlier run wrote under this --run-id (train) or --out (predict); only "
                        + "Canopy's own objects are deleted. Without it a different request there is refused.")
        boolean overwrite;

        public SuperviseRequest apply(SuperviseRequest r) {
            return !overwrite ? r : r.with(r.search(), true);
        }

        public BatchPredictRequest apply(BatchPredictRequest r) {
            return !overwrite ? r : Resume.with(r, true, r.resumeFrom());
        }
    }

    /** {@code --resume <manifest>}: run only the shards a batch's manifest does not list as succeeded. */
    public static final class Resume {
        @Option(names = "--resume", paramLabel = "<manifest uri>",
                description = {"Resume the batch whose manifest (<out>/_manifest.json) this is: only the shards that did "
                        + "not succeed run, with the same model and outputs, and the manifest then covers both runs.",
                        "--model, --shards/--shard and --out may be omitted (taken from the manifest), not changed."})
        String manifest;

        public boolean given() {
            return manifest != null;
        }

        /** The folder the resumed manifest is in (its batch's output prefix), or null when not resuming. */
        public String outputPrefix() {
            int slash = manifest == null ? -1 : manifest.lastIndexOf('/');
            return slash <= 0 ? null : manifest.substring(0, slash);
        }

        public BatchPredictRequest apply(BatchPredictRequest r) {
            return manifest == null ? r : with(r, r.overwrite(), manifest);
        }

        static BatchPredictRequest with(BatchPredictRequest r, Boolean overwrite, String resumeFrom) {
            return new BatchPredictRequest(r.runId(), r.modelUri(), r.shards(), r.shardPrefix(), r.poolSize(),
                    r.outputPrefix(), r.ordered(), r.maxAttempts(), r.shardTimeoutSeconds(),
                    r.toleratedFailurePercentage(), r.summaryOnly(), r.keepColumns(), r.outputFormat(), overwrite,
                    resumeFrom);
        }
    }

    /** The model of a batch: required, except when it is resumed (then it is the manifest's). */
    public static final class BatchModel {
        @Option(names = "--model", paramLabel = "<uri|rule:EXPR>",
                description = "A model (…/models/<algorithm>.trees or .model, an XGBoost .json or LightGBM .txt model) "
                        + "or a rule, e.g. rule:passenger_count>=2; required unless --resume.")
        public String model;

        @Option(names = "--features", split = "\\s*,\\s*", splitSynopsisLabel = ",", paramLabel = "<column>",
                description = "For an XGBoost or LightGBM model saved without feature names: the shard columns it takes, "
                        + "in the order it was trained with.")
        List<String> features;

        /** The model URI the functions receive: with {@code #features=…} when --features is given. */
        public String uri() {
            try {
                return model == null ? null : ModelRef.withFeatures(model, features);
            } catch (InvalidInputException e) {
                throw new IllegalArgumentException("--features: " + e.getMessage());
            }
        }
    }

    /** A trained model or a rule, required. */
    public static final class Model {
        @Option(names = "--model", required = true, paramLabel = "<uri|rule:EXPR>",
                description = "A model (…/models/<algorithm>.trees or .model) or a rule, e.g. rule:passenger_count>=2.")
        public String model;
    }

    /** What a training run is asked for, beside its data, id and output (train, demo, bench tree). */
    public static final class Training {
        @Option(names = "--target", paramLabel = "<column>", description = "The column to predict (default: MedHouseVal).")
        String target;

        @Option(names = "--features", split = "\\s*,\\s*", splitSynopsisLabel = ",", paramLabel = "<column>",
                description = {"The feature columns, comma-separated (default: every other numeric column).",
                        "A text column named here is a categorical feature."})
        List<String> features;

        @Option(names = "--exclude", split = "\\s*,\\s*", splitSynopsisLabel = ",", paramLabel = "<column>",
                description = {"Columns that are never features, comma-separated (columns named like identifiers,",
                        "id, *_id, uuid..., are left out by default; --features names one to use it)."})
        List<String> exclude;

        @Option(names = "--categorical", paramLabel = "auto|none",
                description = "auto: every text column is a categorical feature; none (default): only those --features names.")
        String categorical;

        @Option(names = "--max-categories", paramLabel = "<n>",
                description = "The most distinct values a categorical feature may have (default: 64).")
        Integer maxCategories;

        @Option(names = "--missing", paramLabel = "error|drop|impute",
                description = {"What a feature without a value (empty, NA, NaN, null) does, in training and, saved with the",
                        "model, at scoring: error (default), drop the row (null prediction), impute (training median or",
                        "most frequent category)."})
        String missing;

        @Option(names = "--delimiter", paramLabel = "<char>",
                description = "The CSV delimiter: one character, or comma, semicolon, tab, pipe (default: detect , ; or tab).")
        String delimiter;

        @Option(names = "--algorithms", split = "\\s*,\\s*", splitSynopsisLabel = ",", paramLabel = "<algorithm>",
                description = "Comma-separated: random_forest, decision_tree, gradient_boosting (alias xgboost); default all three.")
        List<String> algorithms;

        @Option(names = "--test-fraction", paramLabel = "<fraction>",
                description = "The share of rows held out for testing (default: 0.2).")
        Double testFraction;

        @Option(names = "--seed", paramLabel = "<n>", description = "The split's random seed (default: 42).")
        Long seed;

        @Option(names = "--test-data", paramLabel = "<uri>",
                description = "Test on this data instead of a split of --data.")
        String testData;

        @Option(names = "--param", paramLabel = "<algorithm.name=value>",
                description = "A training parameter, e.g. random_forest.trees=300; repeat for more.")
        List<String> params;

        @Option(names = "--sample-rows", paramLabel = "<n>",
                description = "Train and test on a sample of n rows of --data, the same for the same --seed: for data "
                        + "too large for the trainer's memory or time (see docs/training-data.md).")
        Long sampleRows;

        @Option(names = "--fit-to-budget", description = "When the data does not fit a trainer's memory or time budget, "
                + "train on the largest sample that does (the same for the same --seed) instead of refusing.")
        Boolean fitToBudget;

        @Option(names = "--task", paramLabel = "auto|regression|binary|multiclass", description = {"What to learn "
                + "(default: auto: a classifier for a text or boolean target, or one holding only 0 and 1; else a",
                "regression). The output's first line says which task and why."})
        String task;

        @Option(names = "--max-classes", paramLabel = "<n>", description = "The most classes a classification may have (default: 20).")
        Integer maxClasses;

        @Option(names = "--class-weight", paramLabel = "none|balanced", description = {"Classification: none (default), or "
                + "balanced: each row weighted n / (classes × its class's rows); on Smile's forest and tree, the nearest",
                "its API allows (docs/cli.md)."})
        String classWeight;

        @Option(names = "--stratify", description = "Classification: a test split stratified by class (train_test_split(stratify=y)).")
        Boolean stratify;

        @Option(names = "--metric", paramLabel = "<metric>", description = {"What ranks a classification's models and trials: "
                + "log_loss (default), accuracy, balanced_accuracy, macro_f1; binary: roc_auc, pr_auc."})
        String metric;

        public SuperviseRequest request(String runId, String data, String out) {
            return new SuperviseRequest(runId, data, target, features, algorithms, testFraction, seed, testData,
                    params(params), out, null, delimiter, missing, categorical, maxCategories, null, exclude, sampleRows,
                    fitToBudget, task, maxClasses, classWeight, stratify, metric);
        }

        /** {@code random_forest.trees=300} → {@code {"random_forest": {"trees": "300"}}}; the trainer checks the values. */
        static Map<String, Map<String, Object>> params(List<String> given) {
            if (given == null || given.isEmpty()) {
                return null;
            }
            Map<String, Map<String, Object>> out = new LinkedHashMap<>();
            for (String p : given) {
                int dot = p.indexOf('.');
                int eq = p.indexOf('=');
                if (dot <= 0 || eq < dot + 2 || eq == p.length() - 1) {
                    throw new InvalidInputException("--param", p, "expected algorithm.name=value, e.g. random_forest.trees=300");
                }
                out.computeIfAbsent(p.substring(0, dot), k -> new LinkedHashMap<>()).put(p.substring(dot + 1, eq), p.substring(eq + 1));
            }
            return out;
        }
    }

    /**
     * A search instead of one model per algorithm (train): grids, random samples from ranges, k-fold
     * cross-validation. Syntax errors name the option and the value; the supervisor checks the parameters.
     */
    public static final class Search {
        @Option(names = "--grid", paramLabel = "<algorithm.name=v1,v2,...>",
                description = "Try each of these values, e.g. random_forest.trees=100,300; repeat for more parameters "
                        + "(the cartesian product is tried).")
        List<String> grid;

        @Option(names = "--random", paramLabel = "<n>",
                description = "Draw n configurations at random for each algorithm that has a --range (seeded by --seed).")
        Integer random;

        @Option(names = "--range", paramLabel = "<algorithm.name=min:max[:log]>",
                description = "A range to draw from with --random, linear or log, e.g. gradient_boosting.learning_rate=0.01:0.3:log.")
        List<String> ranges;

        @Option(names = "--folds", paramLabel = "<k>",
                description = "Rank configurations by k-fold cross-validation on the training split (2..20).")
        Integer folds;

        @Option(names = "--max-concurrency", paramLabel = "<n>",
                description = "Trainers in flight at once during a search (default: 32).")
        Integer maxConcurrency;

        public boolean given() {
            return grid != null || random != null || ranges != null || folds != null || maxConcurrency != null;
        }

        /** {@code req} as a search, or unchanged when no search option was given. */
        public SuperviseRequest apply(SuperviseRequest req) {
            if (!given()) {
                return req;
            }
            Folds.check("--folds", folds);
            if (random != null && random < 1) {
                throw new InvalidInputException("--random", random, "must be at least 1");
            }
            if (maxConcurrency != null && maxConcurrency < 1) {
                throw new InvalidInputException("--max-concurrency", maxConcurrency, "must be at least 1");
            }
            SearchSpace space = new SearchSpace(grid(grid), ranges(ranges), random, folds, maxConcurrency);
            return req.with(space, req.overwrite());
        }

        static Map<String, Map<String, List<Object>>> grid(List<String> given) {
            if (given == null) {
                return null;
            }
            Map<String, Map<String, List<Object>>> out = new LinkedHashMap<>();
            for (String g : given) {
                String[] p = split("--grid", g, "algorithm.name=v1,v2,..., e.g. random_forest.trees=100,300");
                List<Object> values = new java.util.ArrayList<>();
                for (String v : p[2].split(",", -1)) {
                    if (v.isBlank()) {
                        throw new InvalidInputException("--grid", g, "an empty value in the list");
                    }
                    values.add(v.trim());
                }
                if (out.computeIfAbsent(p[0], k -> new LinkedHashMap<>()).put(p[1], values) != null) {
                    throw new InvalidInputException("--grid", g, p[0] + "." + p[1] + " given twice");
                }
            }
            return out;
        }

        static Map<String, Map<String, SearchSpace.Range>> ranges(List<String> given) {
            if (given == null) {
                return null;
            }
            Map<String, Map<String, SearchSpace.Range>> out = new LinkedHashMap<>();
            for (String r : given) {
                String[] p = split("--range", r, "algorithm.name=min:max[:log], e.g. gradient_boosting.learning_rate=0.01:0.3:log");
                String[] bounds = p[2].split(":", -1);
                if (bounds.length < 2 || bounds.length > 3) {
                    throw new InvalidInputException("--range", r, "expected min:max or min:max:log");
                }
                double min;
                double max;
                try {
                    min = Double.parseDouble(bounds[0].trim());
                    max = Double.parseDouble(bounds[1].trim());
                } catch (NumberFormatException e) {
                    throw new InvalidInputException("--range", r, "min and max must be numbers");
                }
                String scale = bounds.length == 3 ? bounds[2].trim() : "linear";
                if (!scale.equals("log") && !scale.equals("linear")) {
                    throw new InvalidInputException("--range", r, "the scale must be log or linear");
                }
                if (out.computeIfAbsent(p[0], k -> new LinkedHashMap<>()).put(p[1], new SearchSpace.Range(min, max, scale)) != null) {
                    throw new InvalidInputException("--range", r, p[0] + "." + p[1] + " given twice");
                }
            }
            return out;
        }

        /** {@code algorithm.name=rest} as its three parts. */
        private static String[] split(String option, String given, String expected) {
            int dot = given.indexOf('.');
            int eq = given.indexOf('=');
            if (dot <= 0 || eq < dot + 2 || eq == given.length() - 1) {
                throw new InvalidInputException(option, given, "expected " + expected);
            }
            return new String[]{given.substring(0, dot).trim(), given.substring(dot + 1, eq).trim(), given.substring(eq + 1)};
        }
    }

    /** Which shards a batch scores, and how many at once (predict, bench predict, demo). */
    public static final class Shards {
        @Option(names = "--shards", paramLabel = "<dir|s3 prefix>",
                description = "Score every .parquet object under this directory or prefix.")
        String prefix;

        @Option(names = "--shard", paramLabel = "<uri>", description = "Score this shard; repeat for more (instead of --shards).")
        List<String> shards;

        @Option(names = "--pool-size", paramLabel = "<n>",
                description = "Predictor invocations in flight at once (default: 6).")
        Integer poolSize;

        public boolean given() {
            return prefix != null || shards != null;
        }

        /** The prefix, a local directory given with its trailing slash so that it lists the directory's files. */
        String prefix() {
            if (prefix != null && !prefix.startsWith("s3://") && !prefix.endsWith("/") && Files.isDirectory(Path.of(prefix))) {
                return prefix + "/";
            }
            return prefix;
        }

        /** A batch over these shards with the function's defaults for everything else. */
        public BatchPredictRequest request(String model) {
            return new BatchPredictRequest(null, model, shards, prefix(), poolSize, null, true, null, null, null);
        }
    }

    /** A batch-predict request (predict, bench predict). */
    public static final class Batch {
        @Mixin
        BatchModel model;

        @Mixin
        Shards shards;

        @Mixin
        public RunId runId;

        @Option(names = "--out", paramLabel = "<dir|s3 prefix>",
                description = "Write each shard's predictions as Parquet under this prefix, with a manifest.")
        String out;

        @Option(names = "--unordered", description = "Start shards in any order (default: in the order given).")
        boolean unordered;

        @Option(names = "--max-attempts", paramLabel = "<n>", description = "Calls in all for one shard (default: 3).")
        Integer maxAttempts;

        @Option(names = "--shard-timeout", paramLabel = "<seconds>", description = "One shard's time limit (default: 300).")
        Integer shardTimeout;

        @Option(names = "--tolerated-failure-percentage", paramLabel = "<percent>",
                description = "Shards that may fail before the batch fails (default: 0).")
        Double toleratedFailurePercentage;

        @Option(names = "--keep-columns", split = "\\s*,\\s*", splitSynopsisLabel = ",", paramLabel = "<column>",
                description = "Copy these input columns (an id, any type) into each predictions file, beside prediction.")
        List<String> keepColumns;

        /** The values, as picocli reads them case-insensitively: Parquet, or Parquet and a CSV copy. */
        enum OutputFormat { parquet, csv }

        @Option(names = "--output-format", paramLabel = "parquet|csv",
                description = "parquet (default), or csv: each shard's predictions also as CSV beside the Parquet file.")
        OutputFormat outputFormat;

        @picocli.CommandLine.Spec(picocli.CommandLine.Spec.Target.MIXEE)
        picocli.CommandLine.Model.CommandSpec mixee;

        public BatchPredictRequest request() {
            try {
                OutputOptions.keepColumns(keepColumns);
            } catch (InvalidInputException e) {
                // found before any function is called: a usage error, as a bad value picocli itself refuses
                throw new picocli.CommandLine.ParameterException(mixee.commandLine(),
                        "Invalid value for option '--keep-columns': " + e.getMessage());
            }
            if (model.features != null && model.model == null) {
                throw new picocli.CommandLine.ParameterException(mixee.commandLine(), "--features goes with --model");
            }
            String modelUri;
            try {
                modelUri = model.uri();
            } catch (IllegalArgumentException e) {
                throw new picocli.CommandLine.ParameterException(mixee.commandLine(), "Invalid value for option " + e.getMessage());
            }
            return new BatchPredictRequest(runId.runId, modelUri, shards.shards, shards.prefix(), shards.poolSize, out,
                    !unordered, maxAttempts, shardTimeout, toleratedFailurePercentage, null, keepColumns,
                    outputFormat == null ? null : outputFormat.name(), null, null);
        }

        public String model() {
            return model.model;
        }
    }
}
