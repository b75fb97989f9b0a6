package dev.canopy.training;

import dev.canopy.sample.BinaryHousing;
import dev.canopy.testing.PythonLibrary;
import dev.canopy.testing.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@code infra/bench/classifier_anchors.py} (docs/performance.md, "Classification against scikit-learn and
 * XGBoost") measures Canopy on the data its tests and demo use: its housing CSV must be what
 * {@link BinaryHousing#derive} makes ({@code demo --task binary}: MedHouseVal replaced by MedHouseVal_over_2, 1 only
 * above 2, other cells as written), and its breast cancer and wine CSVs what {@code sklearn_oracle.py} writes for
 * {@link ScikitLearnClassifiersTest}, byte for byte.
 */
class ClassifierAnchorsDataTest {
    /** One scikit-learn process for the class's tests. */
    @RegisterExtension
    static final ScikitLearnOracle.Python SKLEARN = new ScikitLearnOracle.Python();

    static final Path SCRIPT = Path.of("infra/bench/classifier_anchors.py");

    @TempDir
    Path dir;

    @Test
    void theBenchWritesTheDataSetsTheTestsAndTheDemoUse() throws Exception {
        // generated rows, and values at the threshold and either side of it, written in several ways
        String housing = TestData.housingCsv(200, 7)
                + "8.3,41,6.9,1.02,322,2.55,37.88,-122.23,2\n"
                + "8.3,41,6.9,1.02,322,2.55,37.88,-122.23,2.0\n"
                + "8.3,41,6.9,1.02,322,2.55,37.88,-122.23,2.00001\n"
                + "8.3,41,6.9,1.02,322,2.55,37.88,-122.23,1.99999\n"
                + "8.3,41,6.9,1.02,322,2.55,37.88,-122.23,5.00001\n";
        Path in = Files.writeString(dir.resolve("california_housing.csv"), housing);
        Path work = dir.resolve("work");
        PythonLibrary python = PythonLibrary.unchecked("/usr/bin/python3", "apt-get install python3-sklearn");
        python.runScript(SCRIPT, 300, "--housing", in.toString(), "--work", work.toString(), "--csv-only");

        assertEquals(BinaryHousing.derive(housing), Files.readString(work.resolve("housing.csv")));

        try (ScikitLearnOracle sk = SKLEARN.require()) {
            for (String name : new String[]{"breast_cancer", "wine"}) {
                Path oracle = dir.resolve("oracle-" + name + ".csv");
                sk.run("classifiers", name, oracle.toString(), "0.2", "42", "5");
                assertEquals(Files.readString(oracle), Files.readString(work.resolve(name + ".csv")), name);
            }
        }
    }
}
