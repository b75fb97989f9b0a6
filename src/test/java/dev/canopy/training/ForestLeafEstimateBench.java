package dev.canopy.training;

import dev.canopy.sample.BinaryHousing;
import smile.classification.RandomForest;
import smile.data.DataFrame;
import smile.data.Tuple;
import smile.data.vector.DoubleVector;
import smile.data.vector.ValueVector;
import smile.model.cart.DecisionNode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Where the random forest's log loss on binary California housing goes (docs/performance.md, "Classification
 * against scikit-learn and XGBoost"): the forest {@code train} fits with its default parameters, on the split
 * {@code train --task binary --stratify --seed N} makes, scored on the test rows with four estimates of a row's
 * probability from the same trees' leaves:
 * <ul>
 * <li>Smile's, which Canopy reports and saves: each leaf {@code (count_c + 1) / (n + k)} (Laplace), the trees
 *     weighted by their out-of-bag accuracy;</li>
 * <li>the same with equal weights;</li>
 * <li>each leaf {@code count_c / n}, as scikit-learn's {@code predict_proba}, with either weighting.</li>
 * </ul>
 * A bench, not a test (surefire's and failsafe's patterns leave it out); it compiles with the tests. Run it with
 * <pre>./mvnw -B -q test-compile exec:java -Dexec.classpathScope=test -Dexec.mainClass=dev.canopy.training.ForestLeafEstimateBench -Dexec.args="--housing ../shared/data/california_housing.csv --seeds 4,42,1"</pre>
 * The first line per seed must equal {@code train}'s own figure for that seed (the same forest), or the bench
 * did not fit what {@code train} fits.
 */
public final class ForestLeafEstimateBench {

    private ForestLeafEstimateBench() {
    }

    public static void main(String[] args) throws Exception {
        String housing = arg(args, "--housing", "../shared/data/california_housing.csv");
        long[] seeds = Arrays.stream(arg(args, "--seeds", "4,42,1").split(",")).mapToLong(Long::parseLong).toArray();
        List<String> lines = BinaryHousing.derive(Files.readString(Path.of(housing))).lines().toList();
        String[] names = lines.getFirst().split(",");
        double[][] rows = new double[lines.size() - 1][];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = Arrays.stream(lines.get(i + 1).split(",")).mapToDouble(Double::parseDouble).toArray();
        }
        int p = names.length - 1;
        if (!names[p].equals(BinaryHousing.TARGET)) {
            throw new IllegalArgumentException("the target is not the last column: " + lines.getFirst());
        }
        FeatureMatrix all = FeatureMatrix.ofRows(rows, names);
        int[] codes = Arrays.stream(all.labels()).mapToInt(v -> (int) v).toArray();
        for (long seed : seeds) {
            DataSplit split = StratifiedSplit.of(codes, null, 0.2, seed);
            FeatureMatrix train = all.rows(split.train());
            // test rows as train scores them: doubles, not the float32 the trees were grown on
            double[][] test = new double[p][split.test().length];
            int[] truth = new int[split.test().length];
            for (int i = 0; i < truth.length; i++) {
                for (int j = 0; j < p; j++) {
                    test[j][i] = rows[split.test()[i]][j];
                }
                truth[i] = codes[split.test()[i]];
            }
            var params = TrainingParams.resolve(Algorithm.RANDOM_FOREST, null);
            RandomForest forest = (RandomForest) ClassifierTrainer.fit(Algorithm.RANDOM_FOREST, params, train, 2, false,
                    seed, ProgressListener.NONE);
            score(seed, forest, List.of(names).subList(0, p), test, truth);
        }
    }

    private static void score(long seed, RandomForest forest, List<String> names, double[][] columns, int[] truth) {
        ValueVector[] v = new ValueVector[columns.length];
        for (int j = 0; j < columns.length; j++) {
            v[j] = new DoubleVector(names.get(j), columns[j]);
        }
        DataFrame df = new DataFrame(v);
        int n = truth.length;
        String[] estimates = {"Smile's (Laplace leaves, OOB-accuracy weights): train's", "Laplace leaves, equal weights",
                "count/n leaves, OOB-accuracy weights", "count/n leaves, equal weights (scikit-learn's)"};
        double[][][] p = new double[estimates.length][n][];
        for (int i = 0; i < n; i++) {
            Tuple row = df.get(i);
            double[][] sum = new double[estimates.length][2];
            double[] total = new double[estimates.length];
            for (RandomForest.Model m : forest.models()) {
                int[] count = ((DecisionNode) m.tree().root().predict(row)).count();
                double rows = count[0] + count[1];
                double w = m.weight();
                for (int c = 0; c < 2; c++) {
                    double laplace = (count[c] + 1) / (rows + 2);
                    double frequency = count[c] / rows;
                    sum[0][c] += w * laplace;
                    sum[1][c] += laplace;
                    sum[2][c] += w * frequency;
                    sum[3][c] += frequency;
                }
                total[0] += w;
                total[1] += 1;
                total[2] += w;
                total[3] += 1;
            }
            for (int e = 0; e < estimates.length; e++) {
                p[e][i] = new double[]{sum[e][0] / total[e], sum[e][1] / total[e]};
            }
        }
        for (int e = 0; e < estimates.length; e++) {
            ClassificationMetrics m = ClassificationMetrics.of(truth, p[e]);
            System.out.printf(Locale.ROOT, "seed %d, %d trees, %-58s log loss %.4f, accuracy %.4f%n", seed,
                    forest.models().length, estimates[e], m.logLoss(), m.accuracy());
        }
    }

    private static String arg(String[] args, String name, String fallback) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        return fallback;
    }
}
