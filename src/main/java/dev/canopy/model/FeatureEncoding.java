package dev.canopy.model;

import dev.canopy.error.InvalidInputException;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * How a model's features are turned into the numbers its trees split on, saved in the model's metadata
 * ({@code encoding}) so that scoring prepares a shard exactly as training prepared the data.
 *
 * <p>A numeric feature is used as it is. A categorical feature (a text column) is an ordinal code: its
 * {@code categories} are listed in code order, 0, 1, 2, …, sorted by the mean target of their training
 * rows. Canopy scores trees from flat arrays whose only test is {@code x <= threshold} (Smile's nominal
 * splits are equality tests it cannot express), and for a regression tree on squared error, ordering the
 * categories by mean target makes the best split of the categories into two groups one of these
 * thresholds (Fisher 1958; Breiman et al., CART, 1984) — one column per feature, unlike one-hot.
 *
 * <p>{@code missing} is the {@link MissingPolicy} (its id); {@code fill} is the value a gap takes under
 * {@code impute}: the training median, or the code of the most frequent category. A category never seen
 * in training is a gap: the policy decides (error names it; drop gives a null prediction; impute uses the
 * most frequent category).
 */
public record FeatureEncoding(String missing, List<Feature> features) {

    /** One feature; {@code categories} is null for a numeric one, {@code fill} null unless imputing. */
    public record Feature(String name, List<String> categories, Double fill) {
        public boolean categorical() {
            return categories != null;
        }
    }

    /** A model saved before encodings existed: every feature numeric and, safest, gaps an error. */
    public static FeatureEncoding numeric(List<String> names) {
        return new FeatureEncoding(MissingPolicy.ERROR.id(), names.stream().map(n -> new Feature(n, null, null)).toList());
    }

    public MissingPolicy policy() {
        return MissingPolicy.parse("encoding.missing", missing);
    }

    public List<String> names() {
        return features.stream().map(Feature::name).toList();
    }

    /** Checks a loaded encoding (it comes from a file anyone with write access could edit). */
    public FeatureEncoding checked(String field, Object where) {
        if (features == null || features.isEmpty()) {
            throw new InvalidInputException(field, where, "the model's encoding lists no features");
        }
        MissingPolicy p = policy();
        for (Feature f : features) {
            if (f.name() == null || (f.categorical() && f.categories().isEmpty())) {
                throw new InvalidInputException(field, where, "the model's encoding has a feature without a name or categories");
            }
            if (p == MissingPolicy.IMPUTE && (f.fill() == null || !Double.isFinite(f.fill())
                    || f.categorical() && (f.fill() < 0 || f.fill() >= f.categories().size()))) {
                throw new InvalidInputException(field, where, "the model imputes gaps but feature " + f.name()
                        + " has no usable fill value (" + f.fill() + ")");
            }
        }
        return this;
    }

    /** Turns text into codes and applies the missing policy to a batch of rows. Immutable, thread-safe. */
    public static final class Encoder {
        private final FeatureEncoding encoding;
        private final MissingPolicy policy;
        private final Map<String, Integer>[] codes;

        @SuppressWarnings("unchecked")
        public Encoder(FeatureEncoding encoding) {
            this.encoding = encoding;
            this.policy = encoding.policy();
            List<Feature> fs = encoding.features();
            this.codes = new Map[fs.size()];
            for (int j = 0; j < codes.length; j++) {
                List<String> cats = fs.get(j).categories();
                if (cats != null) {
                    Map<String, Integer> m = new HashMap<>(cats.size() * 2);
                    for (int k = 0; k < cats.size(); k++) {
                        m.put(cats.get(k), k);
                    }
                    codes[j] = m;
                }
            }
        }

        public FeatureEncoding encoding() {
            return encoding;
        }

        /** The coder of feature {@code j} if it is categorical, else null. */
        public ToDoubleFunction<String> coder(int j) {
            Map<String, Integer> m = codes[j];
            if (m == null) {
                return null;
            }
            String name = encoding.features().get(j).name();
            return s -> {
                if (s == null) {
                    return Double.NaN;
                }
                Integer c = m.get(s);
                if (c != null) {
                    return c;
                }
                if (policy == MissingPolicy.ERROR) {
                    throw new InvalidInputException("features", name, "holds the category \"" + s
                            + "\", never seen in training (the model knows " + m.size() + ": "
                            + preview(encoding.features().get(j).categories()) + "); the model's missing-value policy is "
                            + "error, so an unseen category is refused (train with missing=drop or impute to score it)");
                }
                return Double.NaN; // an unseen category is a gap: dropped or imputed below
            };
        }

        /** Feature {@code j}'s codes for {@code text} (null for a gap). */
        public double[] codes(int j, String[] text, int rows) {
            ToDoubleFunction<String> coder = coder(j);
            double[] out = new double[rows];
            for (int i = 0; i < rows; i++) {
                out[i] = coder.applyAsDouble(text[i]);
            }
            return out;
        }

        /**
         * Applies the policy to the gaps (NaN) of {@code columns[j][0..rows)}: ERROR throws naming the column,
         * the count and the first row; IMPUTE replaces them in place with the saved value; DROP leaves them and
         * returns which rows have one (null when none do), so that those rows get no prediction.
         */
        public boolean[] fill(double[][] columns, int rows) {
            boolean[] drop = null;
            for (int j = 0; j < columns.length; j++) {
                double[] c = columns[j];
                int gaps = 0;
                int first = -1;
                for (int i = 0; i < rows; i++) {
                    if (Double.isNaN(c[i])) {
                        if (gaps++ == 0) {
                            first = i;
                        }
                    }
                }
                if (gaps == 0) {
                    continue;
                }
                Feature f = encoding.features().get(j);
                switch (policy) {
                    case ERROR -> throw new InvalidInputException("features", f.name(), gaps + " of " + rows
                            + " rows have no value (first: row " + (first + 1) + "); the model's missing-value policy is "
                            + "error (train with missing=drop to skip such rows or missing=impute to fill them)");
                    case IMPUTE -> {
                        double v = f.fill();
                        for (int i = 0; i < rows; i++) {
                            if (Double.isNaN(c[i])) {
                                c[i] = v;
                            }
                        }
                    }
                    case DROP -> {
                        if (drop == null) {
                            drop = new boolean[rows];
                        }
                        for (int i = 0; i < rows; i++) {
                            drop[i] |= Double.isNaN(c[i]);
                        }
                    }
                }
            }
            return drop;
        }

        private static String preview(List<String> cats) {
            return cats.size() <= 10 ? cats.toString() : cats.subList(0, 10) + "…";
        }
    }
}
