package dev.canopy.training;

import dev.canopy.storage.local.LocalObjectStore;
import dev.canopy.testing.SharedData;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.time.Clock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * On the real California housing data, on the very split the seed's scikit-learn/XGBoost results were
 * measured on ({@code train_test_split(test_size=0.2, random_state=4)}), every default model must score
 * at least as well as the seed did: the Smile models here; gradient_boosting in
 * {@link CaliforniaGradientBoostingTest}, whose fit on this split serves its other checks too. The data set is
 * never in the repository: {@link SharedData} fails the test in CI and skips it elsewhere when it is absent.
 */
// the longest plain classes: started first, so that neither ends the plain tests alone (pom.xml, test.plain.threads)
@Order(1)
class CaliforniaHousingAccuracyTest {
    @ParameterizedTest(name = "{0}: test MSE at most the seed''s {1}")
    @CsvSource({"random_forest, 0.2529", "decision_tree, 0.4859"})
    void beatsTheSeedOnItsOwnSplit(String algorithm, double seedMse, @TempDir Path out) {
        Path data = SharedData.require("data/california_housing.csv");
        TrainService service = new TrainService(new LocalObjectStore(), Clock.systemUTC(), out.toString());
        TrainResult r = service.train(new TrainRequest("accuracy", data.toString(), null, null, null, algorithm, 0.2,
                4L, null, null, null, null));
        assertEquals(16512, r.dataset().trainRows());
        assertEquals(4128, r.dataset().testRows());
        assertTrue(r.mse() <= seedMse, algorithm + " test MSE " + r.mse() + " > " + seedMse);
    }
}
