package dev.canopy.model;

import dev.canopy.data.CsvTableReader;
import dev.canopy.data.Table;
import dev.canopy.testing.TestData;
import dev.canopy.training.Algorithm;
import dev.canopy.training.FeatureMatrix;
import dev.canopy.training.ProgressListener;
import dev.canopy.training.SmileTrainer;
import dev.canopy.training.TrainingParams;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import smile.data.DataFrame;
import smile.regression.DataFrameRegression;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Canopy's flattened trees must predict exactly what Smile predicts, row for row. */
class SmileTreesTest {

    @ParameterizedTest
    // gradient_boosting trains with XGBoost and is converted from its JSON (XgboostConversionTest)
    @EnumSource(value = Algorithm.class, names = {"RANDOM_FOREST", "DECISION_TREE"})
    void compiledEnsembleMatchesSmile(Algorithm algorithm) {
        Table t = CsvTableReader.read("data", TestData.housingCsvBytes(600, 7));
        List<String> names = t.names();
        int p = names.size();
        double[][] rows = new double[t.rows()][p];
        for (int j = 0; j < p; j++) {
            double[] c = t.numeric("x", names.get(j));
            for (int i = 0; i < t.rows(); i++) {
                rows[i][j] = c[i];
            }
        }
        Map<String, Object> overrides = new java.util.HashMap<>(Map.of("max_depth", 6));
        if (algorithm != Algorithm.DECISION_TREE) {
            overrides.put("trees", 20);
        }
        Map<String, Number> params = TrainingParams.resolve(algorithm, overrides);
        Object model = SmileTrainer.fit(algorithm, params, FeatureMatrix.ofRows(rows, names.toArray(String[]::new)), 1, ProgressListener.NONE);
        TreeEnsemble flat = SmileTrees.compile(model);
        assertEquals(p - 1, flat.features());

        DataFrame df = DataFrame.of(rows, names.toArray(String[]::new));
        double[][] columns = new double[p - 1][];
        for (int j = 0; j < p - 1; j++) {
            columns[j] = t.numeric("x", names.get(j));
        }
        double[] batch = new double[t.rows()];
        flat.predict(columns, t.rows(), batch);
        for (int i = 0; i < t.rows(); i++) {
            double smile = ((DataFrameRegression) model).predict(df.get(i));
            double[] row = java.util.Arrays.copyOf(rows[i], p - 1);
            assertEquals(smile, flat.predict(row), 1e-9, "row " + i);
            assertEquals(smile, batch[i], 1e-9, "batch row " + i);
        }
        assertTrue(flat.nodes() > flat.trees());
    }
}
