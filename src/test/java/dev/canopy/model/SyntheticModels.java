package dev.canopy.model;

import java.util.Locale;
import java.util.SplittableRandom;

/**
 * XGBoost JSON and LightGBM text models written by hand, of any size, with reference evaluators that follow
 * each library's own C++ rules, so the converters can be checked node for node on values near every edge
 * (gaps, zeros, values that round to a split's float) without the libraries.
 */
public final class SyntheticModels {
    private SyntheticModels() {
    }

    /** An XGBoost model in memory: complete trees, node i's children 2i+1 and 2i+2. */
    public record Xgb(int trees, int depth, int features, int[][] split, float[][] cond, boolean[][] defaultLeft,
                      float[][] leaf, float baseScore, String objective, int classes, float[] classBase) {

        public String json(boolean version3) {
            StringBuilder s = new StringBuilder(64 * trees * (1 << depth));
            s.append("{\"learner\":{\"attributes\":{},\"feature_names\":[");
            for (int f = 0; f < features; f++) {
                s.append(f == 0 ? "" : ",").append("\"f").append(f).append('"');
            }
            s.append("],\"feature_types\":[],\"gradient_booster\":{\"model\":{\"gbtree_model_param\":{\"num_parallel_tree\":\"1\",")
                    .append("\"num_trees\":\"").append(trees).append("\"},\"iteration_indptr\":[0],\"tree_info\":[");
            for (int t = 0; t < trees; t++) {
                s.append(t == 0 ? "" : ",").append(t % classes);
            }
            s.append("],\"trees\":[");
            int nodes = (1 << (depth + 1)) - 1;
            int internal = (1 << depth) - 1;
            for (int t = 0; t < trees; t++) {
                s.append(t == 0 ? "" : ",").append("{\"base_weights\":[");
                list(s, nodes, i -> "0E0");
                s.append("],\"categories\":[],\"categories_nodes\":[],\"categories_segments\":[],\"categories_sizes\":[],\"default_left\":[");
                final int tt = t;
                list(s, nodes, i -> i < internal ? (version3 ? String.valueOf(defaultLeft[tt][i]) : defaultLeft[tt][i] ? "1" : "0")
                        : version3 ? "false" : "0");
                s.append("],\"id\":").append(t).append(",\"left_children\":[");
                list(s, nodes, i -> i < internal ? String.valueOf(2 * i + 1) : "-1");
                s.append("],\"loss_changes\":[");
                list(s, nodes, i -> "0E0");
                s.append("],\"parents\":[");
                list(s, nodes, i -> i == 0 ? "2147483647" : String.valueOf((i - 1) / 2));
                s.append("],\"right_children\":[");
                list(s, nodes, i -> i < internal ? String.valueOf(2 * i + 2) : "-1");
                s.append("],\"split_conditions\":[");
                list(s, nodes, i -> i < internal ? Float.toString(cond[tt][i]) : Float.toString(leaf[tt][i - internal]));
                s.append("],\"split_indices\":[");
                list(s, nodes, i -> i < internal ? String.valueOf(split[tt][i]) : "0");
                s.append("],\"split_type\":[");
                list(s, nodes, i -> "0");
                s.append("],\"sum_hessian\":[");
                list(s, nodes, i -> "1E0");
                s.append("],\"tree_param\":{\"num_deleted\":\"0\",\"num_feature\":\"").append(features)
                        .append("\",\"num_nodes\":\"").append(nodes).append("\",\"size_leaf_vector\":\"1\"}}");
            }
            String base = Float.toString(baseScore);
            if (version3 && classes > 1) {
                StringBuilder v = new StringBuilder();
                for (float b : classBase) {
                    v.append(v.isEmpty() ? "" : ",").append(Float.toString(b).replace(".0E", "E"));
                }
                base = v.toString();
            }
            s.append("]},\"name\":\"gbtree\"},\"learner_model_param\":{\"base_score\":\"")
                    .append(version3 ? "[" + base + "]" : base)
                    .append("\",\"boost_from_average\":\"1\",\"num_class\":\"").append(classes > 1 ? classes : 0)
                    .append("\",\"num_feature\":\"").append(features)
                    .append("\",\"num_target\":\"1\"},\"objective\":{\"name\":\"").append(objective)
                    .append("\",\"reg_loss_param\":{\"scale_pos_weight\":\"1\"}}},\"version\":[")
                    .append(version3 ? "3,4,0" : "1,7,4").append("]}");
            return s.toString();
        }

        /**
         * XGBoost's own rule for a multi-class model: float32 margins, each starting at its class's base score
         * (one for all in 1.x), then its softmax as XGBoost computes it (expf, a double sum, a float division).
         */
        public double[] probabilities(double[] row, boolean version3) {
            float[] m = new float[classes];
            for (int c = 0; c < classes; c++) {
                m[c] = version3 ? classBase[c] : baseScore;
            }
            for (int t = 0; t < trees; t++) {
                m[t % classes] += leaf[t][leafOf(t, row) - ((1 << depth) - 1)];
            }
            float max = m[0];
            for (float v : m) {
                max = Math.max(max, v);
            }
            double sum = 0;
            float[] e = new float[classes];
            for (int c = 0; c < classes; c++) {
                e[c] = (float) Math.exp(m[c] - max);
                sum += e[c];
            }
            double[] p = new double[classes];
            for (int c = 0; c < classes; c++) {
                p[c] = e[c] / (float) sum;
            }
            return p;
        }

        private int leafOf(int t, double[] row) {
            int internal = (1 << depth) - 1;
            int n = 0;
            while (n < internal) {
                double v = row[split[t][n]];
                boolean left = Double.isNaN(v) ? defaultLeft[t][n] : (float) v < cond[t][n];
                n = left ? 2 * n + 1 : 2 * n + 2;
            }
            return n;
        }

        /** XGBoost's own rule: float32 values, {@code x < cond} left, NaN by default_left, float32 sums. */
        public double predict(double[] row) {
            boolean logistic = objective.contains("logistic");
            float margin = logistic ? (float) -Math.log(1.0f / baseScore - 1.0f) : baseScore;
            int internal = (1 << depth) - 1;
            for (int t = 0; t < trees; t++) {
                int n = 0;
                while (n < internal) {
                    double v = row[split[t][n]];
                    boolean left = Double.isNaN(v) ? defaultLeft[t][n] : (float) v < cond[t][n];
                    n = left ? 2 * n + 1 : 2 * n + 2;
                }
                margin += leaf[t][n - internal];
            }
            return logistic ? 1 / (1 + Math.exp(-margin)) : margin;
        }
    }

    public static Xgb xgboost(int trees, int depth, int features, long seed, String objective) {
        return xgboost(trees, depth, features, seed, objective, 1);
    }

    /** {@code classes} > 1: a multi-class model, tree t of class {@code t % classes}, as XGBoost lays them out. */
    public static Xgb xgboost(int trees, int depth, int features, long seed, String objective, int classes) {
        SplittableRandom r = new SplittableRandom(seed);
        int internal = (1 << depth) - 1;
        int[][] split = new int[trees][internal];
        float[][] cond = new float[trees][internal];
        boolean[][] dl = new boolean[trees][internal];
        float[][] leaf = new float[trees][1 << depth];
        for (int t = 0; t < trees; t++) {
            for (int i = 0; i < internal; i++) {
                split[t][i] = r.nextInt(features);
                cond[t][i] = r.nextInt(8) == 0 ? 0f : (float) (r.nextGaussian() * 2);
                dl[t][i] = r.nextBoolean();
            }
            for (int i = 0; i < leaf[t].length; i++) {
                leaf[t][i] = (float) (r.nextGaussian() * 0.1);
            }
        }
        float[] classBase = new float[classes];
        for (int c = 0; c < classes; c++) {
            classBase[c] = (float) (r.nextGaussian() * 0.3);
        }
        return new Xgb(trees, depth, features, split, cond, dl, leaf, objective.contains("logistic") ? 0.3f
                : classes > 1 ? 0.5f : 1.25f, objective, classes, classBase);
    }

    /** A LightGBM model in memory, in its own layout: internal nodes, children as ~leaf for leaves. */
    public record Lgb(int features, int[][] split, double[][] threshold, int[][] decision, int[][] left, int[][] right,
                      double[][] leaf, String objective, int classes) {

        public String text() {
            StringBuilder s = new StringBuilder();
            s.append("tree\nversion=v4\nnum_class=").append(classes).append("\nnum_tree_per_iteration=").append(classes)
                    .append("\nlabel_index=0\nmax_feature_idx=")
                    .append(features - 1).append("\nobjective=").append(objective).append("\nfeature_names=");
            for (int f = 0; f < features; f++) {
                s.append(f == 0 ? "" : " ").append("f").append(f);
            }
            s.append("\nfeature_infos=");
            for (int f = 0; f < features; f++) {
                s.append(f == 0 ? "" : " ").append("[-5:5]");
            }
            s.append("\ntree_sizes=1\n\n");
            for (int t = 0; t < split.length; t++) {
                int leaves = leaf[t].length;
                s.append("Tree=").append(t).append("\nnum_leaves=").append(leaves).append("\nnum_cat=0\n");
                if (leaves > 1) {
                    s.append("split_feature=").append(join(split[t])).append("\nsplit_gain=").append(join(new int[leaves - 1]))
                            .append("\nthreshold=").append(join(threshold[t])).append("\ndecision_type=").append(join(decision[t]))
                            .append("\nleft_child=").append(join(left[t])).append("\nright_child=").append(join(right[t]));
                }
                s.append("\nleaf_value=").append(join(leaf[t])).append("\nleaf_weight=").append(join(new int[leaves]))
                        .append("\nleaf_count=").append(join(new int[leaves]))
                        .append("\nis_linear=0\nshrinkage=0.1\n\n\n");
            }
            s.append("end of trees\n\nfeature_importances:\n\nparameters:\n[boosting: gbdt]\nend of parameters\n\npandas_categorical:null\n");
            return s.toString();
        }

        /** A multiclass model's probabilities as LightGBM computes them: per-class sums in double, then softmax. */
        public double[] probabilities(double[] row) {
            double[] m = new double[classes];
            for (int t = 0; t < split.length; t++) {
                m[t % classes] += tree(t, row);
            }
            double max = Double.NEGATIVE_INFINITY;
            for (double v : m) {
                max = Math.max(max, v);
            }
            double sum = 0;
            for (int c = 0; c < classes; c++) {
                m[c] = Math.exp(m[c] - max);
                sum += m[c];
            }
            for (int c = 0; c < classes; c++) {
                m[c] /= sum;
            }
            return m;
        }

        /** LightGBM's own rule (Predictor and Tree::NumericalDecision), double values. */
        public double predict(double[] row) {
            double sum = 0;
            for (int t = 0; t < split.length; t++) {
                sum += tree(t, row);
            }
            return objective.startsWith("binary") ? 1 / (1 + Math.exp(-sigmoid() * sum)) : sum;
        }

        private double tree(int t, double[] row) {
            if (leaf[t].length == 1) {
                return leaf[t][0];
            }
            int n = 0;
            while (n >= 0) {
                double x = row[split[t][n]];
                // the predictor leaves values of magnitude <= kZeroThreshold out of a dense row: they are 0.0
                if (!Double.isNaN(x) && Math.abs(x) <= ZERO) {
                    x = 0.0;
                }
                int d = decision[t][n];
                int missing = (d >> 2) & 3;
                boolean dl = (d & 2) != 0;
                if (Double.isNaN(x) && missing != 2) {
                    x = 0.0;
                }
                boolean goLeft;
                if (missing == 1 && x >= -ZERO && x <= ZERO || missing == 2 && Double.isNaN(x)) {
                    goLeft = dl;
                } else {
                    goLeft = x <= threshold[t][n];
                }
                n = goLeft ? left[t][n] : right[t][n];
            }
            return leaf[t][~n];
        }

        private double sigmoid() {
            int at = objective.indexOf("sigmoid:");
            return at < 0 ? 1 : Double.parseDouble(objective.substring(at + 8));
        }
    }

    static final double ZERO = 1e-35f;

    public static Lgb lightgbm(int trees, int leaves, int features, long seed, String objective) {
        return lightgbm(trees, leaves, features, seed, objective, 1);
    }

    /** {@code classes} > 1: a multiclass model, tree t of class {@code t % classes}, as LightGBM interleaves them. */
    public static Lgb lightgbm(int trees, int leaves, int features, long seed, String objective, int classes) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] near = {0, -0.0, ZERO, -ZERO, 1e-36, -1e-36, Math.nextUp(ZERO), 0.5, -0.5};
        int[] decisions = {0, 2, 4, 6, 8, 10};
        int[][] split = new int[trees][];
        double[][] threshold = new double[trees][];
        int[][] decision = new int[trees][];
        int[][] left = new int[trees][];
        int[][] right = new int[trees][];
        double[][] leaf = new double[trees][];
        for (int t = 0; t < trees; t++) {
            int n = t % 7 == 6 ? 1 : leaves; // now and then a tree of a single leaf
            split[t] = new int[n - 1];
            threshold[t] = new double[n - 1];
            decision[t] = new int[n - 1];
            left[t] = new int[n - 1];
            right[t] = new int[n - 1];
            leaf[t] = new double[n];
            // grow as LightGBM does: split a leaf into internal node k with the old leaf left, a new leaf right
            int[] parent = new int[n];
            boolean[] isLeft = new boolean[n];
            parent[0] = -1;
            for (int k = 0; k < n - 1; k++) {
                int l = r.nextInt(k + 1);
                if (parent[l] >= 0) {
                    if (isLeft[l]) {
                        left[t][parent[l]] = k;
                    } else {
                        right[t][parent[l]] = k;
                    }
                }
                left[t][k] = ~l;
                right[t][k] = ~(k + 1);
                parent[l] = k;
                isLeft[l] = true;
                parent[k + 1] = k;
                isLeft[k + 1] = false;
                split[t][k] = r.nextInt(features);
                threshold[t][k] = r.nextInt(3) == 0 ? near[r.nextInt(near.length)] : r.nextGaussian();
                decision[t][k] = decisions[r.nextInt(decisions.length)];
            }
            for (int i = 0; i < n; i++) {
                leaf[t][i] = r.nextGaussian() * 0.1;
            }
        }
        return new Lgb(features, split, threshold, decision, left, right, leaf, objective, classes);
    }

    /** Values that sit on every edge: gaps, zeros of both signs, tiny values, and ordinary ones. */
    public static double[][] rows(int rows, int features, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] edge = {Double.NaN, 0, -0.0, 1e-40, -1e-40, ZERO, -ZERO, Math.nextUp(ZERO), 2e-35, -2e-35, 0.5,
                Math.nextDown(0.5), -0.5, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};
        double[][] out = new double[rows][features];
        for (double[] row : out) {
            for (int f = 0; f < features; f++) {
                row[f] = r.nextInt(4) == 0 ? edge[r.nextInt(edge.length)] : r.nextGaussian() * 2;
            }
        }
        return out;
    }

    private interface Cell {
        String at(int i);
    }

    private static void list(StringBuilder s, int n, Cell c) {
        for (int i = 0; i < n; i++) {
            s.append(i == 0 ? "" : ",").append(c.at(i));
        }
    }

    private static String join(int[] a) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < a.length; i++) {
            s.append(i == 0 ? "" : " ").append(a[i]);
        }
        return s.toString();
    }

    private static String join(double[] a) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < a.length; i++) {
            s.append(i == 0 ? "" : " ").append(String.format(Locale.ROOT, "%.17g", a[i]));
        }
        return s.toString();
    }
}
